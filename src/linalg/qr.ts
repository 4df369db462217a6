import type { Tensor } from "../tensor/tensor.js";
import { applyBlockReflector, applyBlockReflectorRight, applyReflectors, blockReflector, formQ, makeReflector } from "./householder.js";
import type { Reflectors } from "./householder.js";
import { resultDtype, toMatrix, toTensor } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";

/**
 * Householder QR in the blocked compact-WY form (Golub & Van Loan, Matrix Computations, 4th ed.,
 * 5.2.3), with each panel of PANEL columns factored recursively (Elmroth & Gustavson 2000,
 * "Applying recursion to serial and parallel QR factorization leads to better performance"): the
 * left half of a panel is factored, applied to the right half as one block reflector, then the
 * right half is factored, so only LEAF-column slivers run as matrix-vector loops and the rest of
 * the flops, like the trailing-matrix updates, go through GEMM.
 */
const PANEL = 48;
const LEAF = 8;

/** The reflectors a `qrFactor(a, m, n)` leaves below the diagonal of the row-major a. */
export function qrReflectors(a: Float64Array, m: number, n: number, tau: Float64Array): Reflectors {
  return { data: a, offset: 0, rowStride: n, colStride: 1, rows: m, tau };
}

/**
 * Factors the row-major m x n matrix `a` in place: R on and above the diagonal, the Householder
 * vectors below it. Returns the min(m, n) reflector scalars tau.
 */
export function qrFactor(a: Float64Array, m: number, n: number): Float64Array {
  const k = Math.min(m, n);
  const tau = new Float64Array(k);
  const panel = new Float64Array(m * Math.min(PANEL, k));
  for (let j0 = 0; j0 < k; j0 += PANEL) {
    const width = Math.min(PANEL, k - j0);
    const rows = m - j0;
    // The panel is factored as a column-major copy: each column is one contiguous vector, so the
    // reflectors' norms, dots and updates stream memory instead of striding across rows.
    for (let r = 0; r < rows; r++) {
      const src = (j0 + r) * n + j0;
      for (let c = 0; c < width; c++) panel[c * rows + r] = a[src + c];
    }
    factorPanel(panel, rows, 0, width, tau.subarray(j0));
    for (let r = 0; r < rows; r++) {
      const dst = (j0 + r) * n + j0;
      for (let c = 0; c < width; c++) a[dst + c] = panel[c * rows + r];
    }
    if (j0 + width < n) applyBlockReflector(blockReflector(qrReflectors(a, m, n, tau), j0, width), true, a, j0 * n + j0 + width, n, n - j0 - width);
  }
  return tau;
}

/**
 * Factors columns c0 .. c0+width-1 of the column-major panel p (`rows` long columns), rows c0..,
 * recursively; tau[c] receives column c's scalar.
 */
function factorPanel(p: Float64Array, rows: number, c0: number, width: number, tau: Float64Array): void {
  if (width <= LEAF) {
    factorLeaf(p, rows, c0, width, tau);
    return;
  }
  const left = width >> 1;
  factorPanel(p, rows, c0, left, tau);
  // Columns of the panel are rows of p read as a row-major (width x rows) matrix: H^T C = (C^T H)^T.
  const h = blockReflector({ data: p, offset: 0, rowStride: 1, colStride: rows, rows, tau }, c0, left);
  applyBlockReflectorRight(h, false, p, (c0 + left) * rows + c0, rows, width - left);
  factorPanel(p, rows, c0 + left, width - left, tau);
}

/** Unblocked Householder QR (LAPACK dgeqr2) of columns c0 .. c0+width-1 of the column-major panel. */
function factorLeaf(p: Float64Array, rows: number, c0: number, width: number, tau: Float64Array): void {
  for (let j = c0; j < c0 + width && j < rows; j++) {
    const col = j * rows;
    const tj = makeReflector(p, col + j, 1, rows - j);
    tau[j] = tj;
    if (tj === 0) continue;
    for (let c = j + 1; c < c0 + width; c++) {
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
 * `qrFactor(a, m, n)`.
 */
export function applyQ(a: Float64Array, m: number, n: number, tau: Float64Array, c: Float64Array, cols: number): void {
  applyReflectors(qrReflectors(a, m, n, tau), tau.length, false, c, 0, cols, cols);
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
  const tau = qrFactor(a, m, k);
  return formQ(qrReflectors(a, m, k, tau), k);
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
  return { Q: toTensor(formQ(qrReflectors(data, m, n, tau), k), [m, k], dtype), R: toTensor(extractR(data, m, n), [k, n], dtype) };
}
