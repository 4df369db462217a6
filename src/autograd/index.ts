export { gradcheck } from "./gradcheck.js";
export type { GradcheckOptions } from "./gradcheck.js";
export { noGrad, enableGrad, isGradEnabled } from "./grad-mode.js";
export type { GradFn } from "./node.js";
