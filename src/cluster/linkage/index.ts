import { Tensor } from "../../tensor/tensor.js";
import type { MatrixLike } from "../matrix.js";
import { checkChoice, matrixTensor, toMatrix } from "../matrix.js";
import { pdist, pointsOfCondensed } from "../distance.js";
import type { LinkageMethod } from "./methods.js";
import { DISTANCE_UPDATES, LINKAGE_METHODS } from "./methods.js";
import { mstSingleLinkage } from "./mst.js";
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
 * complete/average/weighted/ward, the generic algorithm for centroid/median.
 */
export function linkage(X: MatrixLike | Float64Array, method: LinkageMethod = "single"): Tensor {
  checkChoice(method, "method", "linkage", LINKAGE_METHODS);
  const { distances, n } = condensedInput(X);
  return matrixTensor(linkageOfCondensed(distances, n, method), n - 1, 4);
}

/** Linkage rows (flat, [n-1, 4]) from condensed distances that the caller gives up: D is overwritten. */
export function linkageOfCondensed(D: Float64Array, n: number, method: LinkageMethod): Float64Array {
  switch (method) {
    case "single":
      return mstSingleLinkage(D, n);
    case "complete":
    case "average":
    case "weighted":
    case "ward":
      return nnChain(D, n, DISTANCE_UPDATES[method]);
    case "centroid":
    case "median":
      return genericLinkage(D, n, DISTANCE_UPDATES[method]);
  }
}

/** A private condensed distance vector for the input: computed from observations, or copied and checked. */
export function condensedInput(X: MatrixLike | Float64Array): { distances: Float64Array; n: number } {
  const vector = X instanceof Float64Array ? X : X instanceof Tensor && X.ndim === 1 ? X.denseData() : null;
  if (vector === null) {
    const m = toMatrix(X as MatrixLike, "linkage");
    if (m.rows < 2) throw new RangeError(`linkage: need at least 2 observations, got ${m.rows}`);
    return { distances: pdist(m), n: m.rows };
  }
  const n = pointsOfCondensed(vector.length);
  if (n < 2) throw new RangeError(`linkage: a condensed distance vector needs n(n-1)/2 entries for some n >= 2, got ${vector.length}`);
  const distances = Float64Array.from(vector as ArrayLike<number>);
  for (let i = 0; i < distances.length; i++) {
    if (!Number.isFinite(distances[i]) || distances[i] < 0) throw new RangeError(`linkage: condensed distance ${i} is ${distances[i]}; distances must be finite and >= 0`);
  }
  return { distances, n };
}
