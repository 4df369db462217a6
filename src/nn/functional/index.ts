/** lt.nn.functional (lt.F): stateless layers, activations and losses with PyTorch's semantics. */
export { conv2d } from "./conv.js";
export type { Conv2dOptions } from "./conv.js";
export { maxPool2d, avgPool2d, adaptiveAvgPool2d, adaptiveMaxPool2d } from "./pooling.js";
export type { MaxPool2dOptions, AvgPool2dOptions, AdaptiveSize } from "./pooling.js";
export { batchNorm, layerNorm, groupNorm } from "./normalization.js";
export { dropout, dropout2d } from "./dropout.js";
export { linear } from "./linear.js";
export { embedding } from "./embedding.js";
export type { EmbeddingOptions } from "./embedding.js";
export {
  relu, relu6, leakyRelu, elu, selu, hardtanh, gelu, silu, mish, sigmoid, tanh, hardswish, hardsigmoid, softplus,
  logSigmoid, softmax, logSoftmax,
} from "./activation.js";
export type { GeluApproximate } from "./activation.js";
export { scaledDotProductAttention } from "./attention.js";
export type { AttentionOptions } from "./attention.js";
export {
  crossEntropy, nllLoss, mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv,
} from "./loss.js";
export type { Reduction, ReductionOptions, NllLossOptions, CrossEntropyOptions } from "./loss.js";
export type { Pair } from "./args.js";
export { localResponseNorm } from "./local-response-norm.js";
