/** Matrix decompositions for dimensionality reduction, after scikit-learn's `decomposition`. */
export { PCA } from "./pca.js";
export type { PCAOptions, PCASolver } from "./pca.js";
export { TruncatedSVD } from "./truncated-svd.js";
export type { TruncatedSVDOptions, TruncatedSVDAlgorithm } from "./truncated-svd.js";
