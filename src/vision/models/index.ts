/** lt.vision.models: architectures with torchvision's layer names, so their state dicts load unchanged. */
export { lenet5, LeNet5 } from "./lenet.js";
export type { LeNet5Options } from "./lenet.js";
export { alexnet, AlexNet } from "./alexnet.js";
export type { AlexNetOptions } from "./alexnet.js";
export { vgg, vgg11, vgg13, vgg16, vgg19, vgg11Bn, vgg13Bn, vgg16Bn, vgg19Bn, VGG } from "./vgg.js";
export type { VGGConfig, VGGOptions } from "./vgg.js";
/** torchvision's spelling of the batch-norm variants, so code ported from Python reads the same. */
export { vgg11Bn as vgg11_bn, vgg13Bn as vgg13_bn, vgg16Bn as vgg16_bn, vgg19Bn as vgg19_bn } from "./vgg.js";
export {
  resnet18, resnet34, resnet50, resnet101, resnet152, resnext50_32x4d, resnext101_32x8d, resnext101_64x4d, wide_resnet50_2,
  wide_resnet101_2, ResNet, BasicBlock, Bottleneck,
} from "./resnet.js";
export type { ResNetOptions } from "./resnet.js";
export { googlenet, GoogLeNet, Inception, InceptionAux, BasicConv2d } from "./googlenet.js";
export type { GoogLeNetOptions, GoogLeNetOutputs } from "./googlenet.js";
export { inceptionV3, Inception3 } from "./inception.js";
export type { Inception3Options } from "./inception.js";
export { mobilenetV1, MobileNetV1, DepthwiseSeparableConv } from "./mobilenet-v1.js";
export type { MobileNetV1Options } from "./mobilenet-v1.js";
export { mobilenetV2, MobileNetV2, InvertedResidual } from "./mobilenet-v2.js";
export type { MobileNetV2Options } from "./mobilenet-v2.js";
export { mobilenetV3Small, mobilenetV3Large, MobileNetV3 } from "./mobilenet-v3.js";
export type { MobileNetV3Options } from "./mobilenet-v3.js";
export {
  efficientnetB0, efficientnetB1, efficientnetB2, efficientnetB3, efficientnetB4, efficientnetB5, efficientnetB6, efficientnetB7,
  EfficientNet, MBConv, EFFICIENTNET_RESOLUTION,
} from "./efficientnet.js";
export type { EfficientNetOptions } from "./efficientnet.js";
export { getModel, listModels, modelEntry } from "./registry.js";
export type { ModelEntry, Preprocessing } from "./registry.js";
