import type { Backend, Conv2dGeometry, ConvActivation, InvertedResidualGeometry, Pool2dGeometry, StridedView } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { jsBackend } from "../js/index.js";
import { loadAddon, type NativeAddon } from "./addon.js";
import { setCacheLineProbe } from "../../memory/pool.js";

export type { NativeAddon } from "./addon.js";

/**
 * Below these sizes the cost of crossing into C++ (about a microsecond) exceeds what the compiled
 * loop saves over the JIT-compiled TypeScript one, so small work stays on the reference backend.
 */
const MIN_ELEMENTS = 2048;
const MIN_GEMM_WORK = 4096;
const MIN_DGEMM_WORK = 512;

function isF32(x: TypedArray | null): x is Float32Array {
  return x instanceof Float32Array;
}

function count(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Small arrays of exactly n float64s, one per length, reused by every call: the core reads its
 * layout and geometry arguments before it returns and keeps none. A fresh Float64Array per call
 * took about 1.6 us of a 1.7 us convolution call (a backing store allocated, registered and swept).
 */
const scratchByLength: Float64Array[] = [];
function scratchF64(n: number): Float64Array {
  return (scratchByLength[n] ??= new Float64Array(n));
}

/** [shape..., strides of each view...]: the layout the native element-wise kernels walk. */
function layout(shape: readonly number[], ...strides: (readonly number[])[]): Float64Array {
  const out = scratchF64(shape.length * (strides.length + 1));
  out.set(shape);
  strides.forEach((s, i) => out.set(s, shape.length * (i + 1)));
  return out;
}

/** The native core's codes for a fused conv activation (native/src/conv.h Activation). */
const ACTIVATION_CODES: Record<ConvActivation, number> = { none: 0, relu: 1, relu6: 2 };

function fill(out: Float64Array, ...values: number[]): Float64Array {
  for (let i = 0; i < values.length; i++) out[i] = values[i];
  return out;
}

function convGeometry(g: Conv2dGeometry): Float64Array {
  return fill(
    scratchF64(16), g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth, g.outHeight,
    g.outWidth, g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.groups,
  );
}

function invertedResidualGeometry(g: InvertedResidualGeometry): Float64Array {
  return fill(
    scratchF64(14), g.batch, g.inChannels, g.hidden, g.outChannels, g.height, g.width, g.kernel, g.stride, g.outHeight,
    g.outWidth, ACTIVATION_CODES[g.expandActivation], ACTIVATION_CODES[g.depthwiseActivation], g.residual ? 1 : 0,
    g.expand ? 1 : 0,
  );
}

function poolGeometry(g: Pool2dGeometry): Float64Array {
  return fill(
    scratchF64(13), g.planes, g.inHeight, g.inWidth, g.outHeight, g.outWidth, g.kernelHeight, g.kernelWidth, g.strideH, g.strideW,
    g.padTop, g.padLeft, g.dilationH, g.dilationW,
  );
}

function f32View(v: StridedView): v is StridedView & { data: Float32Array } {
  return v.data instanceof Float32Array;
}

/**
 * The Backend over the compiled core: float32 work of useful size runs natively, everything else
 * (other dtypes, tiny tensors, kernels the core lacks: sort, gather/scatter, where) on jsBackend,
 * whose results the native kernels reproduce to float32 rounding.
 */
function createNativeBackend(addon: NativeAddon): Backend {
  const js = jsBackend;
  return {
    name: "native",
    fill: js.fill,
    sort: js.sort,
    where: js.where,
    gather: js.gather,
    scatterAdd: js.scatterAdd,
    gatherAlong: js.gatherAlong,
    scatterAddAlong: js.scatterAddAlong,

    copy(src, dst) {
      if (!f32View(src) || !f32View(dst) || count(src.shape) < MIN_ELEMENTS) return js.copy(src, dst);
      addon.copy(src.data, src.offset, dst.data, dst.offset, layout(src.shape, src.strides, dst.strides));
    },
    unary(op, x, out) {
      const code = addon.unaryOps[op];
      if (code === undefined || !f32View(x) || !isF32(out) || count(x.shape) < MIN_ELEMENTS) return js.unary(op, x, out);
      addon.unary(code, x.data, x.offset, layout(x.shape, x.strides), out);
    },
    scalar(op, x, a, b, out) {
      const code = addon.scalarOps[op];
      if (code === undefined || !f32View(x) || !isF32(out) || count(x.shape) < MIN_ELEMENTS) return js.scalar(op, x, a, b, out);
      addon.scalar(code, x.data, x.offset, layout(x.shape, x.strides), a, b, out);
    },
    binary(op, a, b, out) {
      const code = addon.binaryOps[op];
      if (code === undefined || !f32View(a) || !f32View(b) || !isF32(out) || count(a.shape) < MIN_ELEMENTS) {
        return js.binary(op, a, b, out);
      }
      addon.binary(code, a.data, a.offset, b.data, b.offset, layout(a.shape, a.strides, b.strides), out);
    },

    reduce(op, x, outer, size, inner, out) {
      const code = addon.reduceOps[op];
      if (code === undefined || !isF32(x) || !isF32(out) || outer * size * inner < MIN_ELEMENTS) {
        return js.reduce(op, x, outer, size, inner, out);
      }
      addon.reduce(code, x, outer, size, inner, out);
    },
    argReduce(op, x, outer, size, inner, values, indices) {
      if (!isF32(x) || !isF32(values) || outer * size * inner < MIN_ELEMENTS) {
        return js.argReduce(op, x, outer, size, inner, values, indices);
      }
      addon.argReduce(op === "max", x, outer, size, inner, values, indices);
    },
    softmax(x, outer, size, inner, log, out) {
      if (!isF32(x) || !isF32(out) || outer * size * inner < MIN_ELEMENTS) return js.softmax(x, outer, size, inner, log, out);
      addon.softmax(x, outer, size, inner, log, out);
    },

    gemm(a, b, out, p) {
      if (a instanceof Float64Array && b instanceof Float64Array && out instanceof Float64Array && p.batch * p.m * p.n * p.k >= MIN_GEMM_WORK) {
        for (let i = 0; i < p.batch; i++) {
          addon.dgemm(
            a, b, out, p.m, p.n, p.k, p.transA, p.transB, p.aOffset + i * p.aBatchStride, p.transA ? p.m : p.k,
            p.bOffset + i * p.bBatchStride, p.transB ? p.k : p.n, i * p.m * p.n, p.n, p.alpha, p.beta, false,
          );
        }
        return;
      }
      if (!isF32(a) || !isF32(b) || !isF32(out) || p.batch * p.m * p.n * p.k < MIN_GEMM_WORK) return js.gemm(a, b, out, p);
      addon.gemm(
        a, b, out, p.batch, p.m, p.n, p.k, p.transA, p.transB, p.aOffset, p.bOffset, p.aBatchStride, p.bBatchStride,
        p.alpha, p.beta,
      );
    },

    luNormalize(y, rows, k) {
      if (rows * k < MIN_ELEMENTS) return js.luNormalize(y, rows, k);
      addon.luNormalize(y, rows, k);
    },

    dgemm(a, b, c, p) {
      // A native call costs about a microsecond, which the JS kernel spends on ~300 multiply-adds.
      if (p.m * p.n * p.k < MIN_DGEMM_WORK) return js.dgemm(a, b, c, p);
      addon.dgemm(
        a, b, c, p.m, p.n, p.k, p.transA, p.transB, p.aOffset, p.lda, p.bOffset, p.ldb, p.cOffset, p.ldc, p.alpha, p.beta,
        p.upper,
      );
    },

    nearestCenters(x, n, d, centers, k, labels, minDistances) {
      if (n * k * d < MIN_GEMM_WORK) return js.nearestCenters(x, n, d, centers, k, labels, minDistances);
      addon.nearestCenters(x, n, d, centers, k, labels, minDistances);
    },
    elkanAssign(x, n, d, centers, k, half, nextCenter, drift, labels, upper, lower, first) {
      addon.elkanAssign(x, n, d, centers, k, half, nextCenter, drift, labels, upper, lower, first);
    },
    pairwiseDistances(x, n, d, rowPart, colPart, out) {
      addon.pairwiseDistances(x, n, d, rowPart, colPart, out);
    },
    mstSingleLinkage(x, n, d, merges) {
      addon.mstSingleLinkage(x, n, d, merges);
    },
    nnChainLinkage(D, n, rowPart, colPart, method, merges) {
      addon.nnChainLinkage(D, n, rowPart, colPart, method, merges);
    },

    conv2d(x, w, bias, out, g, opts = {}) {
      const residual = opts.residual ?? null;
      if (!isF32(x) || !isF32(w) || !isF32(out) || (bias !== null && !isF32(bias)) || (residual !== null && !isF32(residual))) {
        return js.conv2d(x, w, bias, out, g, opts);
      }
      const prepared = opts.prepared instanceof Float32Array ? opts.prepared : null;
      addon.conv2d(x, w, bias, out, convGeometry(g), ACTIVATION_CODES[opts.activation ?? "none"], prepared, residual);
    },
    cacheLineOffset(data) {
      return addon.cacheLineOffset(data);
    },
    prepareConv2d(w, bias, g) {
      if (!isF32(w) || (bias !== null && !isF32(bias))) return null;
      return addon.conv2dPrepare(w, bias, convGeometry(g));
    },
    prepareInvertedResidual(w, g) {
      const { expandWeight, expandBias, depthwiseWeight, depthwiseBias, projectWeight, projectBias } = w;
      const arrays = [expandWeight, expandBias, depthwiseWeight, depthwiseBias, projectWeight, projectBias];
      if (!arrays.every((a) => a === null || isF32(a))) return null;
      return addon.invertedResidualPrepare(
        expandWeight as Float32Array | null, expandBias as Float32Array | null, depthwiseWeight as Float32Array,
        depthwiseBias as Float32Array | null, projectWeight as Float32Array, projectBias as Float32Array | null,
        invertedResidualGeometry(g),
      );
    },
    invertedResidual(x, prepared, out, g) {
      if (!isF32(x) || !isF32(out) || !(prepared instanceof Float32Array)) {
        throw new TypeError("invertedResidual: expects float32 data and weights from this backend's prepareInvertedResidual");
      }
      addon.invertedResidual(x, prepared, out, invertedResidualGeometry(g));
    },
    conv2dBackwardInput(gradOut, w, gradIn, g) {
      if (!isF32(gradOut) || !isF32(w) || !isF32(gradIn)) return js.conv2dBackwardInput(gradOut, w, gradIn, g);
      addon.conv2dBackwardInput(gradOut, w, gradIn, convGeometry(g));
    },
    conv2dBackwardWeight(gradOut, x, gradWeight, g) {
      if (!isF32(gradOut) || !isF32(x) || !isF32(gradWeight)) return js.conv2dBackwardWeight(gradOut, x, gradWeight, g);
      addon.conv2dBackwardWeight(gradOut, x, gradWeight, convGeometry(g));
    },

    maxPool2d(x, out, argmax, g) {
      if (!isF32(x) || !isF32(out)) return js.maxPool2d(x, out, argmax, g);
      addon.maxPool2d(x, out, argmax, poolGeometry(g));
    },
    maxPool2dBackward(gradOut, argmax, gradIn, g) {
      if (!isF32(gradOut) || !isF32(gradIn)) return js.maxPool2dBackward(gradOut, argmax, gradIn, g);
      addon.maxPool2dBackward(gradOut, argmax, gradIn, poolGeometry(g));
    },
    avgPool2d(x, out, g, countIncludePad, divisorOverride) {
      if (!isF32(x) || !isF32(out)) return js.avgPool2d(x, out, g, countIncludePad, divisorOverride);
      addon.avgPool2d(x, out, poolGeometry(g), countIncludePad, divisorOverride);
    },
    avgPool2dBackward(gradOut, gradIn, g, countIncludePad, divisorOverride) {
      if (!isF32(gradOut) || !isF32(gradIn)) return js.avgPool2dBackward(gradOut, gradIn, g, countIncludePad, divisorOverride);
      addon.avgPool2dBackward(gradOut, gradIn, poolGeometry(g), countIncludePad, divisorOverride);
    },
    adaptiveAvgPool2d(x, out, g) {
      if (!isF32(x) || !isF32(out)) return js.adaptiveAvgPool2d(x, out, g);
      addon.adaptiveAvgPool2d(x, out, poolGeometry(g));
    },
    adaptiveAvgPool2dBackward(gradOut, gradIn, g) {
      if (!isF32(gradOut) || !isF32(gradIn)) return js.adaptiveAvgPool2dBackward(gradOut, gradIn, g);
      addon.adaptiveAvgPool2dBackward(gradOut, gradIn, poolGeometry(g));
    },

    batchNormInference(x, mean, variance, weight, bias, eps, outer, channels, inner, out) {
      const all32 = isF32(x) && isF32(mean) && isF32(variance) && isF32(out) && (weight === null || isF32(weight)) && (bias === null || isF32(bias));
      if (!all32 || outer * channels * inner < MIN_ELEMENTS) {
        return js.batchNormInference(x, mean, variance, weight, bias, eps, outer, channels, inner, out);
      }
      addon.batchNormInference(x, mean, variance, weight, bias, eps, outer, channels, inner, out);
    },
    layerNorm(x, weight, bias, rows, size, eps, out, mean, rstd) {
      const all32 = isF32(x) && isF32(out) && [weight, bias, mean, rstd].every((t) => t === null || isF32(t));
      if (!all32 || rows * size < MIN_ELEMENTS) return js.layerNorm(x, weight, bias, rows, size, eps, out, mean, rstd);
      addon.layerNorm(x, weight as Float32Array | null, bias as Float32Array | null, rows, size, eps, out, mean as Float32Array | null, rstd as Float32Array | null);
    },

    sgdStep(param, grad, buf, p) {
      if (!isF32(param) || !isF32(grad) || (buf !== null && !isF32(buf)) || param.length < MIN_ELEMENTS) {
        return js.sgdStep(param, grad, buf, p);
      }
      addon.sgdStep(param, grad, buf, p.lr, p.momentum, p.dampening, p.nesterov, p.weightDecay, p.maximize, p.firstStep);
    },
    adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, p) {
      const all32 = isF32(param) && isF32(grad) && isF32(expAvg) && isF32(expAvgSq) && (maxExpAvgSq === null || isF32(maxExpAvgSq));
      if (!all32 || param.length < MIN_ELEMENTS) return js.adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq, p);
      addon.adamStep(
        param, grad, expAvg, expAvgSq, maxExpAvgSq as Float32Array | null, p.lr, p.beta1, p.beta2, p.eps, p.weightDecay,
        p.decoupledWeightDecay, p.step, p.maximize,
      );
    },
    rmspropStep(param, grad, squareAvg, buf, gradAvg, p) {
      const all32 = isF32(param) && isF32(grad) && isF32(squareAvg) && (buf === null || isF32(buf)) && (gradAvg === null || isF32(gradAvg));
      if (!all32 || param.length < MIN_ELEMENTS) return js.rmspropStep(param, grad, squareAvg, buf, gradAvg, p);
      addon.rmspropStep(
        param, grad, squareAvg, buf as Float32Array | null, gradAvg as Float32Array | null, p.lr, p.alpha, p.eps,
        p.momentum, p.centered, p.weightDecay, p.maximize,
      );
    },
  };
}

const loaded = loadAddon();

/** The raw addon, for tests and benchmarks; null when it is not built. */
export const nativeAddon: NativeAddon | null = "addon" in loaded ? loaded.addon : null;

/** The native Backend, or null when the addon is missing (the reference backend then serves every kernel). */
export const nativeBackend: Backend | null = nativeAddon ? createNativeBackend(nativeAddon) : null;
// With the core loaded, fresh pooled storage starts on a cache line (src/memory/pool.ts).
if (nativeAddon) setCacheLineProbe((data) => nativeAddon.cacheLineOffset(data));

if ("reason" in loaded && process.env.LANTERN_BACKEND !== "js") {
  process.stderr.write(`lantern: native core not built (${loaded.reason}); using the TypeScript backend\n`);
}
