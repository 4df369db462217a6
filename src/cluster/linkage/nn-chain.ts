import type { DistanceUpdate } from "./methods.js";
import { ActiveSet } from "./active-set.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/**
 * The nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "NN-chain-linkage") for
 * criteria satisfying the reducibility property: complete, average, weighted and Ward. The chain
 * follows nearest neighbours until two clusters are each other's nearest; those are merged, and the
 * Lance-Williams update rewrites their distances in place. O(n^2) time; `D` is overwritten and
 * nothing else larger than O(n) is allocated. Merge order, tie-breaking (prefer the previous chain
 * element, then the lowest index) and the final sort follow SciPy's `nn_chain`.
 */
export function nnChain(D: Float64Array, layout: DistanceLayout, update: DistanceUpdate): Float64Array {
  const { n, rowPart, colPart } = layout;
  const merges = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  const active = new ActiveSet(n);
  const succ = active.succ;
  let chainLength = 0;
  for (let k = 0; k < n - 1; k++) {
    if (chainLength === 0) {
      chain[0] = active.first();
      chainLength = 1;
    }
    let x: number;
    let y = -1;
    let best: number;
    for (;;) {
      x = chain[chainLength - 1];
      if (chainLength > 1) {
        y = chain[chainLength - 2];
        best = x < y ? D[rowPart[x] + colPart[y]] : D[rowPart[y] + colPart[x]];
      } else {
        best = Infinity;
      }
      const column = colPart[x];
      for (let i = active.first(); i < x; i = succ[i]) {
        const dist = D[rowPart[i] + column];
        if (dist < best) {
          best = dist;
          y = i;
        }
      }
      const row = rowPart[x];
      for (let i = succ[x]; i < n; i = succ[i]) {
        const dist = D[row + colPart[i]];
        if (dist < best) {
          best = dist;
          y = i;
        }
      }
      if (chainLength > 1 && y === chain[chainLength - 2]) break;
      chain[chainLength++] = y;
    }
    chainLength -= 2;
    // fastcluster's convention: the lower index is dropped, the higher one becomes the union.
    if (x > y) [x, y] = [y, x];
    const nx = size[x];
    const ny = size[y];
    merges[k * 4] = x;
    merges[k * 4 + 1] = y;
    merges[k * 4 + 2] = best;
    size[x] = 0;
    size[y] = nx + ny;
    active.remove(x);
    for (let i = active.first(); i < n; i = succ[i]) {
      if (i === y) continue;
      const ix = i < x ? rowPart[i] + colPart[x] : rowPart[x] + colPart[i];
      const iy = i < y ? rowPart[i] + colPart[y] : rowPart[y] + colPart[i];
      D[iy] = update(D[ix], D[iy], best, nx, ny, size[i]);
    }
  }
  return sortAndLabel(merges, n);
}
