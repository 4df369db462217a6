import type { Tensor } from "../tensor/tensor.js";
import { formQ, makeReflector } from "./householder.js";
import { qrReflectors } from "./qr.js";
import { applyRotationChain } from "./rotations.js";
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
 * Reduces the symmetric row-major n x n `a` (lower triangle read and updated) in place to
 * T = Q^T A Q. Returns the diagonal `d`, the subdiagonal `e` (e[i] couples i and i+1) and Q^T as rows.
 */
export function tridiagonalize(a: Float64Array, n: number, wantVectors: boolean): { d: Float64Array; e: Float64Array; qt: Float64Array | null } {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tau = new Float64Array(Math.max(0, n - 1));
  const p = new Float64Array(n);
  const v = new Float64Array(n);
  for (let k = 0; k + 2 < n; k++) {
    // Reflect column k below the diagonal (LAPACK dsytd2, lower): H = I - tau v v^T.
    const tk = makeReflector(a, (k + 1) * n + k, n, n - k - 1);
    tau[k] = tk;
    e[k] = a[(k + 1) * n + k];
    if (tk === 0) continue;
    const len = n - k - 1;
    const base = (k + 1) * n + k + 1;
    v[0] = 1;
    for (let i = 1; i < len; i++) v[i] = a[(k + 1 + i) * n + k];
    // Two-sided update of the trailing block S = A[k+1:, k+1:] (Golub-Van Loan 8.3.1):
    // p = tau S v, w = p - (tau/2)(p.v) v, S -= v w^T + w v^T. Only S's lower triangle is stored,
    // so the product uses each off-diagonal entry twice (a dot for p_i, an axpy into p_j, one pass).
    p.fill(0, 0, len);
    for (let i = 0; i < len; i++) {
      const row = base + i * n;
      const vi = v[i];
      let dot = 0;
      for (let j = 0; j < i; j++) {
        const sij = a[row + j];
        dot += sij * v[j];
        p[j] += sij * vi;
      }
      p[i] += dot + a[row + i] * vi;
    }
    let pv = 0;
    for (let i = 0; i < len; i++) {
      p[i] *= tk;
      pv += p[i] * v[i];
    }
    const half = (tk * pv) / 2;
    for (let i = 0; i < len; i++) p[i] -= half * v[i];
    for (let i = 0; i < len; i++) {
      const row = base + i * n;
      const vi = v[i];
      const wi = p[i];
      for (let j = 0; j <= i; j++) a[row + j] -= vi * p[j] + wi * v[j];
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  if (n >= 2) e[n - 2] = a[(n - 1) * n + n - 2];
  if (!wantVectors) return { d, e, qt: null };
  // Q = diag(1, Q') where Q' is the Q of a QR factorisation whose reflectors are the columns of
  // A[1:, 0:n-1] below the diagonal: laid out compactly they go through the blocked formQ (GEMM).
  const qt = new Float64Array(n * n);
  qt[0] = 1;
  if (n < 2) return { d, e, qt };
  const size = n - 1;
  const reflectors = new Float64Array(size * size);
  for (let i = 1; i < size; i++) {
    for (let k = 0; k < i && k < n - 2; k++) reflectors[i * size + k] = a[(i + 1) * n + k];
  }
  const q = formQ(qrReflectors(reflectors, size, size, tau), tau.length);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) qt[(i + 1) * n + j + 1] = q[j * size + i];
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
  // Rotations of one sweep, applied to the vectors as one chain afterwards (rows m, m-1, ..., l).
  const cs = new Float64Array(n);
  const sn = new Float64Array(n);
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
        cs[m - 1 - i] = c;
        sn[m - 1 - i] = s;
      }
      if (zt) applyRotationChain(zt, n, m, -1, m - 1 - i, cs, sn);
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
  const r = symmetricEigen(data, n, wantVectors);
  return { ...r, n, dtype: resultDtype(A) };
}

/**
 * Eigenvalues ascending and, when asked, eigenvectors as the columns of a row-major n x n matrix,
 * of the symmetric row-major `a` (only its lower triangle is read; consumed).
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
