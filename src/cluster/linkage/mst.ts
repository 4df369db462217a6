import { ActiveSet, rowStart } from "./active-set.js";
import { sortAndLabel } from "./label.js";

/**
 * Single linkage as a minimum spanning tree (Prim's algorithm on the condensed distances; Müllner
 * 2011, "MST-linkage"): O(n^2) time, O(n) memory, `D` left untouched. Tree edges become merges
 * once sorted by length, as in SciPy's `mst_single_linkage`.
 */
export function mstSingleLinkage(D: Float64Array, n: number): Float64Array {
  const merges = new Float64Array((n - 1) * 4);
  const nearest = new Float64Array(n).fill(Infinity);
  const outside = new ActiveSet(n);
  const succ = outside.succ;
  let x = 0;
  for (let k = 0; k < n - 1; k++) {
    outside.remove(x);
    let best = Infinity;
    let y = -1;
    // Relax the edges from x to every point not yet in the tree, in increasing index order.
    for (let i = outside.first(); i < x; i = succ[i]) {
      const dist = D[rowStart(n, i) + x];
      if (nearest[i] > dist) nearest[i] = dist;
      if (nearest[i] < best) {
        best = nearest[i];
        y = i;
      }
    }
    const base = rowStart(n, x);
    for (let i = succ[x]; i < n; i = succ[i]) {
      const dist = D[base + i];
      if (nearest[i] > dist) nearest[i] = dist;
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
