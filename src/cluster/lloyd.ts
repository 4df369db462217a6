import type { Matrix } from "./matrix.js";
import { CHUNK_ROWS, dotsWithCenters, rowSquaredNorms } from "./distance.js";
import type { KMeansRun, KMeansRunOptions } from "./kmeans-common.js";
import { centerShift, ClusterSums, inertia, iterateUntilConverged } from "./kmeans-common.js";

/**
 * Assigns each row of X to its nearest center, moving rows that change cluster in `sums` when
 * given. Distances come from float64 GEMM blocks: argmin_j ||c_j||^2 - 2 x.c_j (||x||^2 is the
 * same for every j), the quantity scikit-learn's Lloyd step minimises, evaluated as it does: each
 * block starts as the center norms and the GEMM adds -2 X C^T to it (beta = 1), so the argmin
 * loop reads one value per center.
 */
export function assignNearest(X: Matrix, centers: Float64Array, k: number, labels: Int32Array, sums?: ClusterSums): void {
  const { data, rows: n, cols: d } = X;
  const cNorms = rowSquaredNorms({ data: centers, rows: k, cols: d });
  const block = new Float64Array(CHUNK_ROWS * k);
  for (let start = 0; start < n; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, n - start);
    for (let o = 0; o < count * k; o += k) block.set(cNorms, o);
    dotsWithCenters(X, start, count, centers, k, block, -2, 1);
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
      const i = start + r;
      if (sums && labels[i] !== best) sums.move(data, i * d, labels[i], best);
      labels[i] = best;
    }
  }
}

/** Lloyd's algorithm (Lloyd 1982): alternate nearest-center assignment and centroid update. */
export function lloyd(X: Matrix, initialCenters: Float64Array, k: number, opts: KMeansRunOptions): KMeansRun {
  const { rows: n, cols: d } = X;
  let centers = initialCenters.slice();
  let next = new Float64Array(k * d);
  const sums = new ClusterSums(k, d);
  const labels = new Int32Array(n).fill(-1);
  const shift = new Float64Array(k);
  const step = () => {
    assignNearest(X, centers, k, labels, sums);
    sums.centers(X, centers, labels, next);
    centerShift(centers, next, d, shift);
    [centers, next] = [next, centers];
  };
  const nIter = iterateUntilConverged(labels, shift, opts, step, () => assignNearest(X, centers, k, labels));
  return { labels, centers, inertia: inertia(X, centers, labels), nIter };
}
