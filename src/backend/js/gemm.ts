import type { GemmParams } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/**
 * Reference GEMM: out[b] = alpha * op(A[b]) @ op(B[b]) + beta * out[b], row-major. The i-k-j loop
 * order streams rows of B and out, so it vectorises in the JIT and stays cache-friendly.
 */
export function gemm(a: TypedArray, b: TypedArray, out: TypedArray, p: GemmParams): void {
  const { batch, m, n, k, transA, transB, alpha, beta } = p;
  const row = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    const aBase = p.aOffset + bi * p.aBatchStride;
    const bBase = p.bOffset + bi * p.bBatchStride;
    const oBase = bi * m * n;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let kk = 0; kk < k; kk++) {
        const av = transA ? a[aBase + kk * m + i] : a[aBase + i * k + kk];
        if (av === 0) continue;
        if (transB) {
          for (let j = 0; j < n; j++) row[j] += av * b[bBase + j * k + kk];
        } else {
          const bRow = bBase + kk * n;
          for (let j = 0; j < n; j++) row[j] += av * b[bRow + j];
        }
      }
      const o = oBase + i * n;
      if (beta === 0) for (let j = 0; j < n; j++) out[o + j] = alpha * row[j];
      else for (let j = 0; j < n; j++) out[o + j] = alpha * row[j] + beta * out[o + j];
    }
  }
}
