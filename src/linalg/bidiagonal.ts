import { makeReflector } from "./qr.js";

/**
 * The two phases of the Golub-Kahan-Reinsch SVD (Golub & Reinsch 1970; Golub & Van Loan,
 * Matrix Computations, 4th ed., 8.6): Householder reduction to upper bidiagonal form, then implicitly
 * shifted QR sweeps on the bidiagonal. Singular vectors are kept as rows ("Ut", "Vt") so that every
 * Givens rotation touches two contiguous rows, the cache-friendly direction for row-major storage.
 */

const EPS = 2 ** -52;

export interface Bidiagonal {
  /** Diagonal, n values. */
  d: Float64Array;
  /** Superdiagonal, n - 1 values. */
  e: Float64Array;
  /** Scalars of the left reflectors (stored in the columns of `a` below the diagonal). */
  tauQ: Float64Array;
  /** Scalars of the right reflectors (stored in the rows of `a` right of the superdiagonal). */
  tauP: Float64Array;
}

/** Reduces the row-major m x n matrix `a` (m >= n) in place to A = Q B P^T with B upper bidiagonal. */
export function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauQ = new Float64Array(n);
  const tauP = new Float64Array(Math.max(0, n - 1));
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    // Left reflector zeroes column k below the diagonal; apply it to A[k:, k+1:] as
    // w = v^T A, A -= tau v w^T, sweeping whole rows so the inner loops are unit-stride.
    const tq = makeReflector(a, k * n + k, n, m - k);
    tauQ[k] = tq;
    d[k] = a[k * n + k];
    if (tq !== 0 && k + 1 < n) {
      w.fill(0, k + 1, n);
      for (let r = k; r < m; r++) {
        const vr = r === k ? 1 : a[r * n + k];
        if (vr === 0) continue;
        const row = r * n;
        for (let c = k + 1; c < n; c++) w[c] += vr * a[row + c];
      }
      for (let r = k; r < m; r++) {
        const s = tq * (r === k ? 1 : a[r * n + k]);
        if (s === 0) continue;
        const row = r * n;
        for (let c = k + 1; c < n; c++) a[row + c] -= s * w[c];
      }
    }
    if (k + 1 >= n) continue;
    // Right reflector zeroes row k right of the superdiagonal; apply it to A[k+1:, k+1:] row by row.
    const tp = makeReflector(a, k * n + k + 1, 1, n - k - 1);
    tauP[k] = tp;
    e[k] = a[k * n + k + 1];
    if (tp === 0) continue;
    const u = k * n + k + 1;
    for (let r = k + 1; r < m; r++) {
      const row = r * n + k + 1;
      let s = a[row];
      for (let c = 1; c < n - k - 1; c++) s += a[row + c] * a[u + c];
      s *= tp;
      if (s === 0) continue;
      a[row] -= s;
      for (let c = 1; c < n - k - 1; c++) a[row + c] -= s * a[u + c];
    }
  }
  return { d, e, tauQ, tauP };
}

/**
 * Q^T as n rows of length m (row k = k-th column of Q), from the left reflectors. Built as
 * [I 0] H_(n-1) ... H_0; rows above k are still unit vectors when H_k is applied, so they are skipped.
 */
export function leftVectorsT(a: Float64Array, m: number, n: number, tauQ: Float64Array): Float64Array {
  const ut = new Float64Array(n * m);
  for (let i = 0; i < n; i++) ut[i * m + i] = 1;
  const v = new Float64Array(m);
  for (let k = n - 1; k >= 0; k--) {
    const tq = tauQ[k];
    if (tq === 0) continue;
    v[k] = 1;
    for (let r = k + 1; r < m; r++) v[r] = a[r * n + k];
    applyReflectorToRows(ut, m, k, n, v, k, tq);
  }
  return ut;
}

/** P^T as n rows of length n (row k = k-th column of P), from the right reflectors. */
export function rightVectorsT(a: Float64Array, n: number, tauP: Float64Array): Float64Array {
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vt[i * n + i] = 1;
  const u = new Float64Array(n);
  for (let k = n - 2; k >= 0; k--) {
    const tp = tauP[k];
    if (tp === 0) continue;
    u[k + 1] = 1;
    for (let c = k + 2; c < n; c++) u[c] = a[k * n + c];
    applyReflectorToRows(vt, n, k + 1, n, u, k + 1, tp);
  }
  return vt;
}

/** Rows r0 .. r1-1 of the row-major `x` (row length len) times H = I - tau v v^T, v nonzero from `start`. */
function applyReflectorToRows(x: Float64Array, len: number, r0: number, r1: number, v: Float64Array, start: number, tau: number): void {
  for (let r = r0; r < r1; r++) {
    const row = r * len;
    let s = 0;
    for (let c = start; c < len; c++) s += x[row + c] * v[c];
    s *= tau;
    if (s === 0) continue;
    for (let c = start; c < len; c++) x[row + c] -= s * v[c];
  }
}

/** Rows i and j of `x` (row length len) <- [c s; -s c] [row i; row j]. */
export function rotateRows(x: Float64Array, len: number, i: number, j: number, c: number, s: number): void {
  const a = i * len;
  const b = j * len;
  for (let t = 0; t < len; t++) {
    const xi = x[a + t];
    const xj = x[b + t];
    x[a + t] = c * xi + s * xj;
    x[b + t] = c * xj - s * xi;
  }
}

