import type { LinkageMethod } from "./methods.js";
import { lanceWilliams, updateCode } from "./methods.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/**
 * The nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "NN-chain-linkage") for
 * criteria satisfying the reducibility property: complete, average, weighted and Ward. The chain
 * follows nearest neighbours until two clusters are each other's nearest; those are merged, and the
 * Lance-Williams update rewrites their distances in place. O(n^2) time; `D` is overwritten and
 * nothing else larger than O(n) is allocated. Merge order, tie-breaking (prefer the previous chain
 * element, then the lowest index) and the final sort follow SciPy's `nn_chain`.
 *
 * The live clusters are a dense list in index order (a merge shifts its tail out of the list, O(n)
 * like the merge's update): scans read their indices from consecutive memory, so the loads of
 * D's entries can all be in flight at once instead of waiting on a linked list.
 */
export function nnChain(D: Float64Array, layout: DistanceLayout, method: LinkageMethod): Float64Array {
  const { n, rowPart, colPart } = layout;
  const code = updateCode(method);
  const merges = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const chain = new Int32Array(n);
  const active = Int32Array.from({ length: n }, (_, i) => i);
  let count = n;
  let chainLength = 0;
  for (let k = 0; k < n - 1; k++) {
    if (chainLength === 0) {
      chain[0] = active[0];
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
      const at = position(active, count, x);
      const column = colPart[x];
      for (let p = 0; p < at; p++) {
        const i = active[p];
        const dist = D[rowPart[i] + column];
        if (dist < best) {
          best = dist;
          y = i;
        }
      }
      const row = rowPart[x];
      for (let p = at + 1; p < count; p++) {
        const i = active[p];
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
    const gone = position(active, count, x);
    active.copyWithin(gone, gone + 1, count);
    count--;
    const columnX = colPart[x];
    const columnY = colPart[y];
    const rowX = rowPart[x];
    const rowY = rowPart[y];
    for (let p = 0; p < count; p++) {
      const i = active[p];
      if (i === y) continue;
      const ix = i < x ? rowPart[i] + columnX : rowX + colPart[i];
      const iy = i < y ? rowPart[i] + columnY : rowY + colPart[i];
      D[iy] = lanceWilliams(code, D[ix], D[iy], best, nx, ny, size[i]);
    }
  }
  return sortAndLabel(merges, n);
}

/** Where cluster x sits in the sorted list of live clusters (binary search; x is live). */
function position(active: Int32Array, count: number, x: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (active[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
