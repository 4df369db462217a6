import { Tensor } from "../tensor/tensor.js";
import { isFloating } from "../tensor/dtype.js";
import { normalizeDim, normalizeDims, numel } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import type { ArgReduceOp, ReduceOp } from "../backend/backend.js";
import { record } from "../autograd/node.js";
import { floatResultType, uninitialized } from "./util.js";
import { where } from "./elementwise.js";

export type Dims = number | readonly number[] | undefined;

function keptShape(shape: readonly number[], dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/**
 * Brings `t` into the [outer, size, inner] layout the reduce kernels take: reduced dims that are
 * already adjacent reduce in place; scattered ones are permuted to the end first.
 */
function reduceLayout(t: Tensor, dims: readonly number[]): { data: Tensor; outer: number; size: number; inner: number } {
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  if (adjacent && dims.length > 0) {
    const c = t.contiguous();
    const first = dims[0];
    const last = dims[dims.length - 1];
    return { data: c, outer: numel(t.shape.slice(0, first)), size: numel(dims.map((d) => t.shape[d])), inner: numel(t.shape.slice(last + 1)) };
  }
  const rest = t.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const moved = t.permute([...rest, ...dims]).contiguous();
  return { data: moved, outer: numel(rest.map((d) => t.shape[d])), size: numel(dims.map((d) => t.shape[d])), inner: 1 };
}

function reduceKernel(op: ReduceOp, t: Tensor, dims: number[], keepdim: boolean): Tensor {
  const { data, outer, size, inner } = reduceLayout(t, dims);
  const dtype = op === "any" || op === "all" ? "bool" : op === "sum" || op === "prod" ? (t.dtype === "bool" ? "int32" : t.dtype) : t.dtype;
  const outShape = keepdim ? keptShape(t.shape, dims) : t.shape.filter((_, i) => !dims.includes(i));
  const out = uninitialized(outShape, dtype);
  if ((op === "max" || op === "min") && size === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension`);
  getBackend().reduce(op, data.denseData(), outer, size, inner, out.data);
  return out;
}

/** Re-inserts reduced dims so a gradient of the reduced shape broadcasts over the input. */
function unreduce(g: Tensor, shape: readonly number[], dims: readonly number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : g.reshape(keptShape(shape, dims));
  return kept.expand(shape);
}

export function sum(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, t.ndim, "sum");
  const y = reduceKernel("sum", t, dims, keepdim);
  return record(y, "sum", [t], (g) => [unreduce(g, t.shape, dims, keepdim)]);
}

export function mean(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  if (!isFloating(t.dtype)) throw new TypeError(`mean: expected a floating-point tensor, got ${t.dtype}`);
  const dims = normalizeDims(dim, t.ndim, "mean");
  const count = numel(dims.map((d) => t.shape[d]));
  return sum(t, dims, keepdim).div(count);
}

export function prod(t: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, t.ndim, "prod");
  const y = reduceKernel("prod", t, dims, keepdim);
  return record(y, "prod", [t], (g) => {
    // d(prod)/dx_i is the product of the others. With z zeros in a group and P the product of
    // its non-zero entries: P / x_i when z = 0; P at the zero (0 elsewhere) when z = 1; else 0.
    const isZero = t.eq(0);
    const zeros = isZero.sum(dims, true);
    const nonZero = where(isZero, 1, t);
    const nonZeroProduct = reduceKernel("prod", nonZero, dims, true);
    const others = where(
      zeros.eq(0),
      nonZeroProduct.div(nonZero),
      where(zeros.eq(1).logicalAnd(isZero), nonZeroProduct, 0),
    );
    return [others.mul(unreduce(g, t.shape, dims, keepdim))];
  });
}

/** amax/amin: values only; the gradient is shared evenly among tied extremes (PyTorch). */
export function amax(t: Tensor, dim?: Dims, keepdim = false, op: "max" | "min" = "max"): Tensor {
  const dims = normalizeDims(dim, t.ndim, op === "max" ? "amax" : "amin");
  const y = reduceKernel(op, t, dims, keepdim);
  return record(y, op === "max" ? "amax" : "amin", [t], (g) => {
    const yFull = unreduce(y, t.shape, dims, keepdim);
    const mask = t.eq(yFull).to(g.dtype);
    const count = mask.sum(dims, true);
    return [unreduce(g, t.shape, dims, keepdim).mul(mask).div(count)];
  });
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** max/min along one dim with the index of the first extreme; the gradient flows to that index. */
export function argReduceDim(op: ArgReduceOp, t: Tensor, dim: number, keepdim = false): ValuesIndices {
  const d = normalizeDim(dim, t.ndim, op);
  if (t.ndim > 0 && t.shape[d] === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension ${d}`);
  const { data, outer, size, inner } = reduceLayout(t, t.ndim === 0 ? [] : [d]);
  const outShape = t.ndim === 0 ? [] : keepdim ? keptShape(t.shape, [d]) : t.shape.filter((_, i) => i !== d);
  const values = uninitialized(outShape, t.dtype);
  const indices = uninitialized(outShape, "int32");
  getBackend().argReduce(op, data.denseData(), outer, t.ndim === 0 ? 1 : size, inner, values.data, indices.data as Int32Array);
  record(values, op, [t], (g) => {
    const gk = keepdim ? g : g.unsqueeze(d);
    const ik = keepdim ? indices : indices.unsqueeze(d);
    return [Tensor.zeros(t.shape, g.dtype).scatterAdd(d, ik, gk)];
  });
  return { values, indices };
}

export function argmax(t: Tensor, dim?: number, keepdim = false, op: ArgReduceOp = "max"): Tensor {
  if (dim === undefined) return argReduceDim(op, t.reshape([-1]), 0).indices;
  return argReduceDim(op, t, dim, keepdim).indices;
}

/** var with Bessel's correction by default (correction = 1), as torch.var. */
export function variance(t: Tensor, dim?: Dims, opts: { correction?: number; keepdim?: boolean } = {}): Tensor {
  const dims = normalizeDims(dim, t.ndim, "var");
  const correction = opts.correction ?? 1;
  const n = numel(dims.map((d) => t.shape[d]));
  const centered = t.sub(t.mean(dims, true));
  return centered.square().sum(dims, opts.keepdim ?? false).div(Math.max(n - correction, 0));
}

export function logsumexp(t: Tensor, dim: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, t.ndim, "logsumexp");
  const m = t.detach().amax(dims, true);
  const safe = where(m.isinf(), 0, m);
  const out = t.sub(safe).exp().sum(dims, true).log().add(safe);
  return keepdim ? out : out.squeeze(dims);
}

export function anyAll(op: "any" | "all", t: Tensor, dim?: Dims, keepdim = false): Tensor {
  return reduceKernel(op, t, normalizeDims(dim, t.ndim, op), keepdim);
}

export function softmaxOp(t: Tensor, dim: number, log: boolean): Tensor {
  const d = normalizeDim(dim, t.ndim, log ? "logSoftmax" : "softmax");
  const x = isFloating(t.dtype) ? t.contiguous() : t.to(floatResultType(t.dtype));
  const outer = numel(x.shape.slice(0, d));
  const size = x.ndim === 0 ? 1 : x.shape[d];
  const inner = numel(x.shape.slice(d + 1));
  const y = uninitialized(x.shape, x.dtype);
  getBackend().softmax(x.denseData(), outer, size, inner, log, y.data);
  return record(y, log ? "logSoftmax" : "softmax", [x], (g) => {
    if (log) return [g.sub(y.exp().mul(g.sum(d, true)))];
    return [y.mul(g.sub(g.mul(y).sum(d, true)))];
  });
}
