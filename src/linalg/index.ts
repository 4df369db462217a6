/** Dense linear algebra in float64: decompositions after torch.linalg, plus the randomized SVD. */
export { svd, svdvals } from "./svd.js";
export { eigh, eigvalsh } from "./eigh.js";
export { qr } from "./qr.js";
export { randomizedSvd } from "./randomized.js";
export type { RandomizedSvdOptions, LinearOperator } from "./randomized.js";
export { lowRankApproximation, capturedEnergy } from "./low-rank.js";
export type { MatrixLike } from "./matrix.js";
