import { gemm, view, viewT } from "./gemm.js";
import { norm2, resultDtype, toMatrix, toTensor } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";
import type { Tensor } from "../tensor/tensor.js";

/**
 * Householder QR in the blocked compact-WY form (Schreiber & Van Loan 1989; Golub & Van Loan,
 * Matrix Computations, 4th ed., 5.2.3): panels of NB columns are factored with rank-1 updates, then
 * the trailing matrix gets the whole panel's reflectors at once through two GEMMs, which is where
 * almost all the flops go.
 */
const NB = 32;

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

/** The compact-WY pieces of one panel: V (rows x width, unit lower trapezoid made explicit) and T (width x width, upper). */
interface BlockReflector {
  v: Float64Array;
  t: Float64Array;
  rows: number;
  width: number;
}

/**
 * Reads the reflectors of columns j0 .. j0+width-1 (stored below the diagonal of the row-major
 * m x n matrix `a`) into an explicit V and builds T with H_j0 ... H_(j0+width-1) = I - V T V^T
 * (LAPACK dlarft, forward and columnwise).
 */
function blockReflector(a: Float64Array, m: number, n: number, tau: Float64Array, j0: number, width: number): BlockReflector {
  const rows = m - j0;
  const v = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < width; c++) {
      v[r * width + c] = r === c ? 1 : r > c ? a[(j0 + r) * n + j0 + c] : 0;
    }
  }
  const t = new Float64Array(width * width);
  const w = new Float64Array(width);
  for (let i = 0; i < width; i++) {
    const ti = tau[j0 + i];
    t[i * width + i] = ti;
    if (i === 0 || ti === 0) continue;
    // w = V[:, 0:i]^T v_i, then T[0:i, i] = -tau_i T[0:i, 0:i] w.
    w.fill(0, 0, i);
    for (let r = i; r < rows; r++) {
      const vi = v[r * width + i];
      if (vi === 0) continue;
      const row = r * width;
      for (let c = 0; c < i; c++) w[c] += v[row + c] * vi;
    }
    for (let r = 0; r < i; r++) {
      let s = 0;
      for (let c = r; c < i; c++) s += t[r * width + c] * w[c];
      t[r * width + i] = -ti * s;
    }
  }
  return { v, t, rows, width };
}

/**
 * C <- H^T C (transposed = true) or H C for the block reflector H = I - V T V^T and the rows x cols
 * block of row-major `c` at `offset` with leading dimension `ldc`.
 */
function applyBlockReflector(h: BlockReflector, transposed: boolean, c: Float64Array, offset: number, ldc: number, cols: number): void {
  const { v, t, rows, width } = h;
  if (cols === 0) return;
  const w = new Float64Array(width * cols);
  gemm(width, cols, rows, 1, viewT(v, width), view(c, ldc, offset), 0, w, 0, cols);
  const tw = new Float64Array(width * cols);
  gemm(width, cols, width, 1, transposed ? viewT(t, width) : view(t, width), view(w, cols), 0, tw, 0, cols);
  gemm(rows, cols, width, -1, view(v, width), view(tw, cols), 1, c, offset, ldc);
}

/**
 * Factors the row-major m x n matrix `a` in place: R on and above the diagonal, the Householder
 * vectors below it. Returns the min(m, n) reflector scalars tau.
 */
export function qrFactor(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const panel = new Float64Array(m * Math.min(NB, k));
  for (let j0 = 0; j0 < k; j0 += NB) {
    const width = Math.min(NB, k - j0);
    const rows = m - j0;
    // The panel is factored as a column-major copy: each column is then one contiguous vector,
    // so the reflector's norm, dots and updates stream memory instead of striding across rows.
    for (let r = 0; r < rows; r++) {
      const src = (j0 + r) * n + j0;
      for (let c = 0; c < width; c++) panel[c * rows + r] = a[src + c];
    }
    factorPanel(panel, rows, width, tau, j0);
    for (let r = 0; r < rows; r++) {
      const dst = (j0 + r) * n + j0;
      for (let c = 0; c < width; c++) a[dst + c] = panel[c * rows + r];
    }
    if (j0 + width < n) {
      const h = blockReflector(a, m, n, tau, j0, width);
      applyBlockReflector(h, true, a, j0 * n + j0 + width, n, n - j0 - width);
    }
  }
  return tau;
}

