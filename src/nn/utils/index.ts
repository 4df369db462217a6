/** lt.nn.utils: helpers around training (torch.nn.utils). */
export { clipGradNorm_, clipGradValue_ } from "./clip-grad.js";
export { fuseConvBn } from "./fuse.js";
export type { FuseReport } from "./fuse.js";
