import type { Matrix } from "./matrix.js";
import { CHUNK_ROWS, dotsWithCenters, rowSquaredNorms } from "./distance.js";
import type { KMeansRun, KMeansRunOptions } from "./kmeans-common.js";
import { averageCenters, centerShift, inertia, labelsEqual, relocateEmptyClusters, sumOfSquares } from "./kmeans-common.js";

/**
 * Assigns each row of X to its nearest center and, when `sums`/`counts` are given, accumulates the
 * per-cluster sums of the assigned rows. Distances come from GEMM blocks: argmin_j ||c_j||^2 - 2 x.c_j
 * (||x||^2 is the same for every j), exactly the quantity scikit-learn's Lloyd step minimises.
 */
export function assignNearest(X: Matrix, centers: Float64Array, k: number, labels: Int32Array, sums?: Float64Array, counts?: Float64Array): void {
  const { data, rows: n, cols: d } = X;
  const cNorms = rowSquaredNorms({ data: centers, rows: k, cols: d });
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    const dots = dotsWithCenters(X, start, count, centers, k);
    for (let r = 0; r < count; r++) {
      const o = r * k;
      let best = 0;
      let bestValue = cNorms[0] - 2 * dots[o];
      for (let j = 1; j < k; j++) {
        const v = cNorms[j] - 2 * dots[o + j];
        if (v < bestValue) {
          bestValue = v;
          best = j;
        }
      }
      const i = start + r;
      labels[i] = best;
      if (sums && counts) {
        counts[best] += 1;
        const s = best * d;
        const x = i * d;
        for (let t = 0; t < d; t++) sums[s + t] += data[x + t];
      }
    }
  }
}

/**
 * Lloyd's algorithm (Lloyd 1982) with scikit-learn's stopping rule: stop when the labels repeat
 * exactly ("strict convergence") or when the summed squared center shift is <= tol; after a
 * tol-based stop, one more assignment makes the labels match the returned centers.
 */
export function lloyd(X: Matrix, initialCenters: Float64Array, k: number, opts: KMeansRunOptions): KMeansRun {
  const { rows: n, cols: d } = X;
  let centers = initialCenters.slice();
  let next = new Float64Array(k * d);
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const previous = labels.slice();
  const shift = new Float64Array(k);
  let strict = false;
  let nIter = 0;
  while (nIter < opts.maxIter) {
    nIter++;
    next.fill(0);
    counts.fill(0);
    assignNearest(X, centers, k, labels, next, counts);
    relocateEmptyClusters(X, centers, next, counts, labels);
    averageCenters(next, counts, d);
    centerShift(centers, next, d, shift);
    [centers, next] = [next, centers];
    if (labelsEqual(labels, previous)) {
      strict = true;
      break;
    }
    if (sumOfSquares(shift) <= opts.tol) break;
    previous.set(labels);
  }
  if (!strict) assignNearest(X, centers, k, labels);
  return { labels, centers, inertia: inertia(X, centers, labels), nIter };
}
