import { bidiagonalQr } from "./bidiagonal-qr.js";
import { solveSecular } from "./secular.js";
import { blockProduct, copyColumn, rotateColumns } from "./merge.js";

/**
 * SVD of an upper bidiagonal matrix by divide and conquer (Gu & Eisenstat 1995, "A divide-and-
 * conquer algorithm for the bidiagonal SVD", SIAM J. Matrix Anal. Appl. 16; LAPACK dbdsdc / dlasd0-3).
 * Removing row k splits B into B1 (k x (k+1)) and B2; with their SVDs, B is orthogonally equivalent
 * to the arrowhead [z^T; 0 D] whose first row z holds d_k times the last row of V1 and e_k times
 * the first row of V2. Its singular values solve a secular equation (secular.ts), its vectors have
 * closed forms, and the halves' vectors are updated by GEMM: O(n^3) flops in BLAS-3 against the
 * O(n^3) rotations of the QR iteration, which dominate it (about 12 n^3 for U and V).
 */

const EPS = 2 ** -52;
/** Subproblems this small are solved by the implicit QR iteration (LAPACK's SMLSIZ). */
const LEAF = 25;

/** The SVD of one subproblem: n rows, n + sqre columns (sqre = 1: one extra column on the right). */
interface Node {
  n: number;
  sqre: number;
  /** Singular values, unordered, >= 0. */
  s: Float64Array;
  /** n x n left vectors as columns; null when not wanted. */
  u: Float64Array | null;
  /** (n + sqre) x (n + sqre) right vectors as columns; with sqre, column n spans the null space. */
  v: Float64Array;
}

/**
 * B = U diag(s) V^T for the n x n upper bidiagonal diag(d) + superdiag(e): U and V as row-major
 * n x n matrices of column vectors (U only when `wantU`), s unordered and nonnegative.
 */
export function bidiagonalSvd(d: Float64Array, e: Float64Array, wantU: boolean): { s: Float64Array; u: Float64Array | null; v: Float64Array } {
  const n = d.length;
  let scale = 0;
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(d[i]), i < n - 1 ? Math.abs(e[i]) : 0);
  // Work at unit scale, where the deflation tolerances and the secular iteration are calibrated.
  const ds = d.map((x) => (scale > 0 ? x / scale : 0));
  const es = e.map((x) => (scale > 0 ? x / scale : 0));
  const node = solve(ds, es, 0, n, 0, wantU);
  return { s: node.s.map((x) => x * scale), u: node.u, v: node.v };
}

function solve(d: Float64Array, e: Float64Array, r0: number, n: number, sqre: number, wantU: boolean): Node {
  if (n <= LEAF) return leaf(d, e, r0, n, sqre, wantU);
  const k = n >> 1;
  const left = solve(d, e, r0, k, 1, wantU);
  const right = solve(d, e, r0 + k + 1, n - k - 1, sqre, wantU);
  return merge(left, right, d[r0 + k], e[r0 + k], wantU);
}

/** A small subproblem by implicit QR, after rotating an extra column (sqre) into a zero column. */
function leaf(d: Float64Array, e: Float64Array, r0: number, n: number, sqre: number, wantU: boolean): Node {
  const cols = n + sqre;
  const dl = d.slice(r0, r0 + n);
  const el = e.slice(r0, r0 + n - 1 + sqre);
  const v = new Float64Array(cols * cols);
  for (let i = 0; i < cols; i++) v[i * cols + i] = 1;
  if (sqre) {
    // Right rotations of columns j and n chase the entry at (n-1, n) up and off the matrix.
    let f = el[n - 1];
    for (let j = n - 1; j >= 0 && f !== 0; j--) {
      const r = Math.hypot(dl[j], f);
      const c = dl[j] / r;
      const s = f / r;
      dl[j] = r;
      rotateColumns(v, cols, cols, j, n, c, -s);
      if (j > 0) {
        f = -s * el[j - 1];
        el[j - 1] *= c;
      }
    }
  }
  // bidiagonalQr rotates rows: vectors as rows of ut (n x n) and vt (n x cols).
  const ut = new Float64Array(n * n);
  for (let i = 0; i < n; i++) ut[i * n + i] = 1;
  const vt = new Float64Array(n * cols);
  for (let i = 0; i < n; i++) for (let r = 0; r < cols; r++) vt[i * cols + r] = v[r * cols + i];
  bidiagonalQr(dl, el.subarray(0, n - 1), wantU ? ut : null, n, vt, cols);
  for (let i = 0; i < n; i++) {
    const sign = dl[i] < 0 ? -1 : 1;
    dl[i] *= sign;
    for (let r = 0; r < cols; r++) v[r * cols + i] = sign * vt[i * cols + r];
  }
  let u: Float64Array | null = null;
  if (wantU) {
    u = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let r = 0; r < n; r++) u[r * n + i] = ut[i * n + r];
  }
  return { n, sqre, s: dl, u, v };
}

