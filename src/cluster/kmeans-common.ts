import type { Matrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";

/** Result of one k-means run from one initialisation. */
export interface KMeansRun {
  labels: Int32Array;
  centers: Float64Array;
  inertia: number;
  nIter: number;
}

/** Everything one run needs besides the data and its initial centers. */
export interface KMeansRunOptions {
  maxIter: number;
  /** Absolute tolerance on the summed squared center shift (already scaled by `tolerance`). */
  tol: number;
}

/**
 * scikit-learn's k-means loop around one step (assign, recompute centers, write each center's
 * shift into `shift`): stop when the labels repeat exactly ("strict convergence") or when the
 * summed squared shift is <= tol. After a tol-based stop or maxIter the labels lag one step behind
 * the centers, so `reassign` runs once more. Returns the number of steps.
 */
export function iterateUntilConverged(labels: Int32Array, shift: Float64Array, opts: KMeansRunOptions, step: () => void, reassign: () => void): number {
  const previous = new Int32Array(labels.length).fill(-1);
  let nIter = 0;
  while (nIter < opts.maxIter) {
    nIter++;
    step();
    if (labelsEqual(labels, previous)) return nIter;
    if (sumOfSquares(shift) <= opts.tol) break;
    previous.set(labels);
  }
  reassign();
  return nIter;
}

/**
 * scikit-learn's data-dependent tolerance: `tol` times the mean per-feature variance of X, so
 * the stopping rule does not depend on the data's scale.
 */
export function tolerance(X: Matrix, tol: number): number {
  if (tol === 0) return 0;
  const { data, rows, cols } = X;
  const mean = columnMeans(X);
  let total = 0;
  for (let i = 0; i < data.length; i += cols) {
    for (let j = 0; j < cols; j++) {
      const t = data[i + j] - mean[j];
      total += t * t;
    }
  }
  return (total / rows / cols) * tol;
}

/** Column means of X. */
export function columnMeans(X: Matrix): Float64Array {
  const { data, rows, cols } = X;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j] += data[i * cols + j];
  for (let j = 0; j < cols; j++) mean[j] /= rows;
  return mean;
}

/** Subtracts (sign -1) or adds (sign +1) a row vector from every row, in place. */
export function shiftRows(data: Float64Array, cols: number, vector: Float64Array, sign: 1 | -1): void {
  for (let i = 0; i < data.length; i += cols) for (let j = 0; j < cols; j++) data[i + j] += sign * vector[j];
}

/**
 * Per-cluster sums and counts of the samples under the current labels, kept up to date by moving
 * only the samples whose label changed (after the first pass most samples keep theirs, so a step
 * costs O(changes * d) instead of O(n * d)). `centers` turns them into the next centers.
 */
export class ClusterSums {
  readonly sums: Float64Array;
  readonly counts: Float64Array;

  constructor(readonly k: number, readonly d: number) {
    this.sums = new Float64Array(k * d);
    this.counts = new Float64Array(k);
  }

  /** Moves sample row `x` (an offset into `data`) from cluster `from` (-1: none yet) to `to`. */
  move(data: Float64Array, x: number, from: number, to: number): void {
    const d = this.d;
    if (from >= 0) {
      this.counts[from] -= 1;
      for (let t = 0, f = from * d; t < d; t++) this.sums[f + t] -= data[x + t];
    }
    this.counts[to] += 1;
    for (let t = 0, c = to * d; t < d; t++) this.sums[c + t] += data[x + t];
  }

  /**
   * The means of the clusters into `out`, after giving each empty cluster the sample farthest
   * from its old center (measured against `oldCenters`); the running sums stay untouched.
   */
  centers(X: Matrix, oldCenters: Float64Array, labels: Int32Array, out: Float64Array): void {
    out.set(this.sums);
    const counts = this.counts.slice();
    relocateEmptyClusters(X, oldCenters, out, counts, labels);
    averageCenters(out, counts, this.d);
  }
}

/**
 * Gives every empty cluster the sample farthest from its current center, taking it out of its old
 * cluster's running sum (scikit-learn's `_relocate_empty_clusters_dense`). `sums` holds the
 * per-cluster sums of assigned samples, before averaging.
 */
export function relocateEmptyClusters(X: Matrix, oldCenters: Float64Array, sums: Float64Array, counts: Float64Array, labels: Int32Array): void {
  const k = counts.length;
  const empty: number[] = [];
  for (let j = 0; j < k; j++) if (counts[j] === 0) empty.push(j);
  if (empty.length === 0) return;
  const { data, rows, cols: d } = X;
  const distances = new Float64Array(rows);
  let largest = 0;
  for (let i = 0; i < rows; i++) {
    distances[i] = squaredEuclidean(data, i * d, oldCenters, labels[i] * d, d);
    if (distances[i] > largest) largest = distances[i];
  }
  // More clusters than distinct samples: every sample sits on a center, nothing to move.
  if (largest === 0) return;
  const order = Array.from({ length: rows }, (_, i) => i).sort((a, b) => distances[b] - distances[a] || a - b);
  empty.forEach((cluster, r) => {
    const far = order[r];
    const old = labels[far];
    for (let t = 0; t < d; t++) {
      sums[old * d + t] -= data[far * d + t];
      sums[cluster * d + t] = data[far * d + t];
    }
    counts[cluster] = 1;
    counts[old] -= 1;
  });
}

/** Divides sums by counts; a still-empty cluster takes the position of the largest one. */
export function averageCenters(sums: Float64Array, counts: Float64Array, d: number): void {
  let largest = 0;
  for (let j = 1; j < counts.length; j++) if (counts[j] > counts[largest]) largest = j;
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] > 0) {
      const alpha = 1 / counts[j];
      for (let t = 0; t < d; t++) sums[j * d + t] *= alpha;
    } else {
      for (let t = 0; t < d; t++) sums[j * d + t] = sums[largest * d + t];
    }
  }
}

/** Euclidean distance each center moved, into `out`. */
export function centerShift(oldCenters: Float64Array, newCenters: Float64Array, d: number, out: Float64Array): void {
  for (let j = 0; j < out.length; j++) out[j] = Math.sqrt(squaredEuclidean(newCenters, j * d, oldCenters, j * d, d));
}

/** Sum of squared distances of samples to their assigned centers. */
export function inertia(X: Matrix, centers: Float64Array, labels: Int32Array): number {
  const { data, rows, cols: d } = X;
  let total = 0;
  for (let i = 0; i < rows; i++) total += squaredEuclidean(data, i * d, centers, labels[i] * d, d);
  return total;
}

/** Whether two labelings are the same partition up to renaming the labels. */
export function isSameClustering(a: Int32Array, b: Int32Array, k: number): boolean {
  const mapping = new Int32Array(k).fill(-1);
  for (let i = 0; i < a.length; i++) {
    if (mapping[a[i]] === -1) mapping[a[i]] = b[i];
    else if (mapping[a[i]] !== b[i]) return false;
  }
  return true;
}

function labelsEqual(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sumOfSquares(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return s;
}
