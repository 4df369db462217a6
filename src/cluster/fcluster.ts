import type { Tensor } from "../tensor/tensor.js";
import { checkChoice, checkInteger } from "./matrix.js";

export type FclusterCriterion = "maxclust" | "distance";

/** A linkage matrix as a float64 Tensor [n-1, 4] or rows of 4 numbers. */
export type LinkageLike = Tensor | readonly (readonly number[])[];

/** Flat [n-1, 4] copy of a linkage matrix with its observation count, after a shape check. */
export function linkageRows(Z: LinkageLike, who: string): { rows: Float64Array; n: number } {
  let rows: Float64Array;
  if (Array.isArray(Z)) {
    rows = new Float64Array(Z.length * 4);
    Z.forEach((r, i) => {
      if (!Array.isArray(r) || r.length !== 4) throw new RangeError(`${who}: Z row ${i} must have 4 entries [a, b, distance, size]`);
      rows.set(r, i * 4);
    });
  } else {
    const t = Z as Tensor;
    if (t.ndim !== 2 || t.shape[1] !== 4) throw new RangeError(`${who}: Z must have shape [n-1, 4], got [${t.shape.join(", ")}]`);
    rows = Float64Array.from(t.denseData() as ArrayLike<number>);
  }
  const n = rows.length / 4 + 1;
  if (n < 2) throw new RangeError(`${who}: Z is empty; a linkage matrix has n-1 >= 1 rows`);
  for (let k = 0; k < n - 1; k++) {
    const a = rows[k * 4];
    const b = rows[k * 4 + 1];
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= n + k || b >= n + k || a === b) {
      throw new RangeError(`${who}: Z row ${k} merges clusters ${a} and ${b}; each must be an earlier cluster id below ${n + k}`);
    }
  }
  return { rows, n };
}

/**
 * Flat clusters from a linkage matrix, SciPy's `fcluster` (1-based labels, numbered in SciPy's
 * depth-first order): "maxclust" gives at most t clusters, cutting at the lowest height that does;
 * "distance" merges everything whose cophenetic distance is <= t.
 */
export function fcluster(Z: LinkageLike, t: number, criterion: FclusterCriterion = "maxclust"): Int32Array {
  return flatClusters(Z, t, criterion).labels;
}

/** `fcluster`'s labels with where the tree was cut. */
export interface FlatClusters {
  labels: Int32Array;
  /** Clusters are the subtrees whose merge heights are all <= cutoff. */
  cutoff: number;
  /** A height strictly between the last merge kept and the first merge cut: where to draw the cut line. */
  lineHeight: number;
}

export function flatClusters(Z: LinkageLike, t: number, criterion: FclusterCriterion = "maxclust"): FlatClusters {
  checkChoice(criterion, "criterion", "fcluster", ["maxclust", "distance"]);
  const { rows, n } = linkageRows(Z, "fcluster");
  const heights = maxDistances(rows, n);
  let cutoff: number;
  if (criterion === "distance") {
    if (typeof t !== "number" || Number.isNaN(t)) throw new RangeError(`fcluster: the distance threshold t must be a number, got ${String(t)}`);
    cutoff = t;
  } else {
    const maxClusters = checkInteger(t, "t (the maximum number of clusters)", "fcluster", 1);
    cutoff = maxClusters >= n ? -Infinity : maxclustCutoff(rows, n, heights, maxClusters);
  }
  let kept = 0;
  let cut = Infinity;
  for (const h of heights) {
    if (h <= cutoff) kept = Math.max(kept, h);
    else cut = Math.min(cut, h);
  }
  const lineHeight = criterion === "distance" ? t : cut === Infinity ? kept : (kept + cut) / 2;
  const labels = cutoff === -Infinity ? Int32Array.from({ length: n }, (_, i) => i + 1) : clustersAtCutoff(rows, n, heights, cutoff);
  return { labels, cutoff, lineHeight };
}

/**
 * Lowest subtree height giving at most `maxClusters` clusters. Heights are monotone along the merge
 * order, so bisect on the merge index; index -1 stands for "below every merge" (n singletons),
 * never enough when maxClusters < n.
 */
function maxclustCutoff(rows: Float64Array, n: number, heights: Float64Array, maxClusters: number): number {
  let lower = -1;
  let upper = n - 2;
  while (upper - lower > 1) {
    const mid = (lower + upper) >> 1;
    if (countClusters(rows, n, heights, heights[mid], maxClusters) > maxClusters) lower = mid;
    else upper = mid;
  }
  return heights[upper];
}

/** For each merge, the largest height in its subtree (equal to its own height unless inversions). */
function maxDistances(rows: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n - 1);
  for (let k = 0; k < n - 1; k++) {
    let h = rows[k * 4 + 2];
    for (const child of [rows[k * 4], rows[k * 4 + 1]]) if (child >= n && out[child - n] > h) h = out[child - n];
    out[k] = h;
  }
  return out;
}

/** Number of flat clusters at `cutoff`, stopping early once it exceeds `limit`. */
function countClusters(rows: Float64Array, n: number, heights: Float64Array, cutoff: number, limit: number): number {
  let count = 0;
  const stack = [2 * n - 2];
  while (stack.length > 0 && count <= limit) {
    const node = stack.pop() as number;
    if (node < n || heights[node - n] <= cutoff) count++;
    else stack.push(rows[(node - n) * 4 + 1], rows[(node - n) * 4]);
  }
  return count;
}

/**
 * Labels every observation: a subtree whose max height is <= cutoff is one cluster. Numbering
 * follows SciPy's `cluster_monocrit` walk: internal children are descended left then right, and a
 * node's leaf children are labelled only on the way back up (so a singleton beside a subtree is
 * numbered after the clusters inside it).
 */
function clustersAtCutoff(rows: Float64Array, n: number, heights: Float64Array, cutoff: number): Int32Array {
  const labels = new Int32Array(n);
  const visited = new Uint8Array(2 * n - 1);
  const stack: number[] = [2 * n - 2];
  let leader = -1;
  let count = 0;
  while (stack.length > 0) {
    const node = stack[stack.length - 1];
    const k = node - n;
    const left = rows[k * 4];
    const right = rows[k * 4 + 1];
    if (leader === -1 && heights[k] <= cutoff) {
      leader = node;
      count++;
    }
    if (left >= n && !visited[left]) {
      visited[left] = 1;
      stack.push(left);
      continue;
    }
    if (right >= n && !visited[right]) {
      visited[right] = 1;
      stack.push(right);
      continue;
    }
    for (const leaf of [left, right]) {
      if (leaf >= n) continue;
      if (leader === -1) count++;
      labels[leaf] = count;
    }
    if (leader === node) leader = -1;
    stack.pop();
  }
  return labels;
}
