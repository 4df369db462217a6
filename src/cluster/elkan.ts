import { getBackend } from "../backend/index.js";
import type { Matrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";
import type { KMeansRun, KMeansRunOptions } from "./kmeans-common.js";
import { centerShift, ClusterSums, inertia, iterateUntilConverged } from "./kmeans-common.js";

/**
 * Elkan's k-means (C. Elkan, "Using the triangle inequality to accelerate k-means", ICML 2003):
 * the same iterates as Lloyd's algorithm, but each sample keeps an upper bound on the distance to
 * its center and a lower bound per center, and the triangle inequality skips every distance that
 * cannot change the assignment. The bookkeeping follows scikit-learn's `_k_means_elkan.pyx`, so
 * labels, centers and iteration counts agree with `KMeans(algorithm="elkan")`.
 */
export function elkan(X: Matrix, initialCenters: Float64Array, k: number, opts: KMeansRunOptions): KMeansRun {
  const { rows: n, cols: d } = X;
  let centers = initialCenters.slice();
  let next = new Float64Array(k * d);
  const labels = new Int32Array(n);
  const shift = new Float64Array(k);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  const drift = new Float64Array(k);
  let half = halfCenterDistances(centers, k, d);
  let nextCenter = nearestOtherCenter(half, k);
  const bounds = () => ({ centers, half, nextCenter, labels, upper, lower, drift });
  updateAssignments(X, k, bounds(), true);
  const sums = new ClusterSums(k, d);
  for (let i = 0; i < n; i++) sums.move(X.data, i * d, -1, labels[i]);
  const previous = new Int32Array(n);
  const step = () => {
    updateAssignments(X, k, bounds(), false, sums, previous);
    sums.centers(X, centers, labels, next);
    centerShift(centers, next, d, shift);
    shiftBounds(labels, shift, upper, drift);
    half = halfCenterDistances(next, k, d);
    nextCenter = nearestOtherCenter(half, k);
    [centers, next] = [next, centers];
  };
  const nIter = iterateUntilConverged(labels, shift, opts, step, () => updateAssignments(X, k, bounds(), false));
  return { labels, centers, inertia: inertia(X, centers, labels), nIter };
}

interface Bounds {
  centers: Float64Array;
  /** Half the distance between every pair of centers, [k, k]. */
  half: Float64Array;
  /** Half the distance from each center to its nearest other center. */
  nextCenter: Float64Array;
  labels: Int32Array;
  upper: Float64Array;
  /**
   * Lower bounds stored lazily: the bound on d(x_i, c_j) is max(lower[i*k+j] - drift[j], 0), where
   * drift[j] is the total distance center j has moved. Elkan's per-step update l = max(l - shift, 0)
   * composes to exactly this (shifts are >= 0), without touching n*k bounds every step.
   */
  lower: Float64Array;
  drift: Float64Array;
}

function halfCenterDistances(centers: Float64Array, k: number, d: number): Float64Array {
  const half = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const h = Math.sqrt(squaredEuclidean(centers, a * d, centers, b * d, d)) / 2;
      half[a * k + b] = h;
      half[b * k + a] = h;
    }
  }
  return half;
}

function nearestOtherCenter(half: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k).fill(Infinity);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) if (a !== b && half[a * k + b] < out[a]) out[a] = half[a * k + b];
  return out;
}

/**
 * One assignment pass (Elkan's steps 1-3, or the initial assignment with `first`) on the backend's
 * `elkanAssign`; samples that change cluster are moved in `sums`, with `previous` as scratch.
 */
function updateAssignments(X: Matrix, k: number, s: Bounds, first: boolean, sums?: ClusterSums, previous?: Int32Array): void {
  const { data, rows: n, cols: d } = X;
  const { centers, half, nextCenter, labels, upper, lower, drift } = s;
  if (sums && previous) previous.set(labels);
  getBackend().elkanAssign(data, n, d, centers, k, half, nextCenter, drift, labels, upper, lower, first);
  if (sums && previous) for (let i = 0; i < n; i++) if (previous[i] !== labels[i]) sums.move(data, i * d, previous[i], labels[i]);
}

/** Steps 5-6: moving the centers loosens each upper bound, and (lazily) each lower bound, by the distance its center moved. */
function shiftBounds(labels: Int32Array, shift: Float64Array, upper: Float64Array, drift: Float64Array): void {
  for (let i = 0; i < labels.length; i++) upper[i] += shift[labels[i]];
  for (let j = 0; j < shift.length; j++) drift[j] += shift[j];
}
