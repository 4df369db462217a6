/** lt.vision.models: architectures with torchvision's layer names, so their state dicts load unchanged. */
export { lenet5, LeNet5 } from "./lenet.js";
export type { LeNet5Options } from "./lenet.js";
