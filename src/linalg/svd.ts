import type { Tensor } from "../tensor/tensor.js";
import { bidiagonalize, leftReflectors, rightReflectors } from "./bidiagonal.js";
import { bidiagonalQr } from "./bidiagonal-qr.js";
import { bidiagonalSvd } from "./bidiagonal-dc.js";
import { applyReflectors } from "./householder.js";
import { applyQ, extractR, qrFactor } from "./qr.js";
import { resultDtype, toMatrix, toTensor, transpose } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";

/** Singular values (descending) and, when asked, the thin factors as row-major buffers. */
export interface SvdParts {
  s: Float64Array;
  /** m x k left singular vectors (columns), k = min(m, n). */
  u: Float64Array | null;
  /** k x n right singular vectors (rows), i.e. V^T. */
  vt: Float64Array | null;
}

export interface SvdWants {
  u: boolean;
  v: boolean;
}

/**
 * Above this aspect ratio a QR factorisation first shrinks the problem to its n x n triangle
 * (Chan 1982, "An improved algorithm for computing the singular value decomposition"): the
 * bidiagonalisation and the rotations then work on n-length rows, and the QR runs through GEMM.
 */
const QR_FIRST_RATIO = 1.5;

/**
 * Thin SVD of the row-major m x n matrix `a` (consumed) by Householder bidiagonalisation and
 * implicit-shift QR (Golub-Kahan-Reinsch), with singular values sorted descending.
 */
export function svdKernel(a: Float64Array, m: number, n: number, want: SvdWants): SvdParts {
  if (m < n) {
    const r = svdKernel(transpose(a, m, n), n, m, { u: want.v, v: want.u });
    const k = m;
    return { s: r.s, u: r.vt ? transpose(r.vt, k, m) : null, vt: r.u ? transpose(r.u, n, k) : null };
  }
  if (n === 0) return { s: new Float64Array(0), u: want.u ? new Float64Array(0) : null, vt: want.v ? new Float64Array(0) : null };
  if (m >= QR_FIRST_RATIO * n && n > 1) {
    const tau = qrFactor(a, m, n);
    const r = svdKernel(extractR(a, m, n), n, n, want);
    if (!r.u) return r;
    // U = Q [U_R; 0]: the reflectors of the QR act on the zero-padded n x n factor.
    const u = new Float64Array(m * n);
    u.set(r.u);
    applyQ(a, m, n, tau, u, n);
    return { s: r.s, u, vt: r.vt };
  }
  const { d, e, tauQ, tauP } = bidiagonalize(a, m, n);
  if (!want.u && !want.v) {
    bidiagonalQr(d, e, null, 0, null, 0);
    return { s: Float64Array.from(d, Math.abs).sort().reverse(), u: null, vt: null };
  }
  const b = bidiagonalSvd(d, e, want.u);
  let u: Float64Array | null = null;
  if (want.u) {
    // U = Q [U_B; 0] and V = P V_B, P = diag(1, P'): the reflectors applied blockwise (LAPACK dormbr).
    u = new Float64Array(m * n);
    u.set(b.u!);
    applyReflectors(leftReflectors(a, m, n, tauQ), n, false, u, 0, n, n);
  }
  let v: Float64Array | null = null;
  if (want.v) {
    v = b.v;
    applyReflectors(rightReflectors(a, n, tauP), n - 1, false, v, n, n, n);
  }
  return sortDescending(b.s, u, m, v, n);
}

/** Orders the (nonnegative) singular values descending with their vectors (columns of u and v). */
function sortDescending(d: Float64Array, u: Float64Array | null, m: number, v: Float64Array | null, n: number): SvdParts {
  const k = d.length;
  const order = Array.from({ length: k }, (_, i) => i).sort((x, y) => d[y] - d[x] || x - y);
  const s = Float64Array.from(order, (i) => d[i]);
  let uSorted: Float64Array | null = null;
  if (u) {
    uSorted = new Float64Array(m * k);
    for (let i = 0; i < m; i++) {
      const row = i * k;
      for (let j = 0; j < k; j++) uSorted[row + j] = u[row + order[j]];
    }
  }
  let vt: Float64Array | null = null;
  if (v) {
    vt = new Float64Array(k * n);
    for (let j = 0; j < k; j++) {
      const col = order[j];
      for (let i = 0; i < n; i++) vt[j * n + i] = v[i * k + col];
    }
  }
  return { s, u: uSorted, vt };
}

/**
 * Thin singular value decomposition A = U diag(S) Vh, like `torch.linalg.svd(A, full_matrices=False)`:
 * U is m x k, S has k = min(m, n) values in descending order, Vh is k x n. Computed in float64
 * (Golub-Kahan-Reinsch, QR-preconditioned for tall or wide input); results take the input's
 * floating dtype.
 */
export function svd(A: MatrixLike): { U: Tensor; S: Tensor; Vh: Tensor } {
  const { rows: m, cols: n, data } = toMatrix(A, "linalg.svd", "A");
  const k = Math.min(m, n);
  const dtype = resultDtype(A);
  const r = svdKernel(data, m, n, { u: true, v: true });
  return { U: toTensor(r.u!, [m, k], dtype), S: toTensor(r.s, [k], dtype), Vh: toTensor(r.vt!, [k, n], dtype) };
}

/** Singular values only (descending), like `torch.linalg.svdvals`; skips all vector work. */
export function svdvals(A: MatrixLike): Tensor {
  const { rows: m, cols: n, data } = toMatrix(A, "linalg.svdvals", "A");
  return toTensor(svdKernel(data, m, n, { u: false, v: false }).s, [Math.min(m, n)], resultDtype(A));
}
