import { getBackend } from "../backend/index.js";
import type { Matrix } from "./matrix.js";
import type { KMeansRun, KMeansRunOptions } from "./kmeans-common.js";
import { centerShift, ClusterSums, inertia, iterateUntilConverged } from "./kmeans-common.js";

/**
 * Assigns each row of X to its nearest center (the backend's `nearestCenters`: float64 GEMM blocks
 * and argmin_j ||c_j||^2 - 2 x.c_j, scikit-learn's Lloyd step), moving rows that change cluster in
 * `sums` when given. `previous` is scratch space of n labels for that comparison.
 */
export function assignNearest(X: Matrix, centers: Float64Array, k: number, labels: Int32Array, sums?: ClusterSums, previous?: Int32Array): void {
  const { data, rows: n, cols: d } = X;
  const old = sums ? (previous ?? new Int32Array(n)) : null;
  old?.set(labels);
  getBackend().nearestCenters(data, n, d, centers, k, labels, null);
  if (sums && old) for (let i = 0; i < n; i++) if (old[i] !== labels[i]) sums.move(data, i * d, old[i], labels[i]);
}

/** Lloyd's algorithm (Lloyd 1982): alternate nearest-center assignment and centroid update. */
export function lloyd(X: Matrix, initialCenters: Float64Array, k: number, opts: KMeansRunOptions): KMeansRun {
  const { rows: n, cols: d } = X;
  let centers = initialCenters.slice();
  let next = new Float64Array(k * d);
  const sums = new ClusterSums(k, d);
  const labels = new Int32Array(n).fill(-1);
  const shift = new Float64Array(k);
  const previous = new Int32Array(n);
  const step = () => {
    assignNearest(X, centers, k, labels, sums, previous);
    sums.centers(X, centers, labels, next);
    centerShift(centers, next, d, shift);
    [centers, next] = [next, centers];
  };
  const nIter = iterateUntilConverged(labels, shift, opts, step, () => assignNearest(X, centers, k, labels));
  return { labels, centers, inertia: inertia(X, centers, labels), nIter };
}
