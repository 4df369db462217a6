import type { Tensor } from "../tensor/tensor.js";
import { gemm, view } from "./gemm.js";
import { svdKernel } from "./svd.js";
import { resultDtype, toMatrix, toTensor } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";

/**
 * Share of the "energy" (squared Frobenius norm) that the `k` largest singular values capture:
 * sum_{i<k} s_i^2 / sum_i s_i^2 (by Eckart-Young, 1 minus this is the relative squared error of the
 * best rank-k approximation). 1 for an all-zero matrix.
 */
export function capturedEnergy(singularValues: ArrayLike<number> | Tensor, k: number): number {
  const s = "toArray" in singularValues ? singularValues.toArray() : singularValues;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`capturedEnergy: k must be a nonnegative integer, got ${k}`);
  let top = 0;
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const sq = s[i] * s[i];
    total += sq;
    if (i < k) top += sq;
  }
  return total === 0 ? 1 : top / total;
}

/**
 * Best rank-`rank` approximation of A in the Frobenius and spectral norms (Eckart-Young-Mirsky):
 * U_k diag(S_k) Vh_k from the thin SVD, with the energy it captures and the singular values.
 */
export function lowRankApproximation(A: MatrixLike, rank: number): { approximation: Tensor; energy: number; S: Tensor } {
  const { rows: m, cols: n, data } = toMatrix(A, "linalg.lowRankApproximation", "A");
  const full = Math.min(m, n);
  if (!Number.isInteger(rank) || rank < 0 || rank > full) {
    throw new RangeError(`linalg.lowRankApproximation: rank must be an integer in [0, ${full}], got ${rank}`);
  }
  const { s, u, vt } = svdKernel(data, m, n, { u: true, v: true });
  // (U_k S_k) Vh_k: scale the kept columns of U, then one GEMM over the leading k rows of Vh.
  const us = new Float64Array(m * rank);
  for (let i = 0; i < m; i++) for (let j = 0; j < rank; j++) us[i * rank + j] = u![i * full + j] * s[j];
  const approx = new Float64Array(m * n);
  gemm(m, n, rank, 1, view(us, rank), view(vt!, n), 0, approx, 0, n);
  const dtype = resultDtype(A);
  return { approximation: toTensor(approx, [m, n], dtype), energy: capturedEnergy(s, rank), S: toTensor(s, [full], dtype) };
}
