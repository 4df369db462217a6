import type { Backend } from "../backend/backend.js";

const skip = (): void => {};

/**
 * A backend whose kernels do nothing. Ops still validate their arguments and allocate outputs of
 * the right shape, so a forward pass run on it traces every layer's output shape without the
 * arithmetic: a summary of VGG-19 at 224x224 skips 19.6 GMACs. The values it leaves are
 * meaningless (zeros); only shapes may be read. Typed as Backend, so a kernel added to the
 * interface must be added here too.
 */
export const shapeOnlyBackend: Backend = {
  name: "shape-only",
  fill: skip, copy: skip, unary: skip, scalar: skip, binary: skip, where: skip,
  reduce: skip, argReduce: skip, softmax: skip, sort: skip, gemm: skip, dgemm: skip, luNormalize: skip,
  nearestCenters: skip, elkanAssign: skip, pairwiseDistances: skip, mstSingleLinkage: skip, nnChainLinkage: skip,
  gather: skip, scatterAdd: skip, gatherAlong: skip, scatterAddAlong: skip,
  conv2d: skip, conv2dBackwardInput: skip, conv2dBackwardWeight: skip,
  maxPool2d: skip, maxPool2dBackward: skip, avgPool2d: skip, avgPool2dBackward: skip,
  adaptiveAvgPool2d: skip, adaptiveAvgPool2dBackward: skip, batchNormInference: skip, layerNorm: skip,
  sgdStep: skip, adamStep: skip, rmspropStep: skip,
};
