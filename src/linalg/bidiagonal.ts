import { gemm, view, viewT } from "./gemm.js";
import { makeReflector } from "./householder.js";
import type { Reflectors } from "./householder.js";

/**
 * Householder reduction to upper bidiagonal form A = Q B P^T (Golub & Kahan 1965), blocked as
 * LAPACK's dgebrd / dlabrd (Dongarra, Sorensen & Hammarling 1989, "Block reduction of matrices to
 * condensed forms for eigenvalue computations"): NB rows and columns are reduced at a time while
 * their effect on the rest is kept as A - V Y^T - X U^T, so the trailing matrix is updated by two
 * GEMMs per panel instead of two rank-one updates per column. The two matrix-vector products per
 * column with the trailing matrix remain (half the flops, memory-bound); they and the small
 * products that keep the panel current run on the same GEMM kernel with one dimension 1.
 */

const NB = 32;

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

/** y = alpha op(A) x + beta y for the rows x cols block of row-major A at aOff (op(A) = A^T when trans). */
function gemv(
  trans: boolean, rows: number, cols: number, alpha: number, a: Float64Array, aOff: number, lda: number,
  x: Float64Array, xOff: number, incx: number, beta: number, y: Float64Array, yOff: number, incy: number,
): void {
  if (trans) gemm(cols, 1, rows, alpha, viewT(a, lda, aOff), view(x, incx, xOff), beta, y, yOff, incy);
  else gemm(rows, 1, cols, alpha, view(a, lda, aOff), view(x, incx, xOff), beta, y, yOff, incy);
}

/** Reduces the row-major m x n matrix `a` (m >= n) in place to A = Q B P^T with B upper bidiagonal. */
export function bidiagonalize(a: Float64Array, m: number, n: number): Bidiagonal {
  const d = new Float64Array(n);
  const e = new Float64Array(Math.max(0, n - 1));
  const tauQ = new Float64Array(n);
  const tauP = new Float64Array(Math.max(0, n - 1));
  // The last panel takes every remaining column (up to 1.5 NB) and needs no trailing update.
  const widest = Math.min(n, NB + NB / 2);
  const x = new Float64Array(m * widest);
  const y = new Float64Array(n * widest);
  for (let k0 = 0; k0 < n; k0 += NB) {
    const ms = m - k0;
    const ns = n - k0;
    const nb = ns <= widest ? ns : NB;
    reducePanel(a, m, n, k0, nb, d, e, tauQ, tauP, x, y);
    const off = (r: number, c: number) => (k0 + r) * n + k0 + c;
    if (nb < ns) {
      // A22 -= V Y^T + X U^T, V = the panel's columns below it, U^T = its rows to the right.
      gemm(ms - nb, ns - nb, nb, -1, view(a, n, off(nb, 0)), viewT(y, nb, nb * nb), 1, a, off(nb, nb), n);
      gemm(ms - nb, ns - nb, nb, -1, view(x, nb, nb * nb), view(a, n, off(0, nb)), 1, a, off(nb, nb), n);
    }
    for (let t = 0; t < nb; t++) {
      a[off(t, t)] = d[k0 + t];
      if (t + 1 < ns) a[off(t, t + 1)] = e[k0 + t];
    }
    if (nb === ns) break;
  }
  return { d, e, tauQ, tauP };
}

/**
 * LAPACK dlabrd for m >= n on the trailing matrix S = A[k0:, k0:]: reduces its first nb rows and
 * columns, returning X (rows of S x nb) and Y (columns of S x nb) with leading dimension nb. Column
 * t of X and of Y holds its vector from row t + 1 on; rows above serve as scratch. The reflectors'
 * unit entries are left in place (S[t][t] = 1 and S[t][t+1] = 1) for the trailing update.
 */
