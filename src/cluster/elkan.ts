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
  initBounds(X, centers, k, half, labels, upper, lower);
  const sums = new ClusterSums(k, d);
  for (let i = 0; i < n; i++) sums.move(X.data, i * d, -1, labels[i]);
  const bounds = () => ({ centers, half, nextCenter, labels, upper, lower, drift });
  const step = () => {
    updateAssignments(X, k, bounds(), sums);
    sums.centers(X, centers, labels, next);
    centerShift(centers, next, d, shift);
    shiftBounds(labels, shift, upper, drift);
    half = halfCenterDistances(next, k, d);
    nextCenter = nearestOtherCenter(half, k);
    [centers, next] = [next, centers];
  };
  const nIter = iterateUntilConverged(labels, shift, opts, step, () => updateAssignments(X, k, bounds()));
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

/** First assignment: a center is measured only if the half center distance says it could be nearer. */
function initBounds(X: Matrix, centers: Float64Array, k: number, half: Float64Array, labels: Int32Array, upper: Float64Array, lower: Float64Array): void {
  const { data, rows: n, cols: d } = X;
  for (let i = 0; i < n; i++) {
    const x = i * d;
    const lb = i * k;
    let best = 0;
    let minDist = Math.sqrt(squaredEuclidean(data, x, centers, 0, d));
    lower[lb] = minDist;
    for (let j = 1; j < k; j++) {
      if (minDist > half[best * k + j]) {
        const dist = Math.sqrt(squaredEuclidean(data, x, centers, j * d, d));
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
}

/**
 * One assignment pass (Elkan's steps 1-3); samples that change cluster are moved in `sums`.
 */
function updateAssignments(X: Matrix, k: number, s: Bounds, sums?: ClusterSums): void {
  const { data, rows: n, cols: d } = X;
  const { centers, half, nextCenter, labels, upper, lower, drift } = s;
  for (let i = 0; i < n; i++) {
    const old = labels[i];
    let label = old;
    let ub = upper[i];
    // Step 2: a center closer than twice the upper bound is the only way the label can change.
    if (nextCenter[label] >= ub) continue;
    const x = i * d;
    const lb = i * k;
    let tight = false;
    let row = label * k;
    for (let j = 0; j < k; j++) {
      if (j === label || !(ub > half[row + j])) continue;
      const l = lower[lb + j] - drift[j];
      const bound = l > 0 ? l : 0;
      if (!(ub > bound)) continue;
      if (!tight) {
        ub = Math.sqrt(squaredEuclidean(data, x, centers, label * d, d));
        lower[lb + label] = ub + drift[label];
        tight = true;
      }
      // Elkan's step 3(b): with the tight bound, is center j still a candidate?
      if (ub > bound || ub > half[row + j]) {
        const dist = Math.sqrt(squaredEuclidean(data, x, centers, j * d, d));
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
    if (sums && label !== old) sums.move(data, x, old, label);
  }
}

/** Steps 5-6: moving the centers loosens each upper bound, and (lazily) each lower bound, by the distance its center moved. */
function shiftBounds(labels: Int32Array, shift: Float64Array, upper: Float64Array, drift: Float64Array): void {
  for (let i = 0; i < labels.length; i++) upper[i] += shift[labels[i]];
  for (let j = 0; j < shift.length; j++) drift[j] += shift[j];
}
