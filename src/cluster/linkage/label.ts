/**
 * Turns merges recorded as (representative index, representative index, distance) in any order
 * into SciPy's linkage matrix: rows sorted by distance (stable, as NumPy's mergesort), each
 * merge naming its clusters by SciPy's convention (observations 0..n-1, the cluster formed by
 * row k is n + k), the smaller id first, with the merged size in column 3. Union-find with path
 * compression, as SciPy's `label`.
 */
export function sortAndLabel(merges: Float64Array, n: number): Float64Array {
  const m = n - 1;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => merges[a * 4 + 2] - merges[b * 4 + 2]);
  const Z = new Float64Array(m * 4);
  const parent = Int32Array.from({ length: 2 * n - 1 }, (_, i) => i);
  const size = new Int32Array(2 * n - 1).fill(1);
  const find = (x: number): number => {
    let root = x;
    while (parent[root] !== root) root = parent[root];
    while (parent[x] !== root) {
      const next = parent[x];
      parent[x] = root;
      x = next;
    }
    return root;
  };
  for (let r = 0; r < m; r++) {
    const src = order[r] * 4;
    const a = find(merges[src]);
    const b = find(merges[src + 1]);
    const label = n + r;
    parent[a] = label;
    parent[b] = label;
    size[label] = size[a] + size[b];
    Z[r * 4] = Math.min(a, b);
    Z[r * 4 + 1] = Math.max(a, b);
    Z[r * 4 + 2] = merges[src + 2];
    Z[r * 4 + 3] = size[label];
  }
  return Z;
}