/**
 * Joins B1 = left (k x (k+1)), the row (alpha at column k, beta at column k+1) and B2 = right
 * (LAPACK dlasd1-dlasd3). Index 0 of the merged problem is V1's null vector with d = 0; indices
 * 1..k are B1's triplets and k+1.. B2's, sorted by d; U's index 0 is the removed row itself.
 */
function merge(left: Node, right: Node, alpha: number, beta: number, wantU: boolean): Node {
  const k = left.n;
  const nr = right.n;
  const n = k + 1 + nr;
  const sqre = right.sqre;
  const cols = n + sqre;
  const lc = k + 1;
  const rc = nr + sqre;
  // Sort indices 1.. by d; source index i < k is left triplet i, else right triplet i - k.
  const source = Array.from({ length: n - 1 }, (_, i) => i).sort((x, y) => sourceValue(left, right, x) - sourceValue(left, right, y));
  const d = new Float64Array(n);
  const z = new Float64Array(n);
  z[0] = alpha * left.v[k * lc + k];
  // V of the merged problem: V1 on rows 0..k, V2 below; column c holds the vector of index c.
  const v = new Float64Array(cols * cols);
  for (let r = 0; r < lc; r++) v[r * cols] = left.v[r * lc + k];
  const sideV = new Uint8Array(n);
  const sideU = new Uint8Array(n);
  sideV[0] = 1;
  for (let c = 1; c < n; c++) {
    const i = source[c - 1];
    if (i < k) {
      d[c] = left.s[i];
      z[c] = alpha * left.v[k * lc + i];
      for (let r = 0; r < lc; r++) v[r * cols + c] = left.v[r * lc + i];
      sideV[c] = sideU[c] = 1;
    } else {
      const j = i - k;
      d[c] = right.s[j];
      z[c] = beta * right.v[j];
      for (let r = 0; r < rc; r++) v[(lc + r) * cols + c] = right.v[r * rc + j];
      sideV[c] = sideU[c] = 2;
    }
  }
  let u: Float64Array | null = null;
  if (wantU) {
    u = new Float64Array(n * n);
    u[k * n] = 1;
    for (let c = 1; c < n; c++) {
      const i = source[c - 1];
      if (i < k) for (let r = 0; r < k; r++) u[r * n + c] = left.u![r * k + i];
      else for (let r = 0; r < nr; r++) u[(k + 1 + r) * n + c] = right.u![r * nr + i - k];
    }
  }
  if (sqre) {
    // B2's null vector is a second column with d = 0: rotate it into index 0 (z[n] becomes 0).
    for (let r = 0; r < rc; r++) v[(lc + r) * cols + n] = right.v[r * rc + nr];
    const zn = beta * right.v[nr];
    const r = Math.hypot(z[0], zn);
    if (r > 0) {
      rotateColumns(v, cols, cols, 0, n, z[0] / r, -zn / r);
      z[0] = r;
      sideV[0] = 3;
    }
  }
  const { keep, deflated } = deflate(d, z, u, n, v, cols, sideU, sideV, Math.max(Math.abs(alpha), Math.abs(beta), d[n - 1]));
  const K = keep.length;
  const dK = Float64Array.from(keep, (c) => d[c]);
  const zK = Float64Array.from(keep, (c) => z[c]);
  const vm = new Float64Array(K * K);
  const um = wantU ? new Float64Array(K * K) : null;
  const sigma = arrowheadVectors(dK, zK, vm, um);
  const keepColumns = Int32Array.from(keep);
  const s = new Float64Array(n);
  s.set(sigma);
  deflated.forEach((c, t) => (s[K + t] = d[c]));
  const vOut = new Float64Array(cols * cols);
  const vTypes = Uint8Array.from(keep, (c) => sideV[c]);
  blockProduct(v, cols, cols, lc, lc, keepColumns, vTypes, vm, K, vOut, cols);
  deflated.forEach((c, t) => copyColumn(v, cols, c, vOut, cols, K + t, cols));
  if (sqre) copyColumn(v, cols, n, vOut, cols, n, cols);
  let uOut: Float64Array | null = null;
  if (u && um) {
    uOut = new Float64Array(n * n);
    // U's index 0 is the removed row k alone: type 0, summed directly by blockProduct.
    const uTypes = Uint8Array.from(keep, (c) => sideU[c]);
    blockProduct(u, n, n, k, k + 1, keepColumns, uTypes, um, K, uOut, n);
    deflated.forEach((c, t) => copyColumn(u!, n, c, uOut!, n, K + t, n));
  }
  return { n, sqre, s, u: uOut, v: vOut };
}

