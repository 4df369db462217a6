import { Tensor } from "../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../random/generator.js";
import { backend, getBackend } from "../backend/index.js";
import { gemm, view, viewT } from "./gemm.js";
import { orthonormalize } from "./qr.js";
import { svdKernel } from "./svd.js";
import { resultDtype, toMatrix, toTensor } from "./matrix.js";
import type { MatrixLike } from "./matrix.js";

/**
 * A matrix known only through its products, so structured matrices (sparse plus low rank, e.g. a
 * rating matrix filled with its mean) get a randomized SVD without ever being formed densely.
 */
export interface LinearOperator {
  readonly rows: number;
  readonly cols: number;
  /** A X for a row-major cols x k block X; returns rows x k. */
  matmul(x: Float64Array, k: number): Float64Array;
  /** A^T Y for a row-major rows x k block Y; returns cols x k. */
  rmatmul(y: Float64Array, k: number): Float64Array;
  /**
   * A faster, float32-accurate version of the same operator for the power iterations, which only
   * need to steer the subspace; the final products always use the exact one.
   */
  readonly lowPrecision?: LinearOperator;
}

/**
 * The operator of a dense row-major rows x cols matrix: float64 products on the JS GEMM kernel and,
 * when the native core is active, a float32 twin on the engine's GEMM (tens of times faster).
 */
export function denseOperator(a: Float64Array, rows: number, cols: number): LinearOperator {
  return {
    rows,
    cols,
    lowPrecision: backend() === "native" ? float32Operator(a, rows, cols) : undefined,
    matmul(x, k) {
      const y = new Float64Array(rows * k);
      gemm(rows, k, cols, 1, view(a, cols), view(x, k), 0, y, 0, k);
      return y;
    },
    rmatmul(y, k) {
      const z = new Float64Array(cols * k);
      gemm(cols, k, rows, 1, viewT(a, cols), view(y, k), 0, z, 0, k);
      return z;
    },
  };
}

/** A float32 copy of the matrix multiplied through Tensor.matmul, i.e. the active backend's GEMM. */
function float32Operator(a: Float64Array, rows: number, cols: number): LinearOperator {
  const matrix = Tensor.fromTypedArray(new Float32Array(a), [rows, cols]);
  const product = (m: Tensor, x: Float64Array, inner: number, k: number) =>
    new Float64Array(m.matmul(Tensor.fromTypedArray(new Float32Array(x), [inner, k])).denseData());
  return {
    rows,
    cols,
    matmul: (x, k) => product(matrix, x, cols, k),
    rmatmul: (y, k) => product(matrix.mT, y, rows, k),
  };
}

function transposedOperator(op: LinearOperator): LinearOperator {
  return {
    rows: op.cols,
    cols: op.rows,
    matmul: (x, k) => op.rmatmul(x, k),
    rmatmul: (y, k) => op.matmul(y, k),
    lowPrecision: op.lowPrecision ? transposedOperator(op.lowPrecision) : undefined,
  };
}

/**
 * Replaces the row-major rows x k block Y (rows >= k) by P L of its LU factorisation with partial
 * pivoting, rows kept in their original order: the same column space, well conditioned, for about
 * rows k^2 flops, a quarter of a Householder QR that also forms Q. scikit-learn normalises its power
 * iterations this way; orthonormality is not needed until the last step. Runs on the active
 * backend (src/backend/js/lu.ts is the reference; the native core does the same in C++).
 */
export function luNormalize(y: Float64Array, rows: number, k: number): Float64Array {
  getBackend().luNormalize(y, rows, k);
  return y;
}

export interface RandomizedSvdOptions {
  /** Extra random directions beyond nComponents (Halko et al. suggest 5-10); default 10. */
  nOversamples?: number;
  /** Power iterations; "auto" (default) is scikit-learn's rule: 7 if nComponents < 0.1 min(m, n), else 4. */
  nIter?: number | "auto";
  /** Seed of the Gaussian test matrix; without one it is drawn from the default generator (`lt.manualSeed`). */
  seed?: number;
}

/**
 * Top-`nComponents` SVD by randomized subspace iteration (Halko, Martinsson & Tropp 2011, "Finding
 * structure with randomness", Algorithm 4.4) with LU normalisation between the power iterations, as
 * scikit-learn does, and a Householder QR for the final basis. The power iterations may run in
 * float32 (`lowPrecision`); the basis and B = Q^T A are always float64, so the result is the exact
 * SVD of Q Q^T A. Wide problems run on the transpose, as scikit-learn does. Signs follow scikit-learn's svd_flip:
 * the largest-magnitude entry of every left singular vector is positive.
 */
