import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { BYTES_PER_ELEMENT, POOLED_MIN_LENGTH, freshBuffer, markOwned, noteAllocation, takeRecycled, viewOf } from "../memory/pool.js";
import { isFloating, promoteTypes, promoteWithScalar } from "../tensor/dtype.js";
import { broadcastStrides, formatShape, numel, sameShape } from "../tensor/shape.js";
import type { StridedView } from "../backend/backend.js";

/**
 * A tensor whose storage is not zero-filled, for outputs a kernel overwrites entirely: a recycled
 * buffer as its last user left it, or fresh unzeroed memory. Zeroing a 4 MB buffer costs about
 * 0.5 ms, as much as a memory-bound kernel over it, and every op allocates its output. Small
 * tensors, and hosts without Node's Buffer, take the zeroed path.
 */
export function uninitialized(shape: readonly number[], dtype: DType): Tensor {
  const size = numel(shape);
  const recycled = takeRecycled(dtype, size);
  if (recycled) {
    noteAllocation(recycled);
    return new Tensor(recycled, shape);
  }
  if (size < POOLED_MIN_LENGTH || typeof Buffer === "undefined") return Tensor.empty(shape, dtype);
  const buffer = freshBuffer(size * BYTES_PER_ELEMENT[dtype], (bytes) => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
  const data = viewOf(dtype, buffer, size);
  markOwned(data);
  noteAllocation(data);
  return new Tensor(data, shape);
}

/** A view of `t` read as if it had the (broadcast) `shape`. */
export function broadcastView(t: Tensor, shape: readonly number[]): StridedView {
  if (sameShape(t.shape, shape)) return t;
  return { data: t.data, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}

/** Lifts a JS number to a 0-d tensor whose dtype follows PyTorch's scalar promotion against `like`. */
export function asTensor(x: Tensor | number | boolean, like: Tensor): Tensor {
  if (x instanceof Tensor) return x;
  const v = typeof x === "boolean" ? Number(x) : x;
  return Tensor.scalar(v, typeof x === "boolean" ? like.dtype : promoteWithScalar(like.dtype, v));
}

const category = (dtype: DType) => (isFloating(dtype) ? 2 : dtype === "int32" ? 1 : 0);

/**
 * torch.result_type of two operands: a 0-d tensor (which is also how a JS number arrives) decides
 * the type only when its category (bool < integer < floating) is higher than the other operand's,
 * so float32 [3] * float64 0-d stays float32 while int32 [3] + float64 0-d is float64.
 */
export function resultType(a: Tensor, b: Tensor): DType {
  if ((a.ndim === 0) === (b.ndim === 0)) return promoteTypes(a.dtype, b.dtype);
  const [dimensioned, zeroDim] = a.ndim === 0 ? [b, a] : [a, b];
  return category(zeroDim.dtype) > category(dimensioned.dtype) ? zeroDim.dtype : dimensioned.dtype;
}

/**
 * Sums a broadcast gradient back down to `shape`: over the leading dims broadcasting added, and
 * over dims where `shape` has 1 but the gradient does not.
 */
export function sumToShape(grad: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const lead = grad.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < grad.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) dims.push(i);
  }
  const summed = dims.length > 0 ? grad.sum(dims, true) : grad;
  return summed.reshape([...shape]);
}

export function checkSameNumel(shape: readonly number[], target: readonly number[], op: string): void {
  if (numel(shape) !== numel(target)) {
    throw new RangeError(`${op}: shape ${formatShape(target)} is invalid for input of size ${numel(shape)} (shape ${formatShape(shape)})`);
  }
}

export function requireFloating(t: Tensor, op: string): void {
  if (t.dtype !== "float32" && t.dtype !== "float64") {
    throw new TypeError(`${op}: expected a floating-point tensor, got ${t.dtype}`);
  }
}

export function floatResultType(dtype: DType): DType {
  return dtype === "float64" ? "float64" : "float32";
}
