import type { Matrix } from "./matrix.js";
import { matrixTensor } from "./matrix.js";

/**
 * Squared Euclidean distance between row `ai` of `a` and row `bi` of `b` (both `d` wide). The sum
 * runs in groups of four, the order scikit-learn's `_euclidean_dense_dense` uses, so distances
 * computed here round the same way as the reference k-means.
 */
export function squaredEuclidean(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let result = 0;
  const end = ai + (d & ~3);
  let p = ai;
  let q = bi;
  for (; p < end; p += 4, q += 4) {
    const t0 = a[p] - b[q];
    const t1 = a[p + 1] - b[q + 1];
    const t2 = a[p + 2] - b[q + 2];
    const t3 = a[p + 3] - b[q + 3];
    result += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (; p < ai + d; p++, q++) {
    const t = a[p] - b[q];
    result += t * t;
  }
  return result;
}

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
 * Dot products of rows [start, start + count) of `X` with every row of `centers` ([k, d]), as a
 * [count, k] row-major block, through the engine's GEMM: the `-2 x.c` term of the expansion
 * ||x||^2 - 2 x.c + ||c||^2 that scikit-learn's Lloyd step also evaluates with BLAS.
 */
export function dotsWithCenters(X: Matrix, start: number, count: number, centers: Float64Array, k: number): Float64Array {
  const d = X.cols;
  const block = matrixTensor(X.data.subarray(start * d, (start + count) * d), count, d);
  return block.matmul(matrixTensor(centers, k, d).mT).denseData() as Float64Array;
}

/**
 * Squared distances from every row of `X` to every row of `centers`, [n, k], by the norm expansion
 * (clipped at 0 against cancellation), as scikit-learn's `euclidean_distances(squared=True)`.
 */
export function squaredDistancesToCenters(X: Matrix, xNorms: Float64Array, centers: Float64Array, k: number): Float64Array {
  const n = X.rows;
  const cNorms = rowSquaredNorms({ data: centers, rows: k, cols: X.cols });
  const out = new Float64Array(n * k);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const dots = dotsWithCenters(X, start, count, centers, k);
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

/** Position of pair (i, j), i != j, in a condensed distance vector of n points (SciPy's layout). */
export function condensedIndex(n: number, i: number, j: number): number {
  if (i > j) [i, j] = [j, i];
  return n * i - (i * (i + 1)) / 2 + (j - i - 1);
}

/** Number of points whose condensed distance vector has `length` entries, or -1 if none. */
export function pointsOfCondensed(length: number): number {
  const n = Math.round((1 + Math.sqrt(1 + 8 * length)) / 2);
  return (n * (n - 1)) / 2 === length ? n : -1;
}

/**
 * Condensed pairwise Euclidean distances (SciPy's `pdist`): entry (i, j), i < j, at
 * condensedIndex(n, i, j). Differences are taken directly rather than by the norm expansion so
 * that small distances keep full relative precision, as hierarchical merges depend on them.
 */
export function pdist(m: Matrix): Float64Array {
  const { data, rows: n, cols: d } = m;
  const length = (n * (n - 1)) / 2;
  if (length > 2 ** 32 - 1) throw new RangeError(`pdist: ${n} points need ${length} pairwise distances, more than a typed array can hold`);
  const out = new Float64Array(length);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const a = i * d;
    for (let j = i + 1; j < n; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[a + t] - data[b + t];
        s += diff * diff;
      }
      out[p++] = Math.sqrt(s);
    }
  }
  return out;
}
