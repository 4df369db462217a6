/** The linkage criteria of SciPy's `linkage` (and of Müllner's fastcluster). */
export type LinkageMethod = "single" | "complete" | "average" | "weighted" | "centroid" | "median" | "ward";

export const LINKAGE_METHODS: readonly LinkageMethod[] = ["single", "complete", "average", "weighted", "centroid", "median", "ward"];

/**
 * A method as the small integer `lanceWilliams` switches on (its index in LINKAGE_METHODS): an
 * integer switch compiles to a jump table, a string switch to a chain of comparisons.
 */
export type UpdateCode = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export function updateCode(method: LinkageMethod): UpdateCode {
  return LINKAGE_METHODS.indexOf(method) as UpdateCode;
}

/**
 * The Lance-Williams update (d(i, x u y) from d(x,i), d(y,i), d(x,y) and the sizes) for an
 * `updateCode`: one function shared with the reference backend's NN-chain kernel.
 */
export { lanceWilliams } from "../../backend/js/linkage.js";
