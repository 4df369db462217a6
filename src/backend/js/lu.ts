import { dgemm } from "./dgemm.js";

/** Columns per panel of `luNormalize`: the trailing updates between panels run as GEMMs. */
const LU_PANEL = 4;

/**
 * Replaces the row-major rows x k block Y (rows >= k) by P L of its LU factorisation with partial
 * pivoting, rows kept in their original order: the same column space, well conditioned, for
 * about rows k^2 flops, a quarter of a Householder QR that also forms Q. scikit-learn normalises its
 * power iterations this way; orthonormality is not needed until the last step. Blocked as LAPACK's
 * getrf on a column-major copy: each panel of LU_PANEL columns is factored with contiguous column
 * sweeps, and the rest of the matrix is updated by one GEMM per panel, so the tall block is
 * streamed through memory k / LU_PANEL times instead of k times. (Factoring the row-major block in
 * place, without the two transpositions, measured 1.5x slower: V8 is slow on strided sweeps.)
 */
export function luNormalize(y: Float64Array, rows: number, k: number): void {
  const a = new Float64Array(rows * k);
  for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) a[c * rows + r] = y[r * k + c];
  const perm = Int32Array.from({ length: rows }, (_, i) => i);
  for (let j0 = 0; j0 < k; j0 += LU_PANEL) {
    const end = Math.min(j0 + LU_PANEL, k);
    for (let j = j0; j < end; j++) {
      const col = j * rows;
      let p = j;
      for (let i = j + 1; i < rows; i++) if (Math.abs(a[col + i]) > Math.abs(a[col + p])) p = i;
      if (p !== j) {
        for (let c = 0; c < k; c++) {
          const t = a[c * rows + j];
          a[c * rows + j] = a[c * rows + p];
          a[c * rows + p] = t;
        }
        const t = perm[j];
        perm[j] = perm[p];
        perm[p] = t;
      }
      // A zero pivot means the column is already eliminated: multipliers 0, L's column is e_j.
      const pivot = a[col + j];
      const inverse = pivot === 0 ? 0 : 1 / pivot;
      for (let i = j + 1; i < rows; i++) a[col + i] *= inverse;
      for (let c = j + 1; c < end; c++) {
        const other = c * rows;
        const u = a[other + j];
        if (u !== 0) for (let i = j + 1; i < rows; i++) a[other + i] -= a[col + i] * u;
      }
    }
    if (end === k) break;
    // U's rows of this panel right of it: solve with the panel's unit lower triangle.
    for (let c = end; c < k; c++) {
      const other = c * rows;
      for (let j = j0; j < end; j++) {
        const u = a[other + j];
        for (let t = j + 1; t < end; t++) a[other + t] -= a[j * rows + t] * u;
      }
    }
    // Trailing update A22 -= L21 U12, written for the column-major storage as A22^T -= U12^T L21^T.
    dgemm(a, a, a, {
      m: k - end, n: rows - end, k: end - j0, alpha: -1, beta: 1, upper: false, transA: false, transB: false,
      aOffset: end * rows + j0, lda: rows, bOffset: j0 * rows + end, ldb: rows, cOffset: end * rows + end, ldc: rows,
    });
  }
  for (let i = 0; i < rows; i++) {
    const out = perm[i] * k;
    for (let c = 0; c < k; c++) y[out + c] = c < i ? a[c * rows + i] : c === i ? 1 : 0;
  }
}
