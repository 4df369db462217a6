import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The compiled core (native/src, built into build/Release/lantern_native.node by
 * scripts/build-native.mjs). Every kernel works in place on the typed arrays it is given;
 * geometries and layouts travel as Float64Arrays, in the order native/src/addon*.cc documents.
 */
export interface NativeAddon {
  gemm(
    a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, n: number, k: number,
    transA: boolean, transB: boolean, aOffset: number, bOffset: number, aBatchStride: number, bBatchStride: number,
    alpha: number, beta: number,
  ): void;
  luNormalize(y: Float64Array, rows: number, k: number): void;
  dgemm(
    a: Float64Array, b: Float64Array, c: Float64Array, m: number, n: number, k: number, transA: boolean, transB: boolean,
    aOffset: number, lda: number, bOffset: number, ldb: number, cOffset: number, ldc: number, alpha: number, beta: number,
    upper: boolean,
  ): void;
  nearestCenters(x: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array, minDistances: Float64Array | null): void;
  elkanAssign(
    x: Float64Array, n: number, d: number, centers: Float64Array, k: number, half: Float64Array, nextCenter: Float64Array,
    drift: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array, first: boolean,
  ): void;
  pairwiseDistances(x: Float64Array, n: number, d: number, rowPart: Float64Array, colPart: Float64Array, out: Float64Array): void;
  mstSingleLinkage(x: Float64Array, n: number, d: number, merges: Float64Array): void;
  nnChainLinkage(D: Float64Array, n: number, rowPart: Float64Array, colPart: Float64Array, method: number, merges: Float64Array): void;
  conv2d(x: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, geometry: Float64Array, activation?: number, prepared?: Float32Array | null, residual?: Float32Array | null): void;
  conv2dPrepare(w: Float32Array, bias: Float32Array | null, geometry: Float64Array): Float32Array | null;
  cacheLineOffset(array: ArrayBufferView): number;
  invertedResidualPrepare(
    expandW: Float32Array | null, expandB: Float32Array | null, depthwiseW: Float32Array, depthwiseB: Float32Array | null,
    projectW: Float32Array, projectB: Float32Array | null, geometry: Float64Array,
  ): Float32Array | null;
  invertedResidual(x: Float32Array, prepared: Float32Array, out: Float32Array, geometry: Float64Array): void;
  conv2dBackwardInput(gradOut: Float32Array, w: Float32Array, gradIn: Float32Array, geometry: Float64Array): void;
  conv2dBackwardWeight(gradOut: Float32Array, x: Float32Array, gradWeight: Float32Array, geometry: Float64Array): void;
  maxPool2d(x: Float32Array, out: Float32Array, argmax: Int32Array | null, geometry: Float64Array): void;
  maxPool2dBackward(gradOut: Float32Array, argmax: Int32Array, gradIn: Float32Array, geometry: Float64Array): void;
  avgPool2d(x: Float32Array, out: Float32Array, geometry: Float64Array, countIncludePad: boolean, divisorOverride: number): void;
  avgPool2dBackward(gradOut: Float32Array, gradIn: Float32Array, geometry: Float64Array, countIncludePad: boolean, divisorOverride: number): void;
  adaptiveAvgPool2d(x: Float32Array, out: Float32Array, geometry: Float64Array): void;
  adaptiveAvgPool2dBackward(gradOut: Float32Array, gradIn: Float32Array, geometry: Float64Array): void;
  batchNormInference(
    x: Float32Array, mean: Float32Array, variance: Float32Array, weight: Float32Array | null, bias: Float32Array | null,
    eps: number, outer: number, channels: number, inner: number, out: Float32Array,
  ): void;
  layerNorm(
    x: Float32Array, weight: Float32Array | null, bias: Float32Array | null, rows: number, size: number, eps: number,
    out: Float32Array, mean: Float32Array | null, rstd: Float32Array | null,
  ): void;
  unary(op: number, x: Float32Array, xOffset: number, layout: Float64Array, out: Float32Array): void;
  scalar(op: number, x: Float32Array, xOffset: number, layout: Float64Array, a: number, b: number, out: Float32Array): void;
  binary(op: number, a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, layout: Float64Array, out: Float32Array): void;
  copy(src: Float32Array, srcOffset: number, dst: Float32Array, dstOffset: number, layout: Float64Array): void;
  reduce(op: number, x: Float32Array, outer: number, size: number, inner: number, out: Float32Array): void;
  argReduce(isMax: boolean, x: Float32Array, outer: number, size: number, inner: number, values: Float32Array, indices: Int32Array): void;
  softmax(x: Float32Array, outer: number, size: number, inner: number, log: boolean, out: Float32Array): void;
  sgdStep(
    param: Float32Array, grad: Float32Array, momentumBuffer: Float32Array | null, lr: number, momentum: number,
    dampening: number, nesterov: boolean, weightDecay: number, maximize: boolean, firstStep: boolean,
  ): void;
  adamStep(
    param: Float32Array, grad: Float32Array, expAvg: Float32Array, expAvgSq: Float32Array, maxExpAvgSq: Float32Array | null,
    lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, decoupledWeightDecay: number,
    step: number, maximize: boolean,
  ): void;
  rmspropStep(
    param: Float32Array, grad: Float32Array, squareAvg: Float32Array, momentumBuffer: Float32Array | null,
    gradAvg: Float32Array | null, lr: number, alpha: number, eps: number, momentum: number, centered: boolean,
    weightDecay: number, maximize: boolean,
  ): void;
  /** Op name -> code for the ops the core implements; a name that is missing stays on the TypeScript backend. */
  unaryOps: Record<string, number>;
  scalarOps: Record<string, number>;
  binaryOps: Record<string, number>;
  reduceOps: Record<string, number>;
  /** The instruction set in use ("avx512", "avx2", "neon" or "scalar"), the GEMM micro-kernel, and the thread count. */
  info(): { isa: string; gemmKernel: string; threads: number };
  /** Switches every kernel to another instruction set the CPU supports (tests use it to cover each path). */
  setIsa(isa: string): boolean;
}

const ADDON_PATH = join("build", "Release", "lantern_native.node");

/** The package root: the nearest folder above this file that holds package.json (works from src/ and dist/src/). */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** Loads the addon, or explains in a few words why it cannot. */
export function loadAddon(): { addon: NativeAddon } | { reason: string } {
  const root = packageRoot();
  if (root === null) return { reason: "package root not found" };
  const path = join(root, ADDON_PATH);
  if (!existsSync(path)) return { reason: `${ADDON_PATH} is missing; run npm install` };
  try {
    return { addon: createRequire(import.meta.url)(path) as NativeAddon };
  } catch (error) {
    return { reason: String((error as Error).message ?? error).split("\n")[0] };
  }
}
