import type { Tensor } from "../tensor/tensor.js";
import type { MatrixLike } from "./matrix.js";
import { checkInteger, fitGenerator, matrixTensor, toMatrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";
import { sampleWithoutReplacement, takeRows } from "./kmeans-init.js";
import type { KMeansOptions } from "./kmeans.js";
import { KMeans } from "./kmeans.js";

/** Cluster labels as an Int32Array, a number array or an integer Tensor. */
export type LabelsLike = Int32Array | readonly number[] | Tensor;

function toLabels(labels: LabelsLike, n: number, who: string): Int32Array {
  const values: ArrayLike<number> = Array.isArray(labels) || labels instanceof Int32Array ? labels : (labels as Tensor).toArray();
  if (values.length !== n) throw new RangeError(`${who}: labels has ${values.length} entries, X has ${n} samples`);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(values[i])) throw new RangeError(`${who}: labels[${i}] is ${values[i]}; labels must be integers`);
    out[i] = values[i];
  }
  return out;
}

/**
 * Silhouette coefficient of every sample (Rousseeuw 1987), scikit-learn's `silhouette_samples`
 * with Euclidean distances: s = (b - a) / max(a, b), where a is the mean distance to the other
 * members of the sample's cluster and b the lowest mean distance to another cluster; 0 for a
 * sample alone in its cluster. Needs 2 <= number of clusters <= n - 1. O(n^2 d) time, O(n k) memory.
 */
export function silhouetteSamples(X: MatrixLike, labels: LabelsLike): Float64Array {
  const who = "silhouetteSamples";
  const m = toMatrix(X, who);
  const raw = toLabels(labels, m.rows, who);
  // Relabel 0..k-1 in order of first appearance, as scikit-learn's LabelEncoder does up to order.
  const ids = new Map<number, number>();
  const y = raw.map((l) => {
    if (!ids.has(l)) ids.set(l, ids.size);
    return ids.get(l) as number;
  });
  const k = ids.size;
  const n = m.rows;
  if (k < 2 || k > n - 1) throw new RangeError(`${who}: the number of distinct labels is ${k}; it must be between 2 and n_samples - 1 (${n - 1})`);
  const sizes = new Float64Array(k);
  for (const l of y) sizes[l]++;
  // sums[i * k + c]: total distance from sample i to the members of cluster c. Each pair is
  // measured once and credited to both ends.
  const sums = new Float64Array(n * k);
  const { data, cols: d } = m;
  for (let i = 0; i < n; i++) {
    const ci = y[i];
    for (let j = i + 1; j < n; j++) {
      const dist = Math.sqrt(squaredEuclidean(data, i * d, data, j * d, d));
      sums[i * k + y[j]] += dist;
      sums[j * k + ci] += dist;
    }
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = y[i];
    if (sizes[own] <= 1) continue;
    const a = sums[i * k + own] / (sizes[own] - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, sums[i * k + c] / sizes[c]);
    const denom = Math.max(a, b);
    out[i] = denom > 0 ? (b - a) / denom : 0;
  }
  return out;
}

export interface SilhouetteOptions {
  /** Score a random subset of this many samples (scikit-learn's `sample_size`), for large n. */
  sampleSize?: number;
  seed?: number;
}

/** Mean silhouette coefficient over all samples (scikit-learn's `silhouette_score`), in [-1, 1]. */
export function silhouetteScore(X: MatrixLike, labels: LabelsLike, opts: SilhouetteOptions = {}): number {
  let data = X;
  let y = labels;
  if (opts.sampleSize !== undefined) {
    const m = toMatrix(X, "silhouetteScore");
    const size = checkInteger(opts.sampleSize, "sampleSize", "silhouetteScore", 2, m.rows);
    const all = toLabels(labels, m.rows, "silhouetteScore");
    const pick = sampleWithoutReplacement(m.rows, size, fitGenerator(opts.seed, "silhouetteScore"));
    data = matrixTensor(takeRows(m, pick), size, m.cols);
    y = pick.map((i) => all[i]);
  }
  const s = silhouetteSamples(data, y);
  let total = 0;
  for (const v of s) total += v;
  return total / s.length;
}

export interface ElbowPoint {
  k: number;
  inertia: number;
  nIter: number;
}

export interface ElbowOptions extends Omit<KMeansOptions, "nClusters"> {
  /** Called after each k is fitted (the CLI reports progress with it). */
  onProgress?: (point: ElbowPoint) => void;
}

export interface ElbowResult {
  curve: ElbowPoint[];
  /**
   * The k at the curve's knee: the point farthest below the straight line joining the first and
   * last points (with k and inertia scaled to [0, 1]), the "Kneedle" criterion of Satopää et al.
   * 2011. Null with fewer than 3 points.
   */
  elbow: number | null;
}

/**
 * Inertia of k-means for each k in [kMin, kMax] (the elbow method): the same options as KMeans
 * (nClusters aside) and the same seed for every k.
 */
export function elbowCurve(X: MatrixLike, kMin: number, kMax: number, opts: ElbowOptions = {}): ElbowResult {
  checkInteger(kMin, "kMin", "elbowCurve", 1);
  checkInteger(kMax, "kMax", "elbowCurve", kMin);
  const m = toMatrix(X, "elbowCurve");
  if (kMax > m.rows) throw new RangeError(`elbowCurve: kMax=${kMax} is larger than the number of samples (${m.rows})`);
  const { onProgress, ...kmeans } = opts;
  const data = matrixTensor(m.data, m.rows, m.cols);
  const curve: ElbowPoint[] = [];
  for (let k = kMin; k <= kMax; k++) {
    const km = new KMeans({ ...kmeans, nClusters: k }).fit(data);
    const point = { k, inertia: km.inertia, nIter: km.nIter };
    curve.push(point);
    onProgress?.(point);
  }
  return { curve, elbow: knee(curve) };
}

function knee(curve: ElbowPoint[]): number | null {
  if (curve.length < 3) return null;
  const first = curve[0];
  const last = curve[curve.length - 1];
  const spanK = last.k - first.k;
  const spanI = first.inertia - last.inertia;
  if (!(spanI > 0)) return null;
  let best: number | null = null;
  let bestGap = 0;
  for (const p of curve) {
    // On the scaled axes the chord runs from (0, 1) to (1, 0): its height at x is 1 - x.
    const x = (p.k - first.k) / spanK;
    const y = (p.inertia - last.inertia) / spanI;
    const gap = 1 - x - y;
    if (gap > bestGap) {
      bestGap = gap;
      best = p.k;
    }
  }
  return best;
}
