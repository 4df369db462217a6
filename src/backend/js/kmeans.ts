import { dgemm } from "./dgemm.js";

/**
 * Reference float64 k-means kernels (Backend.nearestCenters, elkanAssign). src/cluster calls them
 * through the active backend; the native core (native/src/cluster.cc) reproduces them: the same
 * labels, and Elkan's bounds to the last bit.
 */

/** Rows per GEMM block of the assignment step: scikit-learn's CHUNK_SIZE, cache-sized. */
const CHUNK_ROWS = 256;

function squaredNorm(v: Float64Array, offset: number, d: number): number {
  let s = 0;
  for (let t = offset; t < offset + d; t++) s += v[t] * v[t];
  return s;
}

/**
 * For each row of x [n, d], the nearest row of centers [k, d] (the first on ties) into `labels`,
 * and max(||x||^2 - 2 x.c + ||c||^2, 0) for it into `minDistances` when given. The quantity
 * compared is ||c||^2 - 2 x.c (||x||^2 is the same for every center), the one scikit-learn's Lloyd
 * step minimises, evaluated as it does: each block of rows starts as the center norms and a GEMM
 * adds -2 X C^T to it (beta = 1).
 */
export function nearestCenters(x: Float64Array, n: number, d: number, centers: Float64Array, k: number, labels: Int32Array, minDistances: Float64Array | null): void {
  const centerNorms = new Float64Array(k);
  for (let j = 0; j < k; j++) centerNorms[j] = squaredNorm(centers, j * d, d);
  const block = new Float64Array(Math.min(CHUNK_ROWS, n) * k);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    for (let o = 0; o < count * k; o += k) block.set(centerNorms, o);
    dgemm(x, centers, block, {
      m: count, n: k, k: d, transA: false, transB: true, aOffset: start * d, lda: d, bOffset: 0, ldb: d,
      cOffset: 0, ldc: k, alpha: -2, beta: 1, upper: false,
    });
    for (let r = 0; r < count; r++) {
      const o = r * k;
      let best = 0;
      let bestValue = block[o];
      for (let j = 1; j < k; j++) {
        const v = block[o + j];
        if (v < bestValue) {
          bestValue = v;
          best = j;
        }
      }
      labels[start + r] = best;
      if (minDistances !== null) {
        const v = squaredNorm(x, (start + r) * d, d) + bestValue;
        minDistances[start + r] = v > 0 ? v : 0;
      }
    }
  }
}

/**
 * Squared Euclidean distance between row `ai` of `a` and row `bi` of `b` (both `d` wide). Terms are
 * summed in groups of four, each group added to the running total in turn: the order of
 * scikit-learn's `_euclidean_dense_dense`, so k-means distances round as the reference's do. The
 * loop is unrolled to two groups per pass, which V8 runs measurably faster.
 */
export function squaredEuclidean(a: Float64Array, ai: number, b: Float64Array, bi: number, d: number): number {
  let result = 0;
  let p = ai;
  let q = bi;
  for (const end = ai + (d & ~7); p < end; p += 8, q += 8) {
    const t0 = a[p] - b[q];
    const t1 = a[p + 1] - b[q + 1];
    const t2 = a[p + 2] - b[q + 2];
    const t3 = a[p + 3] - b[q + 3];
    const t4 = a[p + 4] - b[q + 4];
    const t5 = a[p + 5] - b[q + 5];
    const t6 = a[p + 6] - b[q + 6];
    const t7 = a[p + 7] - b[q + 7];
    const first = t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
    const second = t4 * t4 + t5 * t5 + t6 * t6 + t7 * t7;
    result += first;
    result += second;
  }
  if (d & 4) {
    const t0 = a[p] - b[q];
    const t1 = a[p + 1] - b[q + 1];
    const t2 = a[p + 2] - b[q + 2];
    const t3 = a[p + 3] - b[q + 3];
    result += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
    p += 4;
    q += 4;
  }
  for (const end = ai + d; p < end; p++, q++) {
    const t = a[p] - b[q];
    result += t * t;
  }
  return result;
}

/**
 * One assignment pass of Elkan's k-means (C. Elkan, "Using the triangle inequality to accelerate
 * k-means", ICML 2003) with scikit-learn's bookkeeping (`_k_means_elkan.pyx`); see Backend.elkanAssign
 * for the arrays. With `first`, the initial assignment: a center is measured only if the half center
 * distance says it could be nearer than the best so far.
 */
export function elkanAssign(
  x: Float64Array, n: number, d: number, centers: Float64Array, k: number, half: Float64Array, nextCenter: Float64Array,
  drift: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array, first: boolean,
): void {
  if (first) {
    for (let i = 0; i < n; i++) {
      const xi = i * d;
      const lb = i * k;
      let best = 0;
      let minDist = Math.sqrt(squaredEuclidean(x, xi, centers, 0, d));
      lower[lb] = minDist;
      for (let j = 1; j < k; j++) {
        if (minDist > half[best * k + j]) {
          const dist = Math.sqrt(squaredEuclidean(x, xi, centers, j * d, d));
          lower[lb + j] = dist;
          if (dist < minDist) {
            minDist = dist;
            best = j;
          }
        }
      }
      labels[i] = best;
      upper[i] = minDist;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    let label = labels[i];
    let ub = upper[i];
    // Step 2: a center closer than twice the upper bound is the only way the label can change.
    if (nextCenter[label] >= ub) continue;
    const xi = i * d;
    const lb = i * k;
    let tight = false;
    let row = label * k;
    for (let j = 0; j < k; j++) {
      if (j === label || !(ub > half[row + j])) continue;
      const l = lower[lb + j] - drift[j];
      const bound = l > 0 ? l : 0;
      if (!(ub > bound)) continue;
      if (!tight) {
        ub = Math.sqrt(squaredEuclidean(x, xi, centers, label * d, d));
        lower[lb + label] = ub + drift[label];
        tight = true;
      }
      // Elkan's step 3(b): with the tight bound, is center j still a candidate?
      if (ub > bound || ub > half[row + j]) {
        const dist = Math.sqrt(squaredEuclidean(x, xi, centers, j * d, d));
        lower[lb + j] = dist + drift[j];
        if (dist < ub) {
          label = j;
          row = j * k;
          ub = dist;
        }
      }
    }
    labels[i] = label;
    upper[i] = ub;
  }
}
