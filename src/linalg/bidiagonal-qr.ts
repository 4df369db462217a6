import { applyRotationChain, rotateRows } from "./rotations.js";

/**
 * Implicitly shifted QR on an upper bidiagonal matrix (Golub & Kahan 1965; Golub & Reinsch 1970;
 * Golub & Van Loan, Matrix Computations, 4th ed., 8.6.2), the second phase of the Golub-Kahan-
 * Reinsch SVD: the singular values alone cost O(n^2); the vectors, accumulated as Givens rotations,
 * cost O(n^3) and are used only for the small subproblems of the divide and conquer. Singular
 * vectors are kept as rows ("ut", "vt") so every rotation touches two contiguous rows.
 */

const EPS = 2 ** -52;

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
