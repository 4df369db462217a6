import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { getBackend } from "../../backend/index.js";
import type { Pool2dGeometry } from "../../backend/backend.js";
import { needsGrad, record } from "../../autograd/node.js";
import { uninitialized } from "../../ops/util.js";
import { stack } from "../../ops/join.js";
import type { Pair } from "./args.js";
import { batchInput, pair, requireFloat } from "./args.js";

export interface MaxPool2dOptions {
  kernelSize: Pair;
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
  returnIndices?: boolean;
}

export interface AvgPool2dOptions {
  kernelSize: Pair;
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Whether padded zeros count in the divisor (PyTorch's default: true). */
  countIncludePad?: boolean;
  /** Divides every window by this instead of its size. */
  divisorOverride?: number | null;
}

/** An output size; null keeps that input dimension (PyTorch's `None`). */
export type AdaptiveSize = number | readonly [number | null, number | null];

/**
 * Pooled length along one dim, as PyTorch's pooling_output_shape: with ceilMode the division
 * rounds up, but the last window must still start inside the input or the left padding.
 */
function pooledSize(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

interface WindowArgs {
  kernelSize: Pair;
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** Checks the window arguments against the batched NCHW input, as PyTorch's pool2d_shape_check. */
function poolGeometry(x: Tensor, args: WindowArgs, op: string): Pool2dGeometry {
  const [N, C, H, W] = x.shape;
  if (C === 0 || H === 0 || W === 0) throw new RangeError(`${op}: expected input with non-zero channels, height and width, got shape ${formatShape(x.shape)}`);
  const [kh, kw] = pair(args.kernelSize, op, "kernelSize", 1);
  const [sh, sw] = args.stride == null ? [kh, kw] : pair(args.stride, op, "stride", 1);
  const [ph, pw] = pair(args.padding ?? 0, op, "padding", 0);
  const [dh, dw] = pair(args.dilation ?? 1, op, "dilation", 1);
  if (ph > Math.floor(kh / 2) || pw > Math.floor(kw / 2)) {
    throw new RangeError(`${op}: padding should be at most half of the kernel size, got padding ${formatShape([ph, pw])} and kernelSize ${formatShape([kh, kw])}`);
  }
  const ceil = args.ceilMode ?? false;
  const oh = pooledSize(H, kh, sh, ph, dh, ceil);
  const ow = pooledSize(W, kw, sw, pw, dw, ceil);
  if (oh < 1 || ow < 1) {
    throw new RangeError(
      `${op}: input of shape ${formatShape(x.shape)} gives output size ${oh}x${ow} with kernelSize ${formatShape([kh, kw])}, ` +
        `stride ${formatShape([sh, sw])}, padding ${formatShape([ph, pw])}, dilation ${formatShape([dh, dw])}: the output is too small`,
    );
  }
  return {
    planes: N * C, inHeight: H, inWidth: W, outHeight: oh, outWidth: ow, kernelHeight: kh, kernelWidth: kw,
    strideH: sh, strideW: sw, padTop: ph, padLeft: pw, dilationH: dh, dilationW: dw,
  };
}

function outputShape(x: Tensor, g: Pool2dGeometry): number[] {
  return [x.shape[0], x.shape[1], g.outHeight, g.outWidth];
}

function unbatch(t: Tensor, unbatched: boolean): Tensor {
  return unbatched ? t.squeeze(0) : t;
}

/**
 * torch.nn.functional.max_pool2d over NCHW (or CHW) input. With `returnIndices` it also returns
 * the flat index (h * W + w within each plane) of every maximum, as an int32 tensor.
 */
export function maxPool2d(input: Tensor, opts: MaxPool2dOptions & { returnIndices: true }): [Tensor, Tensor];
export function maxPool2d(input: Tensor, opts: MaxPool2dOptions & { returnIndices?: false }): Tensor;
export function maxPool2d(input: Tensor, opts: MaxPool2dOptions): Tensor | [Tensor, Tensor];
export function maxPool2d(input: Tensor, opts: MaxPool2dOptions): Tensor | [Tensor, Tensor] {
  requireFloat(input, "maxPool2d", "input");
  const { batched: x, unbatched } = batchInput(input, 4, "maxPool2d", "[N, C, H, W] or [C, H, W]");
  const g = poolGeometry(x, opts, "maxPool2d");
  const backend = getBackend();
  const out = uninitialized(outputShape(x, g), x.dtype);
  // Indices cost more than the maxima themselves; inference asks for values only.
  if (!opts.returnIndices && !needsGrad(x)) {
    backend.maxPool2d(x.denseData(), out.data, null, g);
    return unbatch(out, unbatched);
  }
  const indices = uninitialized(out.shape, "int32");
  const argmax = indices.data as Int32Array;
  backend.maxPool2d(x.denseData(), out.data, argmax, g);
  record(out, "maxPool2d", [x], (gy) => {
    const gx = uninitialized(x.shape, gy.dtype);
    backend.maxPool2dBackward(gy.denseData(), argmax, gx.data, g);
    return [gx];
  });
  return opts.returnIndices ? [unbatch(out, unbatched), unbatch(indices, unbatched)] : unbatch(out, unbatched);
}

/** torch.nn.functional.avg_pool2d over NCHW (or CHW) input. */
export function avgPool2d(input: Tensor, opts: AvgPool2dOptions): Tensor {
  requireFloat(input, "avgPool2d", "input");
  const { batched: x, unbatched } = batchInput(input, 4, "avgPool2d", "[N, C, H, W] or [C, H, W]");
  const g = poolGeometry(x, opts, "avgPool2d");
  const divisor = opts.divisorOverride ?? 0;
  if (opts.divisorOverride != null && !(Number.isInteger(divisor) && divisor > 0)) {
    throw new RangeError(`avgPool2d: divisorOverride must be a positive integer, got ${opts.divisorOverride}`);
  }
  const countIncludePad = opts.countIncludePad ?? true;
  const backend = getBackend();
  const out = uninitialized(outputShape(x, g), x.dtype);
  backend.avgPool2d(x.denseData(), out.data, g, countIncludePad, divisor);
  record(out, "avgPool2d", [x], (gy) => {
    const gx = uninitialized(x.shape, gy.dtype);
    backend.avgPool2dBackward(gy.denseData(), gx.data, g, countIncludePad, divisor);
    return [gx];
  });
  return unbatch(out, unbatched);
}

function adaptiveSize(x: Tensor, outputSize: AdaptiveSize, op: string): [number, number] {
  const raw = typeof outputSize === "number" ? [outputSize, outputSize] : [...outputSize];
  if (raw.length !== 2) throw new RangeError(`${op}: outputSize must be a number or a pair, got ${JSON.stringify(outputSize)}`);
  const size = raw.map((s, i) => (s === null ? x.shape[2 + i] : s)) as [number, number];
  if (size.some((s) => !Number.isInteger(s) || s < 1)) {
    throw new RangeError(`${op}: outputSize must be positive integers (or null to keep a dimension), got ${JSON.stringify(outputSize)}`);
  }
  if (x.shape.slice(1).some((s) => s === 0)) throw new RangeError(`${op}: expected input with non-zero channels, height and width, got shape ${formatShape(x.shape)}`);
  return size;
}

/** torch.nn.functional.adaptive_avg_pool2d: window i spans [floor(i*In/Out), ceil((i+1)*In/Out)). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  requireFloat(input, "adaptiveAvgPool2d", "input");
  const { batched: x, unbatched } = batchInput(input, 4, "adaptiveAvgPool2d", "[N, C, H, W] or [C, H, W]");
  const [oh, ow] = adaptiveSize(x, outputSize, "adaptiveAvgPool2d");
  // Adaptive windows follow from the sizes alone; the window fields only need to be valid.
  const g: Pool2dGeometry = {
    planes: x.shape[0] * x.shape[1], inHeight: x.shape[2], inWidth: x.shape[3], outHeight: oh, outWidth: ow,
    kernelHeight: 1, kernelWidth: 1, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1,
  };
  const backend = getBackend();
  const out = uninitialized([x.shape[0], x.shape[1], oh, ow], x.dtype);
  backend.adaptiveAvgPool2d(x.denseData(), out.data, g);
  record(out, "adaptiveAvgPool2d", [x], (gy) => {
    const gx = uninitialized(x.shape, gy.dtype);
    backend.adaptiveAvgPool2dBackward(gy.denseData(), gx.data, g);
    return [gx];
  });
  return unbatch(out, unbatched);
}

function adaptiveBounds(i: number, inSize: number, outSize: number): [number, number] {
  return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

/**
 * Max over adaptive windows of one dim (`dim` 2 or 3): values, and the absolute index along `dim`
 * of the first maximum in each window.
 */
function adaptiveMaxAlong(x: Tensor, dim: number, outSize: number): { values: Tensor; indices: Tensor } {
  const values: Tensor[] = [];
  const indices: Tensor[] = [];
  for (let i = 0; i < outSize; i++) {
    const [start, end] = adaptiveBounds(i, x.shape[dim], outSize);
    const m = x.slice(dim, start, end).max(dim);
    values.push(m.values);
    indices.push(m.indices.add(start));
  }
  return { values: stack(values, dim), indices: stack(indices, dim) };
}

/**
 * torch.nn.functional.adaptive_max_pool2d. When the output size divides the input it is exactly
 * max pooling with kernel = stride = In/Out; otherwise the window maximum is taken separably
 * (along W, then along H), which keeps PyTorch's row-major first-maximum choice.
 */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, opts: { returnIndices: true }): [Tensor, Tensor];
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, opts?: { returnIndices?: false }): Tensor;
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, opts: { returnIndices?: boolean } = {}): Tensor | [Tensor, Tensor] {
  requireFloat(input, "adaptiveMaxPool2d", "input");
  const { batched: x, unbatched } = batchInput(input, 4, "adaptiveMaxPool2d", "[N, C, H, W] or [C, H, W]");
  const [oh, ow] = adaptiveSize(x, outputSize, "adaptiveMaxPool2d");
  const [H, W] = [x.shape[2], x.shape[3]];
  let values: Tensor;
  let indices: Tensor;
  if (H % oh === 0 && W % ow === 0) {
    [values, indices] = maxPool2d(x, { kernelSize: [H / oh, W / ow], returnIndices: true });
  } else {
    const cols = adaptiveMaxAlong(x, 3, ow);
    const rows = adaptiveMaxAlong(cols.values, 2, oh);
    values = rows.values;
    // The winning row picks which column winner to report: flat index = h * W + w.
    const w = cols.indices.gather(2, rows.indices);
    indices = rows.indices.mul(W).add(w);
  }
  return opts.returnIndices ? [unbatch(values, unbatched), unbatch(indices, unbatched)] : unbatch(values, unbatched);
}