/**
 * Diagonalises the upper bidiagonal B = diag(d) + superdiag(e) in place by implicit-shift QR
 * (Golub-Van Loan Algorithm 8.6.2 with Wilkinson shifts). Left rotations are applied to the rows of
 * `ut` (row length uLen) and right rotations to the rows of `vt` (row length vLen), either of which
 * may be null. On return d holds the (unsorted, possibly negative) singular values.
 */
export function bidiagonalQr(d: Float64Array, e: Float64Array, ut: Float64Array | null, uLen: number, vt: Float64Array | null, vLen: number): void {
  const n = d.length;
  let bnorm = 0;
  for (let i = 0; i < n; i++) bnorm = Math.max(bnorm, Math.abs(d[i]) + (i < n - 1 ? Math.abs(e[i]) : 0));
  // Diagonal entries this small are set to zero and chased out: they would stall the shifted sweep.
  const tiny = EPS * bnorm;
  const negligible = (i: number) => Math.abs(e[i]) <= EPS * (Math.abs(d[i]) + Math.abs(d[i + 1])) || Math.abs(e[i]) <= Number.MIN_VALUE;
  const maxSweeps = 30 * n * n + 100;
  let sweeps = 0;
  let hi = n - 1;
  while (hi > 0) {
    if (negligible(hi - 1)) {
      e[hi - 1] = 0;
      hi--;
      continue;
    }
    let lo = hi - 1;
    while (lo > 0 && !negligible(lo - 1)) lo--;
    if (lo > 0) e[lo - 1] = 0;
    let zero = -1;
    for (let k = lo; k <= hi; k++) {
      if (Math.abs(d[k]) <= tiny) {
        zero = k;
        break;
      }
    }
    if (zero >= 0) {
      d[zero] = 0;
      if (zero < hi) chaseRow(d, e, zero, hi, ut, uLen);
      else chaseColumn(d, e, lo, hi, vt, vLen);
      continue;
    }
    if (++sweeps > maxSweeps) throw new Error(`linalg.svd: the bidiagonal QR iteration did not converge after ${maxSweeps} sweeps`);
    qrSweep(d, e, lo, hi, ut, uLen, vt, vLen);
  }
}

/** d[k] = 0 with k < hi: left rotations of row k against rows k+1..hi move e[k] off the matrix. */
function chaseRow(d: Float64Array, e: Float64Array, k: number, hi: number, ut: Float64Array | null, uLen: number): void {
  let f = e[k];
  e[k] = 0;
  for (let j = k + 1; j <= hi && f !== 0; j++) {
    const r = Math.hypot(d[j], f);
    const c = d[j] / r;
    const s = f / r;
    d[j] = r;
    if (j < hi) {
      f = -s * e[j];
      e[j] *= c;
    }
    if (ut) rotateRows(ut, uLen, j, k, c, s);
  }
}

/** d[hi] = 0: right rotations of column hi against columns hi-1..lo move e[hi-1] off the matrix. */
function chaseColumn(d: Float64Array, e: Float64Array, lo: number, hi: number, vt: Float64Array | null, vLen: number): void {
  let f = e[hi - 1];
  e[hi - 1] = 0;
  for (let j = hi - 1; j >= lo && f !== 0; j--) {
    const r = Math.hypot(d[j], f);
    const c = d[j] / r;
    const s = f / r;
    d[j] = r;
    if (j > lo) {
      f = -s * e[j - 1];
      e[j - 1] *= c;
    }
    if (vt) rotateRows(vt, vLen, j, hi, c, s);
  }
}

/** One implicit QR sweep on the unreduced block lo..hi, chasing the bulge down the band. */
function qrSweep(d: Float64Array, e: Float64Array, lo: number, hi: number, ut: Float64Array | null, uLen: number, vt: Float64Array | null, vLen: number): void {
  // Wilkinson shift: the eigenvalue of the trailing 2x2 of B^T B closer to its last diagonal entry.
  const t11 = d[hi - 1] * d[hi - 1] + (hi - 1 > lo ? e[hi - 2] * e[hi - 2] : 0);
  const t12 = d[hi - 1] * e[hi - 1];
  const t22 = d[hi] * d[hi] + e[hi - 1] * e[hi - 1];
  const delta = (t11 - t22) / 2;
  const root = Math.hypot(delta, t12);
  const mu = t22 - (t12 * t12) / (delta + (delta >= 0 ? root : -root) || 1);
  let y = d[lo] * d[lo] - mu;
  let z = d[lo] * e[lo];
  for (let k = lo; k < hi; k++) {
    // Right rotation of columns k, k+1 zeroes z (the shift vector at k = lo, the bulge after).
    let r = Math.hypot(y, z);
    let c = r === 0 ? 1 : y / r;
    let s = r === 0 ? 0 : z / r;
    if (k > lo) e[k - 1] = r;
    const dk = c * d[k] + s * e[k];
    const ek = c * e[k] - s * d[k];
    const bulge = s * d[k + 1];
    const dk1 = c * d[k + 1];
    if (vt) rotateRows(vt, vLen, k, k + 1, c, s);
    // Left rotation of rows k, k+1 zeroes the bulge below the diagonal.
    r = Math.hypot(dk, bulge);
    c = r === 0 ? 1 : dk / r;
    s = r === 0 ? 0 : bulge / r;
    d[k] = r;
    e[k] = c * ek + s * dk1;
    d[k + 1] = c * dk1 - s * ek;
    if (k + 1 < hi) {
      y = e[k];
      z = s * e[k + 1];
      e[k + 1] *= c;
    }
    if (ut) rotateRows(ut, uLen, k, k + 1, c, s);
  }
}
