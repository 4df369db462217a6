/**
 * Reference float64 kernels of hierarchical clustering (Backend.pairwiseDistances,
 * mstSingleLinkage, nnChainLinkage). src/cluster/linkage calls them through the active backend;
 * the native core (native/src/cluster.cc) reproduces them to the last bit.
 */

/**
 * Euclidean distances between the rows of x [n, d] for every pair i < j, into
 * out[rowPart[i] + colPart[j]] (SciPy's `pdist` when the layout is the condensed one). Differences
 * are taken directly rather than by the norm expansion so that small distances keep full relative
 * precision, as hierarchical merges depend on them; each pair is summed feature by feature in order,
 * as SciPy does, so the results agree to the last bit. Four pairs run side by side for
 * instruction-level parallelism.
 */
export function pairwiseDistances(x: Float64Array, n: number, d: number, rowPart: Float64Array, colPart: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const a = i * d;
    const row = rowPart[i];
    let j = i + 1;
    for (; j + 3 < n; j += 4) {
      const b0 = j * d;
      const b1 = b0 + d;
      const b2 = b1 + d;
      const b3 = b2 + d;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < d; t++) {
        const v = x[a + t];
        const e0 = v - x[b0 + t];
        const e1 = v - x[b1 + t];
        const e2 = v - x[b2 + t];
        const e3 = v - x[b3 + t];
        s0 += e0 * e0;
        s1 += e1 * e1;
        s2 += e2 * e2;
        s3 += e3 * e3;
      }
      out[row + colPart[j]] = Math.sqrt(s0);
      out[row + colPart[j + 1]] = Math.sqrt(s1);
      out[row + colPart[j + 2]] = Math.sqrt(s2);
      out[row + colPart[j + 3]] = Math.sqrt(s3);
    }
    for (; j < n; j++) {
      const b = j * d;
      let s = 0;
      for (let t = 0; t < d; t++) {
        const e = x[a + t] - x[b + t];
        s += e * e;
      }
      out[row + colPart[j]] = Math.sqrt(s);
    }
  }
}

/**
 * Writes into row[i] the distance from point x to each point i = outside[p], p < count: the points
 * still outside the tree, in increasing index order.
 */
export type DistanceRow = (x: number, outside: Int32Array, count: number, row: Float64Array) => void;

/**
 * Single linkage as a minimum spanning tree (Prim's algorithm; Müllner 2011, "MST-linkage"):
 * O(n^2) time and O(n) memory besides where distances come from. Tree edges become merges once
 * sorted by length, as in SciPy's `mst_single_linkage`; `merges` [n - 1, 4] receives the edges in
 * joining order as (tree point, joining point, distance, 0). The points outside the tree are kept as a
 * dense list in index order (a removal shifts its tail, O(n) like the step itself): the distance
 * loops then read indices from consecutive memory instead of chasing a linked list, twice as fast.
 */
export function primSpanningTree(n: number, distancesFrom: DistanceRow, merges: Float64Array): void {
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
}

/**
 * Distances computed from the observations as they are needed. Prim's algorithm asks for each pair
 * exactly once (when the first of the two joins the tree), so this does pdist's arithmetic without
 * storing n^2/2 distances; each sum runs feature by feature as in `pairwiseDistances`, so the values
 * are bit-identical to SciPy's. Four points are summed side by side: one sum's additions wait on
 * each other, four independent ones fill the gaps.
 */
function computedDistances(points: Float64Array, dimension: number): DistanceRow {
  return (x, outside, count, row) => {
    // Locals, not captured variables: V8 reloads a closure's variables on every use in a loop.
    const data = points;
    const d = dimension;
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

/** Single linkage of the rows of x [n, d] (Backend.mstSingleLinkage): Prim's tree over computed distances. */
export function mstSingleLinkage(x: Float64Array, n: number, d: number, merges: Float64Array): void {
  primSpanningTree(n, computedDistances(x, d), merges);
}

/** Rounding can take a squared centroid distance a hair below 0 (coincident centroids); clamp it. */
const root = (v: number) => Math.sqrt(v > 0 ? v : 0);

/**
 * Distance from cluster i to the union of clusters x and y, from d(x,i), d(y,i), d(x,y) and the
 * cluster sizes: the Lance-Williams recurrences (Lance & Williams 1967; Müllner 2011, table 1),
 * written in SciPy's evaluation order so results agree to the last bit. `method` is an index of
 * LINKAGE_METHODS (src/cluster/linkage/methods.ts): single, complete, average, weighted, centroid,
 * median, ward. Centroid, median and Ward are the Euclidean forms on unsquared distances. One
 * function with a switch rather than a function per method: the agglomeration loops call it n^2
 * times, and V8 inlines a call site that has seen one function but not one that has seen several
 * (a process clustering with two methods), which ran 30% slower; the switch's branch is always
 * predicted.
 */
export function lanceWilliams(method: number, dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number): number {
  switch (method) {
    // Math.min/max compile to branch-free instructions; a ternary mispredicts on random distances.
    case 0:
      return Math.min(dxi, dyi);
    case 1:
      return Math.max(dxi, dyi);
    case 2:
      return (nx * dxi + ny * dyi) / (nx + ny);
    case 3:
      return 0.5 * (dxi + dyi);
    case 4:
      return root((nx * dxi * dxi + ny * dyi * dyi - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny));
    case 5:
      return root(0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy);
    default: {
      const t = 1 / (nx + ny + ni);
      return root((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
  }
}

/**
 * The nearest-neighbour chain algorithm (Murtagh 1983; Müllner 2011, "NN-chain-linkage") for
 * criteria satisfying the reducibility property: complete (1), average (2), weighted (3) and Ward
 * (6), the codes of `lanceWilliams`. The chain follows nearest neighbours until two clusters are
 * each other's nearest; those are merged, and the Lance-Williams update rewrites their distances in
 * place. O(n^2) time; `D` (pair i < j at rowPart[i] + colPart[j]) is overwritten. Writes the n - 1
 * merges unsorted, as (lower index, higher index, distance, 0); merge order and tie-breaking (prefer
 * the previous chain element, then the lowest index) follow SciPy's `nn_chain`.
 *
 * The live clusters are a dense list in index order (a merge shifts its tail out of the list, O(n)
 * like the merge's update): scans read their indices from consecutive memory, so the loads of
 * D's entries can all be in flight at once instead of waiting on a linked list.
 */
export function nnChainLinkage(D: Float64Array, n: number, rowPart: Float64Array, colPart: Float64Array, method: number, merges: Float64Array): void {
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
    merges[k * 4 + 3] = 0;
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
      D[iy] = lanceWilliams(method, D[ix], D[iy], best, nx, ny, size[i]);
    }
  }
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
