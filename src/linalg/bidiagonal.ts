import { formQ, makeReflector } from "./qr.js";
import { transpose } from "./matrix.js";
import { applyRotationChain, rotateRows } from "./rotations.js";

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

/**
 * Reduces the row-major m x n matrix `a` (m >= n) in place to A = Q B P^T with B upper bidiagonal.
 *
 * The textbook loop reads the trailing matrix four times per step (two passes per reflector). Here
 * one pass per step applies the left reflector, the right reflector and, on the same rows while they
 * sit in L1, accumulates the next column's norm and x^T A for x = that column: the next left
 * reflector is v = x / (alpha - beta), so v^T A follows by scaling once its norm is known. The
 * arithmetic is the textbook's, reordered; memory is swept once per column instead of four times.
 */
export function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauQ = new Float64Array(n);
  const tauP = new Float64Array(Math.max(0, n - 1));
  // For the current column k: sq = sum_{r>k} a[r][k]^2 and z[c] = sum_{r>k} a[r][k] a[r][c], c > k.
  let z = new Float64Array(n);
  let next = new Float64Array(n);
  const w = new Float64Array(n);
  let sq = 0;
  for (let r = 1; r < m; r++) {
    const x = a[r * n];
    if (x === 0) continue;
    sq += x * x;
    for (let c = 1; c < n; c++) z[c] += x * a[r * n + c];
  }
  for (let k = 0; k < n; k++) {
    const kk = k * n + k;
    const alpha = a[kk];
    let tq = 0;
    if (sq > 0) {
      // Householder reflector from alpha and the tail norm (LAPACK dlarfg's convention, as makeReflector).
      const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, Math.sqrt(sq));
      tq = (beta - alpha) / beta;
      const scale = 1 / (alpha - beta);
      for (let r = k + 1; r < m; r++) a[r * n + k] *= scale;
      // w = v^T A[k:, k+1:] with v_k = 1 and v_r = a[r][k] * scale.
      for (let c = k + 1; c < n; c++) w[c] = a[kk + c - k] + scale * z[c];
      a[kk] = beta;
      for (let c = k + 1; c < n; c++) a[kk + c - k] -= tq * w[c];
    }
    tauQ[k] = tq;
    d[k] = a[kk];
    if (k + 1 >= n) break;
    const tp = makeReflector(a, kk + 1, 1, n - k - 1);
    tauP[k] = tp;
    e[k] = a[kk + 1];
    // One pass over rows k+1.. : left update, right update, then the sums for column k+1.
    next.fill(0, k + 2, n);
    let nextSq = 0;
    const u = kk + 1;
    const len = n - k - 1;
    for (let r = k + 1; r < m; r++) {
      const row = r * n + k + 1;
      const lv = tq * a[r * n + k];
      if (lv !== 0) for (let c = 0; c < len; c++) a[row + c] -= lv * w[k + 1 + c];
      if (tp !== 0) {
        let s = a[row];
        for (let c = 1; c < len; c++) s += a[row + c] * a[u + c];
        s *= tp;
        if (s !== 0) {
          a[row] -= s;
          for (let c = 1; c < len; c++) a[row + c] -= s * a[u + c];
        }
      }
      if (r === k + 1) continue;
      const x = a[row];
      if (x === 0) continue;
      nextSq += x * x;
      for (let c = 1; c < len; c++) next[k + 1 + c] += x * a[row + c];
    }
    [z, next] = [next, z];
    sq = nextSq;
  }
  return { d, e, tauQ, tauP };
}

/**
 * Q^T as n rows of length m (row k = k-th column of Q). The left reflectors sit below the diagonal
 * exactly as a QR factorisation leaves them, so Q comes from the blocked (GEMM) formQ.
 */
export function leftVectorsT(a: Float64Array, m: number, n: number, tauQ: Float64Array): Float64Array {
  return transpose(formQ(a, m, n, tauQ), m, n);
}

/**
 * P^T as n rows of length n (row k = k-th column of P). The right reflectors act on indices 1..n-1;
 * laid out as columns of an (n-1) x (n-1) matrix they are a QR factorisation's, so formQ builds P.
 */
export function rightVectorsT(a: Float64Array, n: number, tauP: Float64Array): Float64Array {
  const vt = new Float64Array(n * n);
  vt[0] = 1;
  if (n < 2) return vt;
  const size = n - 1;
  const reflectors = new Float64Array(size * size);
  for (let k = 0; k < size; k++) {
    for (let i = k + 1; i < size; i++) reflectors[i * size + k] = a[k * n + i + 1];
  }
  const p = formQ(reflectors, size, size, tauP);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) vt[(i + 1) * n + j + 1] = p[j * size + i];
  }
  return vt;
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
  const scratch = { cu: new Float64Array(n), su: new Float64Array(n), cv: new Float64Array(n), sv: new Float64Array(n) };
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
    qrSweep(d, e, lo, hi, scratch);
    // The sweep's rotations go to the vectors afterwards, as chains (the band does not need them).
    if (vt) applyRotationChain(vt, vLen, lo, 1, hi - lo, scratch.cv, scratch.sv);
    if (ut) applyRotationChain(ut, uLen, lo, 1, hi - lo, scratch.cu, scratch.su);
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

/**
 * One implicit QR sweep on the unreduced block lo..hi, chasing the bulge down the band. The right
 * and left rotations are recorded in `rot` (cv/sv, cu/su, indexed from lo) for the caller to apply.
 */
function qrSweep(d: Float64Array, e: Float64Array, lo: number, hi: number, rot: { cu: Float64Array; su: Float64Array; cv: Float64Array; sv: Float64Array }): void {
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
    rot.cv[k - lo] = c;
    rot.sv[k - lo] = s;
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
    rot.cu[k - lo] = c;
    rot.su[k - lo] = s;
  }
}