/** Unblocked Householder QR of a column-major rows x width panel (LAPACK dgeqr2); tau[j0 + j] per column. */
function factorPanel(p: Float64Array, rows: number, width: number, tau: Float64Array, j0: number): void {
  for (let j = 0; j < width && j < rows; j++) {
    const col = j * rows;
    const tj = makeReflector(p, col + j, 1, rows - j);
    tau[j0 + j] = tj;
    if (tj === 0) continue;
    for (let c = j + 1; c < width; c++) {
      const other = c * rows;
      let s = p[other + j];
      for (let r = j + 1; r < rows; r++) s += p[col + r] * p[other + r];
      s *= tj;
      p[other + j] -= s;
      for (let r = j + 1; r < rows; r++) p[other + r] -= s * p[col + r];
    }
  }
}

/**
 * Overwrites the row-major m x cols matrix `c` with Q c, Q = H_0 H_1 ... H_(k-1) from
 * `qrFactor(a, m, n)`. Blocks are applied last to first, each through GEMMs.
 */
export function applyQ(a: Float64Array, m: number, n: number, tau: Float64Array, c: Float64Array, cols: number): void {
  const k = tau.length;
  const last = Math.floor((k - 1) / NB) * NB;
  for (let j0 = last; j0 >= 0; j0 -= NB) {
    const width = Math.min(NB, k - j0);
    applyBlockReflector(blockReflector(a, m, n, tau, j0, width), false, c, j0 * cols, cols, cols);
  }
}

/**
 * The thin Q (m x k, k = min(m, n)) of a factored matrix, row-major: Q applied to [I; 0]. While the
 * block at column j0 is applied (last block first), columns left of j0 are still unit vectors that
 * its reflectors cannot touch, so only columns j0.. are updated (LAPACK dorgqr's saving).
 */
export function formQ(a: Float64Array, m: number, n: number, tau: Float64Array): Float64Array {
  const k = tau.length;
  const q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  const last = Math.floor((k - 1) / NB) * NB;
  for (let j0 = last; j0 >= 0; j0 -= NB) {
    const width = Math.min(NB, k - j0);
    applyBlockReflector(blockReflector(a, m, n, tau, j0, width), false, q, j0 * k + j0, k, k - j0);
  }
  return q;
}

/** The k x n upper-trapezoidal R of a factored matrix, row-major. */
export function extractR(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const r = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < n; j++) r[i * n + j] = a[i * n + j];
  }
  return r;
}

/** Orthonormal basis (m x k) of the columns of a tall row-major m x k matrix, which is consumed. */
export function orthonormalize(a: Float64Array, m: number, k: number): Float64Array {
  return formQ(a, m, k, qrFactor(a, m, k));
}

/**
 * Reduced QR decomposition, like `torch.linalg.qr(A, mode="reduced")`: Q (m x k) with orthonormal
 * columns and upper-triangular R (k x n), k = min(m, n), A = Q R. Computed in float64; the results
 * take the input's floating dtype.
 */
export function qr(A: MatrixLike): { Q: Tensor; R: Tensor } {
  const { rows: m, cols: n, data } = toMatrix(A, "linalg.qr", "A");
  const dtype = resultDtype(A);
  const tau = qrFactor(data, m, n);
  const k = Math.min(m, n);
  return { Q: toTensor(formQ(data, m, n, tau), [m, k], dtype), R: toTensor(extractR(data, m, n), [k, n], dtype) };
}
