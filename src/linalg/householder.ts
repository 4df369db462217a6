import { gemm, view, viewT } from "./gemm.js";
import { norm2 } from "./matrix.js";

/**
 * Householder reflectors and their blocked (compact WY) application, shared by QR, the
 * bidiagonalisation (SVD) and the tridiagonalisation (eigh): a block of `width` reflectors is
 * applied as I - V T V^T with two large GEMMs and a small one (Schreiber & Van Loan 1989, "A
 * storage-efficient WY representation for products of Householder transformations"; Golub & Van
 * Loan, Matrix Computations, 4th ed., 5.1.7 and 5.2.3).
 */

/**
 * Makes the reflector H = I - tau v v^T with H x = beta e1 for the `len` values of x at `offset`,
 * `stride` apart (LAPACK dlarfg's convention: v[0] = 1 is implicit, v[1..] overwrites x[1..],
 * beta overwrites x[0]). Returns tau; 0 means H = I.
 */
export function makeReflector(x: Float64Array, offset: number, stride: number, len: number): number {
  if (len <= 1) return 0;
  const alpha = x[offset];
  const tailNorm = norm2(x, offset + stride, stride, len - 1);
  if (tailNorm === 0) return 0;
  // beta takes the sign opposite to alpha so alpha - beta never cancels.
  const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, tailNorm);
  const scale = 1 / (alpha - beta);
  for (let i = 1, p = offset + stride; i < len; i++, p += stride) x[p] *= scale;
  x[offset] = beta;
  return (beta - alpha) / beta;
}

/**
 * Reflectors kept as LAPACK keeps them: reflector j is the j-th column of a `rows`-row matrix S,
 * with an implicit 1 in row j and its tail in rows j+1.. (rows above j are not part of it). Element
 * (r, c) of S is data[offset + r * rowStride + c * colStride], so the reflectors of a QR sit below
 * the diagonal of the factored matrix, and the row reflectors of a bidiagonalisation are the same
 * thing read transposed. H_j = I - tau[j] v_j v_j^T.
 */
export interface Reflectors {
  readonly data: Float64Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly colStride: number;
  readonly rows: number;
  readonly tau: Float64Array;
}

/** H_j0 ... H_(j0+width-1) = I - V T V^T, acting on rows j0.. : V is (rows - j0) x width, unit lower trapezoidal. */
export interface BlockReflector {
  readonly v: Float64Array;
  readonly t: Float64Array;
  readonly rows: number;
  readonly width: number;
}

/**
 * The upper-triangular T of the compact WY form from the Gram matrix G = V^T V (upper triangle,
 * width x width) and the scalars tau (LAPACK dlarft, forward columnwise):
 * T[0:i, i] = -tau_i T[0:i, 0:i] G[0:i, i]. O(width^3), against GEMM's O(rows width^2) for G.
 */
export function triangularFactor(g: Float64Array, width: number, tau: Float64Array, tauOffset: number): Float64Array {
  const t = new Float64Array(width * width);
  for (let i = 0; i < width; i++) {
    const ti = tau[tauOffset + i];
    t[i * width + i] = ti;
    if (ti === 0) continue;
    for (let r = 0; r < i; r++) {
      let s = 0;
      for (let c = r; c < i; c++) s += t[r * width + c] * g[c * width + i];
      t[r * width + i] = -ti * s;
    }
  }
  return t;
}

/** Reads reflectors j0 .. j0+width-1 into an explicit V (row-major) and builds T from V^T V. */
export function blockReflector(h: Reflectors, j0: number, width: number): BlockReflector {
  const rows = h.rows - j0;
  const v = new Float64Array(rows * width);
  const { data, rowStride, colStride } = h;
  const base = h.offset + j0 * rowStride + j0 * colStride;
  for (let r = 0; r < rows; r++) {
    const src = base + r * rowStride;
    const dst = r * width;
    const below = Math.min(r, width);
    for (let c = 0; c < below; c++) v[dst + c] = data[src + c * colStride];
    if (r < width) v[dst + r] = 1;
  }
  const g = new Float64Array(width * width);
  gemm(width, width, rows, 1, viewT(v, width), view(v, width), 0, g, 0, width, true);
  return { v, t: triangularFactor(g, width, h.tau, j0), rows, width };
}

