/** lt.vision: image models. */
export * as models from "./models/index.js";
export { IMAGENET_CLASSES } from "./imagenet-classes.js";
export { decodeImage, ImageDecodeError } from "./image.js";
export {
  resize, resizeShorterSide, centerCrop, toNormalizedTensor, imagenetTransform, IMAGENET_MEAN, IMAGENET_STD,
} from "./preprocess.js";
export type { RGBImage, Interpolation, ImagenetTransformOptions } from "./preprocess.js";
export { classify, topPredictions } from "./classify.js";
export type { ClassPrediction, ClassifyOptions } from "./classify.js";
export * as ops from "./ops/index.js";
