/**
 * Clustering, after scikit-learn and SciPy: k-means (Lloyd, Elkan, mini-batch) with k-means++
 * seeding, fuzzy c-means, hierarchical agglomerative clustering with SciPy's linkage matrices,
 * flat cuts and dendrograms, and the silhouette / elbow diagnostics.
 */
export { KMeans } from "./kmeans.js";
export type { KMeansOptions, KMeansInit, KMeansAlgorithm } from "./kmeans.js";
export { MiniBatchKMeans } from "./minibatch-kmeans.js";
export type { MiniBatchKMeansOptions } from "./minibatch-kmeans.js";
export { FuzzyCMeans } from "./fuzzy-cmeans.js";
export type { FuzzyCMeansOptions } from "./fuzzy-cmeans.js";
export { Agglomerative } from "./agglomerative.js";
export type { AgglomerativeOptions } from "./agglomerative.js";
export { linkage, LINKAGE_METHODS, pdist } from "./linkage/index.js";
export type { LinkageMethod } from "./linkage/index.js";
export { fcluster, flatClusters } from "./fcluster.js";
export type { FclusterCriterion, FlatClusters, LinkageLike } from "./fcluster.js";
export { dendrogram, dendrogramSvg } from "./dendrogram.js";
export type { DendrogramData, DendrogramOptions, DendrogramSvgOptions } from "./dendrogram.js";
export { silhouetteSamples, silhouetteScore, elbowCurve } from "./metrics.js";
export type { LabelsLike, SilhouetteOptions, ElbowOptions, ElbowPoint, ElbowResult } from "./metrics.js";
export type { MatrixLike } from "./matrix.js";
