import type { MatrixLike } from "./matrix.js";
import { checkChoice, checkInteger, checkNumber, fitGenerator, toMatrix } from "./matrix.js";
import { rowSquaredNorms } from "./distance.js";
import type { KMeansRun } from "./kmeans-common.js";
import { columnMeans, isSameClustering, shiftRows, tolerance } from "./kmeans-common.js";
import { kmeansPlusPlus, randomInit } from "./kmeans-init.js";
import { lloyd } from "./lloyd.js";
import { elkan } from "./elkan.js";
import { CentroidModel } from "./centroid-model.js";

export type KMeansInit = "k-means++" | "random" | MatrixLike;
export type KMeansAlgorithm = "lloyd" | "elkan";

export interface KMeansOptions {
  nClusters: number;
  /** "k-means++" (default), "random", or explicit initial centers [nClusters, features]. */
  init?: KMeansInit;
  /** Number of initialisations, the best (lowest inertia) kept; "auto" (default): 1 for k-means++ or explicit centers, 10 for "random". */
  nInit?: number | "auto";
  maxIter?: number;
  /** Relative tolerance: a run stops when the summed squared center shift is <= tol * mean feature variance. */
  tol?: number;
  /** "elkan" (default) or "lloyd"; both reach the same result, Elkan skipping most distance computations. */
  algorithm?: KMeansAlgorithm;
  seed?: number;
}

const ALGORITHMS: readonly KMeansAlgorithm[] = ["lloyd", "elkan"];

/**
 * k-means clustering, scikit-learn's `KMeans`: X is centered for accuracy, each run starts from
 * k-means++ (or random samples, or given centers) and iterates Lloyd or Elkan steps until the
 * labels repeat or the center shift falls below the scaled tolerance; the best of `nInit` runs
 * is kept. Learned state: `labels` (Int32Array, one cluster index per sample), `clusterCenters`
 * (float64 Tensor [nClusters, features]), `inertia`, `nIter`.
 *
 * The default algorithm is Elkan, unlike scikit-learn's Lloyd: both give the same iterates, and
 * without a BLAS the triangle-inequality bounds are the faster way to them.
 */
export class KMeans extends CentroidModel {
  readonly init: KMeansInit;
  readonly nInit: number | "auto";
  readonly maxIter: number;
  readonly tol: number;
  readonly algorithm: KMeansAlgorithm;
  readonly seed: number | undefined;

  constructor(opts: KMeansOptions) {
    super(opts.nClusters, "KMeans");
    this.init = opts.init ?? "k-means++";
    this.nInit = opts.nInit ?? "auto";
    this.maxIter = opts.maxIter ?? 300;
    this.tol = opts.tol ?? 1e-4;
    this.algorithm = opts.algorithm ?? "elkan";
    this.seed = opts.seed;
  }

  fit(X: MatrixLike): this {
    const who = "KMeans";
    const k = checkInteger(this.nClusters, "nClusters", who, 1);
    const maxIter = checkInteger(this.maxIter, "maxIter", who, 1);
    const tol = checkNumber(this.tol, "tol", who, 0);
    const algorithm = checkChoice(this.algorithm, "algorithm", who, ALGORITHMS);
    const m = toMatrix(X, who);
    if (m.rows < k) throw new RangeError(`${who}: nClusters=${k} is larger than the number of samples (${m.rows})`);
    const explicit = typeof this.init === "string" ? null : initialCenters(this.init, k, m.cols);
    if (typeof this.init === "string") checkChoice(this.init, "init", who, ["k-means++", "random"]);
    const nInit = this.nInit === "auto" ? (this.init === "random" ? 10 : 1) : checkInteger(this.nInit, "nInit", who, 1);
    const runs = explicit ? 1 : nInit;

    const absoluteTol = tolerance(m, tol);
    // Centering X (and explicit centers) keeps ||x||^2 - 2 x.c + ||c||^2 accurate, as scikit-learn does.
    const mean = columnMeans(m);
    shiftRows(m.data, m.cols, mean, -1);
    if (explicit) shiftRows(explicit, m.cols, mean, -1);
    const xNorms = rowSquaredNorms(m);
    const rng = fitGenerator(this.seed, who);
    // Elkan's bounds need a second center; scikit-learn also falls back to Lloyd for k = 1.
    const run = algorithm === "elkan" && k > 1 ? elkan : lloyd;
    let best: KMeansRun | null = null;
    for (let r = 0; r < runs; r++) {
      const start = explicit ?? (this.init === "random" ? randomInit(m, k, rng) : kmeansPlusPlus(m, xNorms, k, rng).centers);
      const result = run(m, start, k, { maxIter, tol: absoluteTol });
      // A lower inertia for the same partition is rounding noise; keep the first such run.
      if (best === null || (result.inertia < best.inertia && !isSameClustering(result.labels, best.labels, k))) best = result;
    }
    const chosen = best as KMeansRun;
    shiftRows(chosen.centers, m.cols, mean, 1);
    this.fitted = { labels: chosen.labels, centers: chosen.centers, inertia: chosen.inertia, nIter: chosen.nIter, features: m.cols };
    return this;
  }
}

/** Validates explicit initial centers and copies them. */
export function initialCenters(init: MatrixLike, k: number, features: number, who = "KMeans"): Float64Array {
  const c = toMatrix(init, who, "init");
  if (c.rows !== k || c.cols !== features) {
    throw new RangeError(`${who}: init must have shape [${k}, ${features}] (nClusters x features), got [${c.rows}, ${c.cols}]`);
  }
  return c.data;
}