/**
 * C <- H^T C (transposed = true) or H C for the block reflector H = I - V T V^T and the rows x cols
 * block of row-major `c` at `offset` with leading dimension `ldc` (rows = the block's V rows).
 */
export function applyBlockReflector(h: BlockReflector, transposed: boolean, c: Float64Array, offset: number, ldc: number, cols: number): void {
  const { v, t, rows, width } = h;
  if (cols === 0) return;
  const w = new Float64Array(width * cols);
  gemm(width, cols, rows, 1, viewT(v, width), view(c, ldc, offset), 0, w, 0, cols);
  const tw = new Float64Array(width * cols);
  gemm(width, cols, width, 1, transposed ? viewT(t, width) : view(t, width), view(w, cols), 0, tw, 0, cols);
  gemm(rows, cols, width, -1, view(v, width), view(tw, cols), 1, c, offset, ldc);
}

/**
 * C <- C H (transposed = false) or C H^T for the count x rows block of row-major `c` at `offset`
 * (leading dimension `ldc`): the reflector applied from the right, i.e. to the rows of C.
 */
export function applyBlockReflectorRight(h: BlockReflector, transposed: boolean, c: Float64Array, offset: number, ldc: number, count: number): void {
  const { v, t, rows, width } = h;
  if (count === 0) return;
  const w = new Float64Array(count * width);
  gemm(count, width, rows, 1, view(c, ldc, offset), view(v, width), 0, w, 0, width);
  const wt = new Float64Array(count * width);
  gemm(count, width, width, 1, view(w, width), transposed ? viewT(t, width) : view(t, width), 0, wt, 0, width);
  gemm(count, rows, width, -1, view(wt, width), viewT(v, width), 1, c, offset, ldc);
}

/** Block width of the reflector products below (LAPACK's usual 32 is too narrow for the GEMMs). */
const NB = 48;

/**
 * Overwrites the h.rows x cols row-major block `c` (at `offset`, leading dimension `ldc`) with
 * Q C (or Q^T C when `transposed`), Q = H_0 H_1 ... H_(count-1), one block of NB reflectors at a
 * time through GEMMs (LAPACK dormqr). Each block only touches rows j0.. of C.
 */
export function applyReflectors(h: Reflectors, count: number, transposed: boolean, c: Float64Array, offset: number, ldc: number, cols: number): void {
  if (count === 0 || cols === 0) return;
  const last = Math.floor((count - 1) / NB) * NB;
  for (let step = 0; step <= last; step += NB) {
    const j0 = transposed ? step : last - step;
    const width = Math.min(NB, count - j0);
    applyBlockReflector(blockReflector(h, j0, width), transposed, c, offset + j0 * ldc, ldc, cols);
  }
}

/**
 * The first `count` columns of Q = H_0 ... H_(count-1) as a row-major h.rows x count matrix: Q
 * applied to [I; 0]. While the block at j0 is applied (last block first), columns left of j0 are
 * still unit vectors its reflectors cannot touch, so only columns j0.. are updated (LAPACK dorgqr).
 */
export function formQ(h: Reflectors, count: number): Float64Array {
  const q = new Float64Array(h.rows * count);
  for (let i = 0; i < count; i++) q[i * count + i] = 1;
  if (count === 0) return q;
  const last = Math.floor((count - 1) / NB) * NB;
  for (let j0 = last; j0 >= 0; j0 -= NB) {
    const width = Math.min(NB, count - j0);
    applyBlockReflector(blockReflector(h, j0, width), false, q, j0 * count + j0, count, count - j0);
  }
  return q;
}