function reducePanel(
  a: Float64Array, m: number, n: number, k0: number, nb: number, d: Float64Array, e: Float64Array,
  tauQ: Float64Array, tauP: Float64Array, x: Float64Array, y: Float64Array,
): void {
  const ms = m - k0;
  const ns = n - k0;
  const off = (r: number, c: number) => (k0 + r) * n + k0 + c;
  for (let t = 0; t < nb; t++) {
    // Column t of S, brought up to date: S[t:, t] -= S[t:, 0:t] Y[t, 0:t]^T + X[t:, 0:t] S[0:t, t].
    gemv(false, ms - t, t, -1, a, off(t, 0), n, y, t * nb, 1, 1, a, off(t, t), n);
    gemv(false, ms - t, t, -1, x, t * nb, nb, a, off(0, t), n, 1, a, off(t, t), n);
    const tq = makeReflector(a, off(t, t), n, ms - t);
    tauQ[k0 + t] = tq;
    d[k0 + t] = a[off(t, t)];
    if (t + 1 >= ns) continue;
    a[off(t, t)] = 1;
    // Y[t+1:, t] = tq (S[t:, t+1:]^T v - Y[t+1:, 0:t] S[t:, 0:t]^T v - S[0:t, t+1:]^T X[t:, 0:t]^T v).
    const yCol = (t + 1) * nb + t;
    gemv(true, ms - t, ns - t - 1, 1, a, off(t, t + 1), n, a, off(t, t), n, 0, y, yCol, nb);
    gemv(true, ms - t, t, 1, a, off(t, 0), n, a, off(t, t), n, 0, y, t, nb);
    gemv(false, ns - t - 1, t, -1, y, (t + 1) * nb, nb, y, t, nb, 1, y, yCol, nb);
    gemv(true, ms - t, t, 1, x, t * nb, nb, a, off(t, t), n, 0, y, t, nb);
    gemv(true, t, ns - t - 1, -1, a, off(0, t + 1), n, y, t, nb, 1, y, yCol, nb);
    for (let j = t + 1; j < ns; j++) y[j * nb + t] *= tq;
    // Row t of S, brought up to date: S[t, t+1:] -= Y[t+1:, 0:t+1] S[t, 0:t+1]^T + S[0:t, t+1:]^T X[t, 0:t]^T.
    gemv(false, ns - t - 1, t + 1, -1, y, (t + 1) * nb, nb, a, off(t, 0), 1, 1, a, off(t, t + 1), 1);
    gemv(true, t, ns - t - 1, -1, a, off(0, t + 1), n, x, t * nb, 1, 1, a, off(t, t + 1), 1);
    const tp = makeReflector(a, off(t, t + 1), 1, ns - t - 1);
    tauP[k0 + t] = tp;
    e[k0 + t] = a[off(t, t + 1)];
    a[off(t, t + 1)] = 1;
    // X[t+1:, t] = tp (S[t+1:, t+1:] u - S[t+1:, 0:t+1] Y[t+1:, 0:t+1]^T u - X[t+1:, 0:t] S[0:t, t+1:] u).
    const xCol = (t + 1) * nb + t;
    gemv(false, ms - t - 1, ns - t - 1, 1, a, off(t + 1, t + 1), n, a, off(t, t + 1), 1, 0, x, xCol, nb);
    gemv(true, ns - t - 1, t + 1, 1, y, (t + 1) * nb, nb, a, off(t, t + 1), 1, 0, x, t, nb);
    gemv(false, ms - t - 1, t + 1, -1, a, off(t + 1, 0), n, x, t, nb, 1, x, xCol, nb);
    gemv(false, t, ns - t - 1, 1, a, off(0, t + 1), n, a, off(t, t + 1), 1, 0, x, t, nb);
    gemv(false, ms - t - 1, t, -1, x, (t + 1) * nb, nb, x, t, nb, 1, x, xCol, nb);
    for (let i = t + 1; i < ms; i++) x[i * nb + t] *= tp;
  }
}

/** Q's reflectors: below the diagonal of the reduced `a`, as a QR factorisation leaves them. */
export function leftReflectors(a: Float64Array, m: number, n: number, tauQ: Float64Array): Reflectors {
  return { data: a, offset: 0, rowStride: n, colStride: 1, rows: m, tau: tauQ };
}

/**
 * P's reflectors act on coordinates 1..n-1: reflector t lies in row t right of the superdiagonal,
 * i.e. they are the QR-style reflectors of the (n-1) x (n-1) matrix A[0:n-1, 1:n]^T.
 */
export function rightReflectors(a: Float64Array, n: number, tauP: Float64Array): Reflectors {
  return { data: a, offset: 1, rowStride: 1, colStride: n, rows: n - 1, tau: tauP };
}