export function randomizedSvdKernel(op: LinearOperator, nComponents: number, opts: RandomizedSvdOptions = {}): { s: Float64Array; u: Float64Array; vt: Float64Array } {
  const { rows, cols } = op;
  const smaller = Math.min(rows, cols);
  if (!Number.isInteger(nComponents) || nComponents < 1 || nComponents > smaller) {
    throw new RangeError(`randomizedSvd: nComponents must be an integer in [1, ${smaller}], got ${nComponents}`);
  }
  const nOversamples = opts.nOversamples ?? 10;
  if (!Number.isInteger(nOversamples) || nOversamples < 0) throw new RangeError(`randomizedSvd: nOversamples must be a nonnegative integer, got ${nOversamples}`);
  const nIter = opts.nIter === undefined || opts.nIter === "auto" ? (nComponents < 0.1 * smaller ? 7 : 4) : opts.nIter;
  if (!Number.isInteger(nIter) || nIter < 0) throw new RangeError(`randomizedSvd: nIter must be a nonnegative integer or "auto", got ${opts.nIter}`);
  // Without a seed, one draw from the default generator seeds this call, so lt.manualSeed reproduces it.
  const generator = new Generator(opts.seed ?? getDefaultGenerator().nextUint32());
  const transposed = rows < cols;
  const a = transposed ? transposedOperator(op) : op;
  const l = Math.min(nComponents + nOversamples, smaller);
  let q: Float64Array = new Float64Array(a.cols * l);
  for (let i = 0; i < q.length; i++) q[i] = generator.normal();
  const steer = a.lowPrecision ?? a;
  for (let it = 0; it < nIter; it++) {
    q = luNormalize(steer.matmul(q, l), a.rows, l);
    q = luNormalize(steer.rmatmul(q, l), a.cols, l);
  }
  q = orthonormalize(a.matmul(q, l), a.rows, l);
  // B = Q^T A is l x cols; its SVD is taken through B^T = A^T Q (cols x l, tall).
  const bt = a.rmatmul(q, l);
  const small = svdKernel(bt, a.cols, l, { u: true, v: true });
  // B^T = W S Z^T, so B = Z S W^T and A ~ (Q Z) S W^T.
  const uA = new Float64Array(a.rows * l);
  gemm(a.rows, l, l, 1, view(q, l), viewT(small.vt!, l), 0, uA, 0, l);
  const k = nComponents;
  const s = small.s.slice(0, k);
  // Left vectors of the original matrix: Q Z (not transposed) or W (transposed), and the right ones the other.
  const left = transposed ? small.u! : uA;
  const right = transposed ? uA : small.u!;
  const leftRows = transposed ? a.cols : a.rows;
  const rightRows = transposed ? a.rows : a.cols;
  const u = new Float64Array(rows * k);
  const vt = new Float64Array(k * cols);
  for (let i = 0; i < leftRows; i++) for (let j = 0; j < k; j++) u[i * k + j] = left[i * l + j];
  for (let i = 0; i < rightRows; i++) for (let j = 0; j < k; j++) vt[j * cols + i] = right[i * l + j];
  flipSigns(u, rows, k, vt, cols);
  return { s, u, vt };
}

/**
 * Sign of the largest-magnitude entry of each column of the row-major rows x k `x` (the first one on
 * ties, +1 for a zero column): scikit-learn's svd_flip rule, which makes SVD output deterministic.
 */
export function columnSigns(x: Float64Array, rows: number, k: number): Float64Array {
  const best = new Float64Array(k);
  const signs = new Float64Array(k).fill(1);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < k; j++) {
      const v = x[i * k + j];
      if (Math.abs(v) > best[j]) {
        best[j] = Math.abs(v);
        signs[j] = v < 0 ? -1 : 1;
      }
    }
  }
  return signs;
}

/** svd_flip(u_based_decision=True): flips column j of U and row j of V^T so U's largest entry is positive. */
export function flipSigns(u: Float64Array, rows: number, k: number, vt: Float64Array, cols: number): void {
  const signs = columnSigns(u, rows, k);
  for (let j = 0; j < k; j++) {
    if (signs[j] > 0) continue;
    for (let i = 0; i < rows; i++) u[i * k + j] = -u[i * k + j];
    for (let i = 0; i < cols; i++) vt[j * cols + i] = -vt[j * cols + i];
  }
}

/**
 * Randomized truncated SVD of a matrix: U (m x k), S (k, descending), Vh (k x n), like
 * scikit-learn's `randomized_svd(M, k, n_oversamples=10, n_iter="auto", flip_sign=True)`.
 */
export function randomizedSvd(A: MatrixLike, nComponents: number, opts: RandomizedSvdOptions = {}): { U: Tensor; S: Tensor; Vh: Tensor } {
  const { rows, cols, data } = toMatrix(A, "linalg.randomizedSvd", "A");
  const r = randomizedSvdKernel(denseOperator(data, rows, cols), nComponents, opts);
  const dtype = resultDtype(A);
  return { U: toTensor(r.u, [rows, nComponents], dtype), S: toTensor(r.s, [nComponents], dtype), Vh: toTensor(r.vt, [nComponents, cols], dtype) };
}
