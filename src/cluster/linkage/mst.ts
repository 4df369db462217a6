import type { Matrix } from "../matrix.js";
import { getBackend } from "../../backend/index.js";
import { primSpanningTree, type DistanceRow } from "../../backend/js/linkage.js";
import type { DistanceLayout } from "./layout.js";
import { sortAndLabel } from "./label.js";

/**
 * Single linkage as a minimum spanning tree (Prim's algorithm; Müllner 2011, "MST-linkage") over
 * distances from `distancesFrom`: tree edges become merges once sorted by length, as in SciPy's
 * `mst_single_linkage`.
 */
export function mstSingleLinkage(n: number, distancesFrom: DistanceRow): Float64Array {
  const merges = new Float64Array((n - 1) * 4);
  primSpanningTree(n, distancesFrom, merges);
  return sortAndLabel(merges, n);
}

/**
 * Single linkage of observations under Euclidean distance on the backend's `mstSingleLinkage`:
 * each distance is computed when Prim's algorithm first asks for it (exactly once per pair), with
 * pdist's arithmetic, so the merges equal SciPy's without storing n^2/2 distances.
 */
export function observationsSingleLinkage(m: Matrix): Float64Array {
  const merges = new Float64Array((m.rows - 1) * 4);
  getBackend().mstSingleLinkage(m.data, m.rows, m.cols, merges);
  return sortAndLabel(merges, m.rows);
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