/**
 * Singular values (returned) and vectors of the K x K arrowhead [z^T; 0 diag(d_1..)] with d_0 = 0:
 * column i of vm is v_i ~ zHat_j / (d_j^2 - s_i^2), of um (when given) u_i ~ (-1, d_j zHat_j /
 * (d_j^2 - s_i^2)) (Gu & Eisenstat 1995, eqs. 3.3-3.4), both normalised.
 */
function arrowheadVectors(dK: Float64Array, zK: Float64Array, vm: Float64Array, um: Float64Array | null): Float64Array {
  const K = dK.length;
  if (K === 1) {
    // [z_0] alone: s = |z_0|, M v = s u with u = -1.
    vm[0] = zK[0] > 0 ? -1 : 1;
    if (um) um[0] = -1;
    return Float64Array.of(Math.abs(zK[0]));
  }
  const roots = solveSecular(dK, zK, 1, true);
  for (let i = 0; i < K; i++) {
    const row = i * K;
    let vNorm = 0;
    let uNorm = 1;
    for (let j = 0; j < K; j++) {
      const x = roots.zHat[j] / roots.diff[row + j];
      vm[j * K + i] = x;
      vNorm += x * x;
      if (um && j > 0) {
        const y = dK[j] * x;
        um[j * K + i] = y;
        uNorm += y * y;
      }
    }
    vNorm = 1 / Math.sqrt(vNorm);
    for (let j = 0; j < K; j++) vm[j * K + i] *= vNorm;
    if (um) {
      uNorm = 1 / Math.sqrt(uNorm);
      um[i] = -uNorm;
      for (let j = 1; j < K; j++) um[j * K + i] *= uNorm;
    }
  }
  return roots.sigma;
}

function sourceValue(left: Node, right: Node, i: number): number {
  return i < left.n ? left.s[i] : right.s[i - left.n];
}

/**
 * Deflation (Gu & Eisenstat 1995, section 4; LAPACK dlasd2): a z_j below tol leaves d_j a
 * singular value with its vectors unchanged; two d's within tol are rotated so one z vanishes
 * (when the pair involves index 0, whose d is 0, only V is rotated and an entry below tol is
 * dropped). What is kept has strictly increasing d, gaps and z's above tol, and index 0 first.
 * sideU / sideV track which half's rows each column touches (1 first, 2 second, 3 both).
 */
function deflate(
  d: Float64Array, z: Float64Array, u: Float64Array | null, n: number, v: Float64Array, cols: number,
  sideU: Uint8Array, sideV: Uint8Array, scale: number,
): { keep: number[]; deflated: number[] } {
  const tol = 64 * EPS * scale;
  if (Math.abs(z[0]) <= tol) z[0] = tol;
  const keep = [0];
  const deflated: number[] = [];
  for (let c = 1; c < n; c++) {
    if (Math.abs(z[c]) <= tol) {
      deflated.push(c);
      continue;
    }
    const p = keep[keep.length - 1];
    if (d[c] - d[p] > tol) {
      keep.push(c);
      continue;
    }
    const r = Math.hypot(z[p], z[c]);
    if (p === 0) {
      // Column 0 <- (z0 col0 + zc colc) / r, column c <- (zc col0 - z0 colc) / -r: z[c] becomes 0.
      rotateColumns(v, cols, cols, 0, c, z[0] / r, -z[c] / r);
      sideV[0] = sideV[c] = sideV[0] | sideV[c];
      z[0] = r;
      deflated.push(c);
    } else {
      // Columns p, c <- (cs p - sn c, sn p + cs c) with cs = z_c / r, sn = z_p / r: z[p] becomes 0.
      rotateColumns(v, cols, cols, p, c, z[c] / r, z[p] / r);
      if (u) rotateColumns(u, n, n, p, c, z[c] / r, z[p] / r);
      sideV[p] = sideV[c] = sideV[p] | sideV[c];
      sideU[p] = sideU[c] = sideU[p] | sideU[c];
      z[c] = r;
      keep[keep.length - 1] = c;
      deflated.push(p);
    }
  }
  return { keep, deflated };
}
