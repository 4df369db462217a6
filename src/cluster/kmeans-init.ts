import type { Generator } from "../random/generator.js";
import type { Matrix } from "./matrix.js";
import { squaredDistancesToCenters } from "./distance.js";

/** Copies the given rows of X into a new [rows.length, d] center block. */
export function takeRows(X: Matrix, rows: ArrayLike<number>): Float64Array {
  const d = X.cols;
  const out = new Float64Array(rows.length * d);
  for (let r = 0; r < rows.length; r++) out.set(X.data.subarray(rows[r] * d, rows[r] * d + d), r * d);
  return out;
}

/** `count` distinct indices in [0, n), uniformly: the first draws of a partial Fisher-Yates shuffle. */
export function sampleWithoutReplacement(n: number, count: number, rng: Generator): Int32Array {
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.integer(i, n);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.slice(0, count);
}

/** scikit-learn's init="random": k distinct samples chosen uniformly. */
export function randomInit(X: Matrix, k: number, rng: Generator): Float64Array {
  return takeRows(X, sampleWithoutReplacement(X.rows, k, rng));
}

/**
 * Greedy k-means++ (Arthur & Vassilvitskii, "k-means++: the advantages of careful seeding", SODA
 * 2007), as scikit-learn's `_kmeans_plusplus`: the first center is a uniform sample; each next one
 * is the best of 2 + floor(ln k) candidates drawn with probability proportional to D(x)^2, the
 * squared distance to the nearest chosen center, "best" meaning the lowest resulting potential
 * (sum of D^2).
 */
export function kmeansPlusPlus(X: Matrix, xNorms: Float64Array, k: number, rng: Generator, localTrials = 2 + Math.floor(Math.log(k))): { centers: Float64Array; indices: Int32Array } {
  const n = X.rows;
  const indices = new Int32Array(k);
  indices[0] = rng.integer(0, n);
  let closest: Float64Array = squaredDistancesToCenters(X, xNorms, takeRows(X, [indices[0]]), 1);
  let potential = sum(closest);
  const cumulative = new Float64Array(n);
  const candidates = new Int32Array(localTrials);
  // distances[i * localTrials + t]: squared distance of sample i to candidate t, then min'd with closest.
  const distances = new Float64Array(n * localTrials);
  let spare: Float64Array = new Float64Array(n);
  for (let c = 1; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < n; i++) cumulative[i] = acc += closest[i];
    for (let t = 0; t < localTrials; t++) candidates[t] = Math.min(searchLeft(cumulative, rng.uniform() * potential), n - 1);
    squaredDistancesToCenters(X, xNorms, takeRows(X, candidates), localTrials, distances);
    const potentials = new Float64Array(localTrials);
    for (let i = 0; i < n; i++) {
      const o = i * localTrials;
      for (let t = 0; t < localTrials; t++) {
        const v = Math.min(closest[i], distances[o + t]);
        distances[o + t] = v;
        potentials[t] += v;
      }
    }
    let best = 0;
    for (let t = 1; t < localTrials; t++) if (potentials[t] < potentials[best]) best = t;
    potential = potentials[best];
    for (let i = 0; i < n; i++) spare[i] = distances[i * localTrials + best];
    [closest, spare] = [spare, closest];
    indices[c] = candidates[best];
  }
  return { centers: takeRows(X, indices), indices };
}

function sum(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i];
  return s;
}

/** First index whose cumulative value is >= target (NumPy's searchsorted, side="left"). */
function searchLeft(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cumulative[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
