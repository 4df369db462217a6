import type { Tensor } from "../tensor/tensor.js";
import { makeReflector } from "./qr.js";
import { rotateRows } from "./bidiagonal.js";
import { resultDtype, toMatrix, toTensor, transpose } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";

/**
 * Symmetric eigendecomposition by Householder tridiagonalisation and the implicit QL algorithm with
 * Wilkinson shifts (Bowdler, Martin, Reinsch & Wilkinson 1968, "The QR and QL algorithms for
 * symmetric matrices"; Golub & Van Loan, Matrix Computations, 4th ed., 8.3). Eigenvectors are kept
 * as rows while rotating, so each Givens rotation touches two contiguous rows.
 */

const EPS = 2 ** -52;

/**
 * Reduces the symmetric row-major n x n `a` (both triangles valid) in place to T = Q^T A Q.
 * Returns the diagonal `d`, the subdiagonal `e` (e[i] couples i and i+1) and Q^T as rows.
 */
export function tridiagonalize(a: Float64Array, n: number, wantVectors: boolean): { d: Float64Array; e: Float64Array; qt: Float64Array | null } {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(Math.max(0, n - 1));
  const p = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // Row k right of the diagonal equals column k below it, and is contiguous: reflect it there.
    const v0 = k * n + k + 1;
    const tk = makeReflector(a, v0, 1, n - k - 1);
    tau[k] = tk;
    e[k] = a[v0];
    if (tk === 0) continue;
    // Two-sided update of the trailing block S = A[k+1:, k+1:] (Golub-Van Loan 8.3.1):
    // p = tau S v, w = p - (tau/2)(p.v) v, S -= v w^T + w v^T.
    const len = n - k - 1;
    const base = (k + 1) * n + k + 1;
    let pv = 0;
    for (let i = 0; i < len; i++) {
      const row = base + i * n;
      let s = a[row];
      for (let j = 1; j < len; j++) s += a[row + j] * a[v0 + j];
      p[i] = tk * s;
      pv += p[i] * (i === 0 ? 1 : a[v0 + i]);
    }
    const half = (tk * pv) / 2;
    for (let i = 0; i < len; i++) p[i] -= half * (i === 0 ? 1 : a[v0 + i]);
    for (let i = 0; i < len; i++) {
      const row = base + i * n;
      const vi = i === 0 ? 1 : a[v0 + i];
      const wi = p[i];
      a[row] -= vi * p[0] + wi;
      for (let j = 1; j < len; j++) a[row + j] -= vi * p[j] + wi * a[v0 + j];
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 2) * n + n - 1];
  if (!wantVectors) return { d, e, qt: null };
  // Q = H_0 H_1 ... H_(n-3); its transpose is accumulated backwards as rows, as for the SVD:
  // while H_k is applied, rows 0..k are still unit vectors and are skipped.
  const qt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) qt[i * n + i] = 1;
  const v = new Float64Array(n);
  for (let k = n - 3; k >= 0; k--) {
    const tk = tau[k];
    if (tk === 0) continue;
    v[k + 1] = 1;
    for (let j = k + 2; j < n; j++) v[j] = a[k * n + j];
    for (let r = k + 1; r < n; r++) {
      const row = r * n;
      let s = 0;
      for (let j = k + 1; j < n; j++) s += qt[row + j] * v[j];
      s *= tk;
      if (s === 0) continue;
      for (let j = k + 1; j < n; j++) qt[row + j] -= s * v[j];
    }
  }
  return { d, e, qt };
}

/**
 * Diagonalises the symmetric tridiagonal (d, e) in place by implicit QL sweeps; each rotation is
 * applied to the rows of `zt` (row length n) when given. On return d holds the eigenvalues, unsorted.
 */
export function tridiagonalQl(d: Float64Array, e: Float64Array, zt: Float64Array | null): void {
  const n = d.length;
  const maxSweeps = 30 * n + 100;
  for (let l = 0; l < n; l++) {
    let sweeps = 0;
    for (;;) {
      let m = l;
      while (m < n - 1 && Math.abs(e[m]) > EPS * (Math.abs(d[m]) + Math.abs(d[m + 1]))) m++;
      if (m === l) break;
      if (++sweeps > maxSweeps) throw new Error(`linalg.eigh: the QL iteration did not converge after ${maxSweeps} sweeps`);
      // Wilkinson shift from the leading 2x2 of the block l..m: the sweep runs bottom-up (QL).
      let g = (d[l + 1] - d[l]) / (2 * e[l]);
      let r = Math.hypot(g, 1);
      g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      for (; i >= l; i--) {
        const f = s * e[i];
        const b = c * e[i];
        r = Math.hypot(f, g);
        if (i + 1 < m) e[i + 1] = r;
        if (r === 0) {
          // The rotation underflowed: the block splits at i + 1; resume the outer search.
          d[i + 1] -= p;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1] - p;
        r = (d[i] - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) rotateRows(zt, n, i + 1, i, c, s);
      }
      if (i >= l) continue;
      d[l] -= p;
      e[l] = g;
    }
  }
}

/**
 * Eigen-decomposition of a symmetric matrix, like `torch.linalg.eigh(A)` (UPLO="L": only the lower
 * triangle is read): eigenvalues in ascending order and the matching orthonormal eigenvectors as
 * the columns of `eigenvectors`. Computed in float64; results take the input's floating dtype.
 */
export function eigh(A: MatrixLike): { eigenvalues: Tensor; eigenvectors: Tensor } {
  const { values, vectors, n, dtype } = eighParts(A, true, "linalg.eigh");
  return { eigenvalues: toTensor(values, [n], dtype), eigenvectors: toTensor(vectors!, [n, n], dtype) };
}

/** Eigenvalues of a symmetric matrix in ascending order, like `torch.linalg.eigvalsh`. */
export function eigvalsh(A: MatrixLike): Tensor {
  const { values, n, dtype } = eighParts(A, false, "linalg.eigvalsh");
  return toTensor(values, [n], dtype);
}

function eighParts(A: MatrixLike, wantVectors: boolean, op: string) {
  const { rows: n, cols, data } = toMatrix(A, op, "A");
  if (n !== cols) throw new RangeError(`${op}: A must be square, got ${n}x${cols}`);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) data[i * n + j] = data[j * n + i];
  const r = symmetricEigen(data, n, wantVectors);
  return { ...r, n, dtype: resultDtype(A) };
}

/**
 * Eigenvalues ascending and, when asked, eigenvectors as the columns of a row-major n x n matrix,
 * of the symmetric row-major `a` (both triangles valid; consumed).
 */
export function symmetricEigen(a: Float64Array, n: number, wantVectors: boolean): { values: Float64Array; vectors: Float64Array | null } {
  const { d, e, qt } = tridiagonalize(a, n, wantVectors);
  tridiagonalQl(d, e, qt);
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => d[x] - d[y] || x - y);
  const values = Float64Array.from(order, (i) => d[i]);
  if (!qt) return { values, vectors: null };
  const sorted = new Float64Array(n * n);
  for (let j = 0; j < n; j++) sorted.set(qt.subarray(order[j] * n, order[j] * n + n), j * n);
  return { values, vectors: transpose(sorted, n, n) };
}
