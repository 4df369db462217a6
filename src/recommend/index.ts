/** Rating prediction: the notes' mean-filled truncated SVD and biased matrix factorisation. */
export { ratingsFromTriples, subsetRatings, globalMean } from "./ratings.js";
export type { Ratings, RatingTriple, RatingPredictor } from "./ratings.js";
export { SVDRecommender } from "./svd-recommender.js";
export type { SVDRecommenderOptions } from "./svd-recommender.js";
export { BiasedMF } from "./factor-model.js";
export type { BiasedMFOptions, FactorAlgorithm } from "./factor-model.js";
export { trainTestSplit } from "./split.js";
export type { SplitOptions } from "./split.js";
export { rmse, mae, evaluate } from "./metrics.js";
