import type { Backend } from "../backend.js";
import { binary, copy, fill, scalar, unary, where } from "./elementwise.js";
import { argReduce, reduce, softmax, sort } from "./reduce.js";
import { gemm } from "./gemm.js";
import { dgemm } from "./dgemm.js";
import { luNormalize } from "./lu.js";
import { elkanAssign, nearestCenters } from "./kmeans.js";
import { mstSingleLinkage, nnChainLinkage, pairwiseDistances } from "./linkage.js";
import { gather, gatherAlong, scatterAdd, scatterAddAlong } from "./indexing.js";
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from "./conv.js";
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dBackward, avgPool2d, avgPool2dBackward, maxPool2d, maxPool2dBackward,
} from "./pool.js";
import { adamStep, rmspropStep, sgdStep } from "./optim.js";
import { batchNormInference, layerNorm } from "./normalization.js";

/** The pure-TypeScript reference backend: runs everywhere, and is the oracle other backends are tested against. */
export const jsBackend: Backend = {
  name: "js",
  fill, copy, unary, scalar, binary, where,
  reduce, argReduce, softmax, sort,
  gemm, dgemm, luNormalize,
  nearestCenters, elkanAssign, pairwiseDistances, mstSingleLinkage, nnChainLinkage,
  gather, scatterAdd, gatherAlong, scatterAddAlong,
  conv2d, conv2dBackwardInput, conv2dBackwardWeight,
  maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward, adaptiveAvgPool2d, adaptiveAvgPool2dBackward,
  batchNormInference, layerNorm,
  sgdStep, adamStep, rmspropStep,
};
