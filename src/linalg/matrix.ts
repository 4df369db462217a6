import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";

/** What the decompositions accept: a 2-D tensor of any numeric dtype, or rows of numbers. */
export type MatrixLike = Tensor | readonly (readonly number[])[];

/** A dense row-major float64 matrix: the working format of every kernel in this folder. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Copies `x` into a fresh row-major float64 matrix (the kernels work in place, so the caller's data
 * is never touched). Rejects non-2-D input and NaN/Infinity, naming the operation and argument.
 */
export function toMatrix(x: MatrixLike, op: string, name = "input"): Matrix {
  let rows: number;
  let cols: number;
  let data: Float64Array;
  if (x instanceof Tensor) {
    if (x.ndim !== 2) throw new RangeError(`${op}: ${name} must be a 2-D matrix, got shape ${formatShape(x.shape)}`);
    [rows, cols] = x.shape;
    const dense = x.detach().denseData();
    // The typed-array constructor copies (and converts) in bulk; Float64Array.from iterates.
    data = dense instanceof Float64Array && dense.buffer !== x.data.buffer ? dense : new Float64Array(dense);
  } else {
    if (!Array.isArray(x)) throw new TypeError(`${op}: ${name} must be a Tensor or an array of rows, got ${typeof x}`);
    rows = x.length;
    cols = rows === 0 ? 0 : x[0].length;
    data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = x[i];
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(`${op}: ${name} is ragged: row 0 has ${cols} values, row ${i} has ${Array.isArray(row) ? row.length : "none"}`);
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j];
    }
  }
  // x * 0 is NaN exactly for NaN and +-Infinity: one multiply-add per value, and the element is only
  // searched for when there is one (a per-element Number.isFinite call costs several times more).
  let probe = 0;
  for (let i = 0; i < data.length; i++) probe += data[i] * 0;
  if (probe !== 0) {
    for (let i = 0; i < data.length; i++) {
      if (!Number.isFinite(data[i])) {
        throw new RangeError(`${op}: ${name} contains ${data[i]} at row ${Math.floor(i / cols)}, column ${i % cols}`);
      }
    }
  }
  return { rows, cols, data };
}

/** Wraps a row-major float64 buffer as a tensor (no copy), cast to `dtype` when asked. */
export function toTensor(data: Float64Array, shape: readonly number[], dtype: DType = "float64"): Tensor {
  const t = Tensor.fromTypedArray(data, shape);
  return dtype === "float64" ? t : t.to(dtype);
}

/** The dtype results take: float32 stays float32 (as in torch.linalg), everything else is float64. */
export function resultDtype(x: MatrixLike): DType {
  return x instanceof Tensor && x.dtype === "float32" ? "float32" : "float64";
}

/** Row-major transpose of a rows x cols buffer. */
export function transpose(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  // Blocked so both the reads and the writes stay within a few cache lines per tile.
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j];
      }
    }
  }
  return out;
}

/** Numerically careful 2-norm of `len` elements of `x` starting at `offset`, `stride` apart. */
export function norm2(x: Float64Array, offset: number, stride: number, len: number): number {
  // Scaling by the largest magnitude (as LAPACK's dnrm2 does) avoids overflow and underflow.
  let scale = 0;
  for (let i = 0, p = offset; i < len; i++, p += stride) scale = Math.max(scale, Math.abs(x[p]));
  if (scale === 0 || !Number.isFinite(scale)) return scale;
  let sum = 0;
  for (let i = 0, p = offset; i < len; i++, p += stride) {
    const v = x[p] / scale;
    sum += v * v;
  }
  return scale * Math.sqrt(sum);
}
