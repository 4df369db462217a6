import type { Matrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";
import type { KMeansRun, KMeansRunOptions } from "./kmeans-common.js";
import { averageCenters, centerShift, inertia, labelsEqual, relocateEmptyClusters, sumOfSquares } from "./kmeans-common.js";

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
  const counts = new Float64Array(k);
  const labels = new Int32Array(n).fill(-1);
  const previous = labels.slice();
  const shift = new Float64Array(k);
  const upper = new Float64Array(n);
  const lower = new Float64Array(n * k);
  let half = halfCenterDistances(centers, k, d);
  let nextCenter = nearestOtherCenter(half, k);
  initBounds(X, centers, k, half, labels, upper, lower);
  let strict = false;
  let nIter = 0;
  while (nIter < opts.maxIter) {
    nIter++;
    const state = { centers, half, nextCenter, labels, upper, lower };
    next.fill(0);
    counts.fill(0);
    updateAssignments(X, k, state, next, counts);
    relocateEmptyClusters(X, centers, next, counts, labels);
    averageCenters(next, counts, d);
    centerShift(centers, next, d, shift);
    shiftBounds(labels, k, shift, upper, lower);
    half = halfCenterDistances(next, k, d);
    nextCenter = nearestOtherCenter(half, k);
    [centers, next] = [next, centers];
    if (labelsEqual(labels, previous)) {
      strict = true;
      break;
    }
    if (sumOfSquares(shift) <= opts.tol) break;
    previous.set(labels);
  }
  // After a tol-based stop the labels lag one step behind the centers: one more assignment pass.
  if (!strict) updateAssignments(X, k, { centers, half, nextCenter, labels, upper, lower });
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
  lower: Float64Array;
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
 * One assignment pass (Elkan's steps 1-3). When `sums`/`counts` are given the assigned samples are
 * accumulated for the center update.
 */
function updateAssignments(X: Matrix, k: number, s: Bounds, sums?: Float64Array, counts?: Float64Array): void {
  const { data, rows: n, cols: d } = X;
  const { centers, half, nextCenter, labels, upper, lower } = s;
  for (let i = 0; i < n; i++) {
    const x = i * d;
    const lb = i * k;
    let label = labels[i];
    let ub = upper[i];
    // Step 2: a center closer than twice the upper bound is the only way the label can change.
    if (!(nextCenter[label] >= ub)) {
      let tight = false;
      for (let j = 0; j < k; j++) {
        if (j === label || !(ub > lower[lb + j]) || !(ub > half[label * k + j])) continue;
        if (!tight) {
          ub = Math.sqrt(squaredEuclidean(data, x, centers, label * d, d));
          lower[lb + label] = ub;
          tight = true;
        }
        // Elkan's step 3(b): with the tight bound, is center j still a candidate?
        if (ub > lower[lb + j] || ub > half[label * k + j]) {
          const dist = Math.sqrt(squaredEuclidean(data, x, centers, j * d, d));
          lower[lb + j] = dist;
          if (dist < ub) {
            label = j;
            ub = dist;
          }
        }
      }
      labels[i] = label;
      upper[i] = ub;
    }
    if (sums && counts) {
      counts[label] += 1;
      const c = label * d;
      for (let t = 0; t < d; t++) sums[c + t] += data[x + t];
    }
  }
}

/** Steps 5-6: moving the centers loosens every bound by the distance its center moved. */
function shiftBounds(labels: Int32Array, k: number, shift: Float64Array, upper: Float64Array, lower: Float64Array): void {
  for (let i = 0; i < labels.length; i++) {
    upper[i] += shift[labels[i]];
    const lb = i * k;
    for (let j = 0; j < k; j++) {
      const v = lower[lb + j] - shift[j];
      lower[lb + j] = v < 0 ? 0 : v;
    }
  }
}
