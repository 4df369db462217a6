export { KMeans } from "./kmeans.js";
export type { KMeansOptions, KMeansInit, KMeansAlgorithm } from "./kmeans.js";
export { linkage, LINKAGE_METHODS } from "./linkage/index.js";
export type { LinkageMethod } from "./linkage/index.js";
export { pdist } from "./distance.js";
