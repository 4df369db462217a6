/** lt.data.transforms: composable, seeded image transforms on CHW float tensors (torchvision.transforms). */
export { Transform, Compose, Lambda } from "./transform.js";
export { RandomCrop, CenterCrop, RandomHorizontalFlip, Resize, RandomResizedCrop } from "./geometry.js";
export type { RandomCropOptions, RandomResizedCropOptions } from "./geometry.js";
export { Normalize, Grayscale, RandomGrayscale, ColorJitter } from "./color.js";
export type { ColorJitterOptions } from "./color.js";
export { GaussianBlur, RandomErasing } from "./filter.js";
export type { RandomErasingOptions } from "./filter.js";
export { toTensor } from "./to-tensor.js";
export type { DecodedImage } from "./to-tensor.js";
export { transformFromSpec } from "./registry.js";
export type { TransformSpec } from "./registry.js";
