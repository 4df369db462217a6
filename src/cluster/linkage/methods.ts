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

/** Rounding can take a squared centroid distance a hair below 0 (coincident centroids); clamp it. */
const root = (v: number) => Math.sqrt(v > 0 ? v : 0);

/**
 * Distance from cluster i to the union of clusters x and y, from d(x,i), d(y,i), d(x,y) and the
 * cluster sizes: the Lance-Williams recurrences (Lance & Williams 1967; Müllner 2011, table 1),
 * written in SciPy's evaluation order so results agree to the last bit; `method` is an
 * `updateCode`. Centroid, median and Ward are the Euclidean forms on unsquared distances. One
 * function with a switch rather than a function per method: the agglomeration loops call it n^2
 * times, and V8 inlines a call site that has seen one function but not one that has seen several
 * (a process clustering with two methods), which ran 30% slower; the switch's branch is always
 * predicted.
 */
export function lanceWilliams(method: UpdateCode, dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number): number {
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
    case 6: {
      const t = 1 / (nx + ny + ni);
      return root((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
    }
  }
}
