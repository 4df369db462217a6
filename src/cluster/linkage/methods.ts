/** The linkage criteria of SciPy's `linkage` (and of Müllner's fastcluster). */
export type LinkageMethod = "single" | "complete" | "average" | "weighted" | "centroid" | "median" | "ward";

export const LINKAGE_METHODS: readonly LinkageMethod[] = ["single", "complete", "average", "weighted", "centroid", "median", "ward"];

/**
 * Distance from cluster i to the union of clusters x and y, from d(x,i), d(y,i), d(x,y) and the
 * cluster sizes: the Lance-Williams recurrences (Lance & Williams 1967; Müllner 2011, table 1),
 * written in SciPy's evaluation order so results agree to the last bit. Centroid, median and
 * Ward are the Euclidean forms on unsquared distances.
 */
export type DistanceUpdate = (dxi: number, dyi: number, dxy: number, nx: number, ny: number, ni: number) => number;

/** Rounding can take a squared centroid distance a hair below 0 (coincident centroids); clamp it. */
const root = (v: number) => Math.sqrt(v > 0 ? v : 0);

export const DISTANCE_UPDATES: Record<LinkageMethod, DistanceUpdate> = {
  // Math.min/max compile to branch-free instructions; a ternary mispredicts on random distances.
  single: (dxi, dyi) => Math.min(dxi, dyi),
  complete: (dxi, dyi) => Math.max(dxi, dyi),
  average: (dxi, dyi, _dxy, nx, ny) => (nx * dxi + ny * dyi) / (nx + ny),
  weighted: (dxi, dyi) => 0.5 * (dxi + dyi),
  centroid: (dxi, dyi, dxy, nx, ny) => root((nx * dxi * dxi + ny * dyi * dyi - (nx * ny * dxy * dxy) / (nx + ny)) / (nx + ny)),
  median: (dxi, dyi, dxy) => root(0.5 * (dxi * dxi + dyi * dyi) - 0.25 * dxy * dxy),
  ward: (dxi, dyi, dxy, nx, ny, ni) => {
    const t = 1 / (nx + ny + ni);
    return root((ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy);
  },
};
