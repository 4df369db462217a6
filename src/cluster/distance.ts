import type { Matrix } from "./matrix.js";
import { getBackend } from "../backend/index.js";
import { gemm, view, viewT } from "../linalg/gemm.js";
import type { DistanceLayout } from "./linkage/layout.js";

export { squaredEuclidean } from "../backend/js/kmeans.js";

export function rowSquaredNorms(m: Matrix): Float64Array {
  const { data, rows, cols } = m;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = i * cols, end = j + cols; j < end; j++) s += data[j] * data[j];
    out[i] = s;
  }
  return out;
}

/** Rows per block of the GEMM-based distance kernels: scikit-learn's CHUNK_SIZE, cache-sized. */
export const CHUNK_ROWS = 256;

/**
 * alpha * (dot products of rows [start, start + count) of `X` with every row of `centers` ([k, d]))
 * + beta * out, into `out` as a [count, k] row-major block: the `-2 x.c` term of
 * ||x||^2 - 2 x.c + ||c||^2, which scikit-learn evaluates with BLAS. The float64 GEMM of `linalg`
 * does it here (the engine's float32 GEMM is too coarse to reproduce float64 assignments).
 */
export function dotsWithCenters(X: Matrix, start: number, count: number, centers: Float64Array, k: number, out: Float64Array, alpha = 1, beta = 0): void {
  const d = X.cols;
  gemm(count, k, d, alpha, view(X.data, d, start * d), viewT(centers, d), beta, out, 0, k);
}

/**
 * Squared distances from every row of `X` to every row of `centers`, [n, k], by the norm expansion
 * (clipped at 0 against cancellation), as scikit-learn's `euclidean_distances(squared=True)`.
 */
export function squaredDistancesToCenters(X: Matrix, xNorms: Float64Array, centers: Float64Array, k: number, out = new Float64Array(X.rows * k)): Float64Array {
  const n = X.rows;
  const cNorms = rowSquaredNorms({ data: centers, rows: k, cols: X.cols });
  const dots = new Float64Array(CHUNK_ROWS * k);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    dotsWithCenters(X, start, count, centers, k, dots);
    for (let i = 0; i < count; i++) {
      const xn = xNorms[start + i];
      for (let j = 0; j < k; j++) {
        const v = xn - 2 * dots[i * k + j] + cNorms[j];
        out[(start + i) * k + j] = v > 0 ? v : 0;
      }
    }
  }
  return out;
}

/** Number of points whose condensed distance vector has `length` entries, or -1 if none. */
export function pointsOfCondensed(length: number): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * length)) / 2);
  return (n * (n - 1)) / 2 === length ? n : -1;
}

/**
 * Pairwise Euclidean distances of the rows of `m` stored in `layout` (SciPy's `pdist` with the
 * condensed layout), by the backend's `pairwiseDistances`: differences taken directly, each pair
 * summed feature by feature, so the values equal SciPy's to the last bit.
 */
export function pairwiseDistances(m: Matrix, layout: DistanceLayout): Float64Array {
  const { data, rows: n, cols: d } = m;
  if (layout.length > 2 ** 32 - 1) throw new RangeError(`pairwise distances: ${n} points need ${layout.length} stored distances, more than a typed array can hold (about 92,000 points at most)`);
  const out = new Float64Array(layout.length);
  getBackend().pairwiseDistances(data, n, d, layout.rowPart, layout.colPart, out);
  return out;
}
