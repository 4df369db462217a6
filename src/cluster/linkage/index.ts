import { Tensor } from "../../tensor/tensor.js";
import type { Matrix, MatrixLike } from "../matrix.js";
import { checkChoice, matrixTensor, toMatrix } from "../matrix.js";
import { pairwiseDistances, pointsOfCondensed } from "../distance.js";
import type { DistanceLayout } from "./layout.js";
import { condensedLayout, tiledLayout } from "./layout.js";
import type { LinkageMethod } from "./methods.js";
import { LINKAGE_METHODS } from "./methods.js";
import { mstSingleLinkage, observationsSingleLinkage, storedDistances } from "./mst.js";
import { nnChain } from "./nn-chain.js";
import { genericLinkage } from "./generic.js";

export type { LinkageMethod } from "./methods.js";
export { LINKAGE_METHODS } from "./methods.js";

/**
 * Hierarchical agglomerative clustering, SciPy's `scipy.cluster.hierarchy.linkage`: from
 * observations [n, features] (Euclidean distances) or a condensed distance vector (a 1-D
 * Float64Array or Tensor of n(n-1)/2 entries, SciPy's `pdist` layout), returns the linkage matrix
 * Z, float64 [n-1, 4]: row k merges clusters Z[k,0] < Z[k,1] at distance Z[k,2] into cluster n+k of
 * Z[k,3] observations. Numbering and row order equal SciPy's: MST for single, NN-chain for
 * complete/average/weighted/ward, the generic algorithm for centroid/median. Memory: one float64
 * per pair of observations (n = 20,000 takes 1.6 GB), except single linkage of observations, which
 * needs O(n).
 */
export function linkage(X: MatrixLike | Float64Array, method: LinkageMethod = "single"): Tensor {
  checkChoice(method, "method", "linkage", LINKAGE_METHODS);
  const vector = X instanceof Float64Array ? X : X instanceof Tensor && X.ndim === 1 ? X.denseData() : null;
  if (vector !== null) {
    const { distances, layout } = condensedCopy(vector);
    return matrixTensor(linkageOfDistances(distances, layout, method), layout.n - 1, 4);
  }
  const m = toMatrix(X as MatrixLike, "linkage");
  if (m.rows < 2) throw new RangeError(`linkage: need at least 2 observations, got ${m.rows}`);
  return matrixTensor(linkageOfObservations(m, method), m.rows - 1, 4);
}

/** Condensed pairwise Euclidean distances of the rows of X (SciPy's `pdist`): pair (i < j) at n*i - i(i+1)/2 + j - i - 1. */
export function pdist(X: MatrixLike): Float64Array {
  const m = toMatrix(X, "pdist");
  return pairwiseDistances(m, condensedLayout(m.rows));
}

/**
 * Linkage rows (flat, [n-1, 4]) of observations under Euclidean distance. Single linkage computes
 * distances as its MST needs them (O(n) memory); the others work on the stored distances.
 */
export function linkageOfObservations(m: Matrix, method: LinkageMethod): Float64Array {
  if (method === "single") return observationsSingleLinkage(m);
  const layout = tiledLayout(m.rows);
  return linkageOfDistances(pairwiseDistances(m, layout), layout, method);
}

/** Linkage rows (flat, [n-1, 4]) from distances that the caller gives up: they are overwritten. */
function linkageOfDistances(D: Float64Array, layout: DistanceLayout, method: LinkageMethod): Float64Array {
  switch (method) {
    case "single":
      return mstSingleLinkage(layout.n, storedDistances(D, layout));
    case "complete":
    case "average":
    case "weighted":
    case "ward":
      return nnChain(D, layout, method);
    case "centroid":
    case "median":
      return genericLinkage(D, layout, method);
  }
}

/** A checked private copy of a condensed distance vector, in the working layout. */
function condensedCopy(vector: ArrayLike<number>): { distances: Float64Array; layout: DistanceLayout } {
  const n = pointsOfCondensed(vector.length);
  if (n < 2) throw new RangeError(`linkage: a condensed distance vector needs n(n-1)/2 entries for some n >= 2, got ${vector.length}`);
  const layout = tiledLayout(n);
  const distances = new Float64Array(layout.length);
  let p = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, p++) {
      const v = vector[p];
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`linkage: condensed distance ${p} (points ${i} and ${j}) is ${v}; distances must be finite and >= 0`);
      distances[layout.rowPart[i] + layout.colPart[j]] = v;
    }
  }
  return { distances, layout };
}
