/** Layers as modules (torch.nn), with PyTorch's parameter names and default initialisation. */
export { Module, StateDictError } from "./module.js";
export type { ForwardHook, RemovableHandle, LoadStateDictOptions, LoadStateDictResult } from "./module.js";
export { Parameter } from "./parameter.js";
export { Sequential, ModuleList, ModuleDict } from "./container.js";
export { Linear, Identity } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export { Conv2d } from "./conv.js";
export type { Conv2dOptions } from "./conv.js";
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d } from "./pooling.js";
export type { MaxPool2dOptions, AvgPool2dOptions } from "./pooling.js";
export { BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm } from "./normalization.js";
export type { BatchNormOptions, LayerNormOptions, GroupNormOptions } from "./normalization.js";
export { Dropout, Dropout2d } from "./dropout.js";
export type { DropoutOptions } from "./dropout.js";
export { Embedding } from "./embedding.js";
export type { EmbeddingOptions } from "./embedding.js";
export { MultiheadAttention } from "./attention.js";
export type { MultiheadAttentionOptions, MultiheadAttentionForwardOptions } from "./attention.js";
export { Flatten, Unflatten } from "./flatten.js";
export {
  ReLU, ReLU6, LeakyReLU, ELU, GELU, SiLU, Mish, Sigmoid, Tanh, Hardswish, Hardsigmoid, Softplus, Softmax, LogSoftmax,
} from "./activation.js";
export * as init from "./init.js";
export { LocalResponseNorm } from "./lrn.js";
