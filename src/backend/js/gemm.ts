import type { GemmParams } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/** Rows of op(A) computed together, so each element of B loaded from memory serves four of them. */
const ROWS = 4;

/**
 * Reference GEMM: out[b] = alpha * op(A[b]) @ op(B[b]) + beta * out[b], row-major, accumulated in
 * float64. Four rows of op(A) are packed contiguously, then combined with B in the order B is
 * stored: row by row (axpy) when B is k x n, as dot products when B is n x k (transB, the
 * layout of a Linear layer's weight), so B is always streamed sequentially and read m / 4 times.
 */
export function gemm(a: TypedArray, b: TypedArray, out: TypedArray, p: GemmParams): void {
  const { batch, m, n, k, transA, transB, alpha, beta } = p;
  const aPack = new Float64Array(ROWS * k);
  const acc = new Float64Array(ROWS * n);
  for (let bi = 0; bi < batch; bi++) {
    const aBase = p.aOffset + bi * p.aBatchStride;
    const bBase = p.bOffset + bi * p.bBatchStride;
    const oBase = bi * m * n;
    for (let i0 = 0; i0 < m; i0 += ROWS) {
      const rows = Math.min(ROWS, m - i0);
      if (rows < ROWS) aPack.fill(0);
      for (let r = 0; r < rows; r++) {
        const i = i0 + r;
        for (let kk = 0; kk < k; kk++) aPack[r * k + kk] = transA ? a[aBase + kk * m + i] : a[aBase + i * k + kk];
      }
      if (transB) dotRows(aPack, b, bBase, n, k, acc);
      else axpyRows(aPack, b, bBase, n, k, acc);
      for (let r = 0; r < rows; r++) {
        const o = oBase + (i0 + r) * n;
        const row = r * n;
        if (beta === 0) for (let j = 0; j < n; j++) out[o + j] = alpha * acc[row + j];
        else for (let j = 0; j < n; j++) out[o + j] = alpha * acc[row + j] + beta * out[o + j];
      }
    }
  }
}

/** acc[r, :] = sum_kk aPack[r, kk] * B[kk, :] for B stored k x n. */
function axpyRows(aPack: Float64Array, b: TypedArray, bBase: number, n: number, k: number, acc: Float64Array): void {
  acc.fill(0);
  for (let kk = 0; kk < k; kk++) {
    const a0 = aPack[kk];
    const a1 = aPack[k + kk];
    const a2 = aPack[2 * k + kk];
    const a3 = aPack[3 * k + kk];
    const bRow = bBase + kk * n;
    for (let j = 0; j < n; j++) {
      const bv = b[bRow + j];
      acc[j] += a0 * bv;
      acc[n + j] += a1 * bv;
      acc[2 * n + j] += a2 * bv;
      acc[3 * n + j] += a3 * bv;
    }
  }
}

/** acc[r, j] = dot(aPack[r, :], B[j, :]) for B stored n x k. */
function dotRows(aPack: Float64Array, b: TypedArray, bBase: number, n: number, k: number, acc: Float64Array): void {
  for (let j = 0; j < n; j++) {
    const bRow = bBase + j * k;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let kk = 0; kk < k; kk++) {
      const bv = b[bRow + kk];
      s0 += aPack[kk] * bv;
      s1 += aPack[k + kk] * bv;
      s2 += aPack[2 * k + kk] * bv;
      s3 += aPack[3 * k + kk] * bv;
    }
    acc[j] = s0;
    acc[n + j] = s1;
    acc[2 * n + j] = s2;
    acc[3 * n + j] = s3;
  }
}
