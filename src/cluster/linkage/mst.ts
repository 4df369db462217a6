import type { Matrix } from "../matrix.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/**
 * Writes into row[i] the distance from point x to each point i = outside[p], p < count: the points
 * still outside the tree, in increasing index order.
 */
export type DistanceRow = (x: number, outside: Int32Array, count: number, row: Float64Array) => void;

/**
 * Single linkage as a minimum spanning tree (Prim's algorithm; Müllner 2011, "MST-linkage"):
 * O(n^2) time and O(n) memory besides where distances come from. Tree edges become merges once
 * sorted by length, as in SciPy's `mst_single_linkage`. The points outside the tree are kept as a
 * dense list in index order (a removal shifts its tail, O(n) like the step itself): the distance
 * loops then read indices from consecutive memory instead of chasing a linked list, twice as fast.
 */
export function mstSingleLinkage(n: number, distancesFrom: DistanceRow): Float64Array {
  const merges = new Float64Array((n - 1) * 4);
  const nearest = new Float64Array(n).fill(Infinity);
  const row = new Float64Array(n);
  const outside = Int32Array.from({ length: n }, (_, i) => i);
  let count = n;
  let x = 0;
  let at = 0;
  for (let k = 0; k < n - 1; k++) {
    outside.copyWithin(at, at + 1, count);
    count--;
    distancesFrom(x, outside, count, row);
    let best = Infinity;
    let y = -1;
    // Relax the edges from x in increasing index order: ties go to the lowest index, as in SciPy.
    for (let p = 0; p < count; p++) {
      const i = outside[p];
      const v = Math.min(nearest[i], row[i]);
      nearest[i] = v;
      if (v < best) {
        best = v;
        y = i;
        at = p;
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
  const { rowPart, colPart } = layout;
  return (x, outside, count, row) => {
    const column = colPart[x];
    const base = rowPart[x];
    for (let p = 0; p < count; p++) {
      const i = outside[p];
      row[i] = i < x ? D[rowPart[i] + column] : D[base + colPart[i]];
    }
  };
}

/**
 * Distances computed from the observations as they are needed. Prim's algorithm asks for each pair
 * exactly once (when the first of the two joins the tree), so this does pdist's arithmetic without
 * storing n^2/2 distances; each sum runs feature by feature as in `pairwiseDistances`, so the values
 * are bit-identical to SciPy's. Four points are summed side by side: one sum's additions wait on
 * each other, four independent ones fill the gaps.
 */
export function computedDistances(m: Matrix): DistanceRow {
  return (x, outside, count, row) => {
    // Locals, not captured variables: V8 reloads a closure's variables on every use in a loop.
    const { data, cols: d } = m;
    const a = x * d;
    let p = 0;
    for (; p + 3 < count; p += 4) {
      const i0 = outside[p];
      const i1 = outside[p + 1];
      const i2 = outside[p + 2];
      const i3 = outside[p + 3];
      const b0 = i0 * d;
      const b1 = i1 * d;
      const b2 = i2 * d;
      const b3 = i3 * d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const v = data[a + t];
        const e0 = v - data[b0 + t];
        const e1 = v - data[b1 + t];
        const e2 = v - data[b2 + t];
        const e3 = v - data[b3 + t];
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      row[i0] = Math.sqrt(s0);
      row[i1] = Math.sqrt(s1);
      row[i2] = Math.sqrt(s2);
      row[i3] = Math.sqrt(s3);
    }
    for (; p < count; p++) {
      const i = outside[p];
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
