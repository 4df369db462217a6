import type { LinkageMethod } from "./methods.js";
import { lanceWilliams, updateCode } from "./methods.js";
import { ActiveSet } from "./active-set.js";
import type { DistanceLayout } from "./layout.js";
import { IndexedMinHeap } from "./heap.js";

/**
 * Müllner's generic clustering algorithm (Müllner 2011, "Generic-linkage", as SciPy's
 * `fast_linkage`), used for centroid and median linkage, which lack the reducibility property the
 * NN-chain needs. Each cluster keeps a candidate nearest neighbour among higher indices and a lower
 * bound on that distance in a priority queue; a popped candidate is re-checked lazily. Usually close
 * to O(n^2). `D` is overwritten. Rows come out in merge order with SciPy's ids (no re-sorting:
 * centroid and median merge heights may decrease).
 */
export function genericLinkage(D: Float64Array, layout: DistanceLayout, method: LinkageMethod): Float64Array {
  const { n, rowPart, colPart } = layout;
  const code = updateCode(method);
  const Z = new Float64Array((n - 1) * 4);
  const size = new Int32Array(n).fill(1);
  const clusterId = Int32Array.from({ length: n }, (_, i) => i);
  const neighbor = new Int32Array(n - 1);
  const minDist = new Float64Array(n - 1);
  const active = new ActiveSet(n);
  const succ = active.succ;

  // Nearest active cluster above x; n - 1 is never dropped (merges drop the lower index), so one exists.
  const nearestAbove = (x: number): number => {
    const row = rowPart[x];
    let best = Infinity;
    let y = -1;
    for (let i = succ[x]; i < n; i = succ[i]) {
      const dist = D[row + colPart[i]];
      if (dist < best) {
        best = dist;
        y = i;
      }
    }
    neighbor[x] = y;
    return best;
  };
  for (let x = 0; x < n - 1; x++) minDist[x] = nearestAbove(x);
  const heap = new IndexedMinHeap(minDist);

  for (let k = 0; k < n - 1; k++) {
    let x = 0;
    let y = 0;
    let dist = 0;
    for (let attempt = 0; attempt < n - k; attempt++) {
      x = heap.top();
      dist = minDist[x];
      y = neighbor[x];
      if (dist === D[rowPart[x] + colPart[y]]) break;
      dist = nearestAbove(x);
      y = neighbor[x];
      minDist[x] = dist;
      heap.update(x);
    }
    heap.pop();
    const nx = size[x];
    const ny = size[y];
    Z[k * 4] = Math.min(clusterId[x], clusterId[y]);
    Z[k * 4 + 1] = Math.max(clusterId[x], clusterId[y]);
    Z[k * 4 + 2] = dist;
    Z[k * 4 + 3] = nx + ny;
    size[x] = 0;
    size[y] = nx + ny;
    clusterId[y] = n + k;
    active.remove(x);

    for (let z = active.first(); z < n; z = succ[z]) {
      if (z === y) continue;
      const zx = z < x ? rowPart[z] + colPart[x] : rowPart[x] + colPart[z];
      const zy = z < y ? rowPart[z] + colPart[y] : rowPart[y] + colPart[z];
      D[zy] = lanceWilliams(code, D[zx], D[zy], dist, nx, ny, size[z]);
    }
    // x's old candidates point at y now: a guess, checked lazily when popped.
    for (let z = active.first(); z < x; z = succ[z]) if (neighbor[z] === x) neighbor[z] = y;
    // The union may be closer than the bound of clusters below it.
    for (let z = active.first(); z < y; z = succ[z]) {
      const d = D[rowPart[z] + colPart[y]];
      if (d < minDist[z]) {
        neighbor[z] = y;
        minDist[z] = d;
        heap.update(z);
      }
    }
    if (y < n - 1) {
      minDist[y] = nearestAbove(y);
      heap.update(y);
    }
  }
  return Z;
}
