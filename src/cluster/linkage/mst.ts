import type { Matrix } from "../matrix.js";
import { ActiveSet } from "./active-set.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/** Writes into row[i] the distance from point x to each point i still outside the tree (listed by `outside`). */
export type DistanceRow = (x: number, outside: ActiveSet, row: Float64Array) => void;

/**
 * Single linkage as a minimum spanning tree (Prim's algorithm; Müllner 2011, "MST-linkage"):
 * O(n^2) time and O(n) memory besides where distances come from. Tree edges become merges once
 * sorted by length, as in SciPy's `mst_single_linkage`.
 */
export function mstSingleLinkage(n: number, distancesFrom: DistanceRow): Float64Array {
  const merges = new Float64Array((n - 1) * 4);
  const nearest = new Float64Array(n).fill(Infinity);
  const row = new Float64Array(n);
  const outside = new ActiveSet(n);
  const succ = outside.succ;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    outside.remove(x);
    distancesFrom(x, outside, row);
    let best = Infinity;
    let y = -1;
    // Relax the edges from x in increasing index order: ties go to the lowest index, as in SciPy.
    for (let i = outside.first(); i < n; i = succ[i]) {
      if (nearest[i] > row[i]) nearest[i] = row[i];
      if (nearest[i] < best) {
        best = nearest[i];
        y = i;
      }
    }
    merges[k * 4] = x;
    merges[k * 4 + 1] = y;
    merges[k * 4 + 2] = best;
    x = y;
  }
  return sortAndLabel(merges, n);
}

/** Distances read from a stored matrix. */
export function storedDistances(D: Float64Array, layout: DistanceLayout): DistanceRow {
  const { n, rowPart, colPart } = layout;
  return (x, outside, row) => {
    const succ = outside.succ;
    const column = colPart[x];
    const base = rowPart[x];
    for (let i = outside.first(); i < n; i = succ[i]) row[i] = i < x ? D[rowPart[i] + column] : D[base + colPart[i]];
  };
}

/**
 * Distances computed from the observations as they are needed. Prim's algorithm asks for each pair
 * exactly once (when the first of the two joins the tree), so this does pdist's arithmetic without
 * storing n^2/2 distances; the sum runs feature by feature as in `pairwiseDistances`, so the values
 * are bit-identical to SciPy's.
 */
export function computedDistances(m: Matrix): DistanceRow {
  const { data, rows: n, cols: d } = m;
  return (x, outside, row) => {
    const succ = outside.succ;
    const a = x * d;
    for (let i = outside.first(); i < n; i = succ[i]) {
      const b = i * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = data[a + t] - data[b + t];
        s += e * e;
      }
      row[i] = Math.sqrt(s);
    }
  };
}
