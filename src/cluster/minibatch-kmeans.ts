import type { Generator } from "../random/generator.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { checkChoice, checkInteger, checkNumber, fitGenerator, toMatrix } from "./matrix.js";
import { rowSquaredNorms } from "./distance.js";
import { inertia, tolerance } from "./kmeans-common.js";
import { kmeansPlusPlus, randomInit, sampleWithoutReplacement, takeRows } from "./kmeans-init.js";
import { assignNearest } from "./lloyd.js";
import type { KMeansInit } from "./kmeans.js";
import { initialCenters } from "./kmeans.js";
import { CentroidModel } from "./centroid-model.js";

export interface MiniBatchKMeansOptions {
  nClusters: number;
  init?: KMeansInit;
  /** Samples per step (default 1024, at most n). */
  batchSize?: number;
  /** Passes over the data, in samples: the fit takes at most maxIter * n / batchSize steps (default 100). */
  maxIter?: number;
  /** Stop after this many steps without improvement of the smoothed batch inertia (default 10). */
  maxNoImprovement?: number;
  /** Stop when the summed squared center change is <= tol * mean feature variance; 0 (default) disables it. */
  tol?: number;
  /** Centers whose count falls below this fraction of the largest are moved to random samples (default 0.01). */
  reassignmentRatio?: number;
  /** Samples used to choose the initial centers (default 3 * batchSize, at least 3 * nClusters). */
  initSize?: number;
  /** Initialisations tried on the init sample; "auto" (default): 1 for k-means++, 3 otherwise. */
  nInit?: number | "auto";
  seed?: number;
}

/**
 * Mini-batch k-means (Sculley, "Web-scale k-means clustering", WWW 2010), as scikit-learn's
 * `MiniBatchKMeans`: each step assigns a random batch to the nearest centers and moves every center
 * towards its batch mean with a per-center learning rate 1 / (samples it has seen); rarely-hit
 * centers are reassigned to random batch samples, and the fit stops when the exponentially
 * averaged batch inertia stops improving. Labels and inertia are then computed on all of X.
 */
export class MiniBatchKMeans extends CentroidModel {
  readonly init: KMeansInit;
  readonly batchSize: number;
  readonly maxIter: number;
  readonly maxNoImprovement: number;
  readonly tol: number;
  readonly reassignmentRatio: number;
  readonly initSize: number | undefined;
  readonly nInit: number | "auto";
  readonly seed: number | undefined;
  private steps = 0;

  constructor(opts: MiniBatchKMeansOptions) {
    super(opts.nClusters, "MiniBatchKMeans");
    this.init = opts.init ?? "k-means++";
    this.batchSize = opts.batchSize ?? 1024;
    this.maxIter = opts.maxIter ?? 100;
    this.maxNoImprovement = opts.maxNoImprovement ?? 10;
    this.tol = opts.tol ?? 0;
    this.reassignmentRatio = opts.reassignmentRatio ?? 0.01;
    this.initSize = opts.initSize;
    this.nInit = opts.nInit ?? "auto";
    this.seed = opts.seed;
  }

  /** Mini-batch steps the fit took. */
  get nSteps(): number {
    this.state("nSteps");
    return this.steps;
  }

  fit(X: MatrixLike): this {
    const who = "MiniBatchKMeans";
    const k = checkInteger(this.nClusters, "nClusters", who, 1);
    const maxIter = checkInteger(this.maxIter, "maxIter", who, 1);
    const maxNoImprovement = checkInteger(this.maxNoImprovement, "maxNoImprovement", who, 1);
    const ratio = checkNumber(this.reassignmentRatio, "reassignmentRatio", who, 0);
    const m = toMatrix(X, who);
    const n = m.rows;
    if (n < k) throw new RangeError(`${who}: nClusters=${k} is larger than the number of samples (${n})`);
    const batch = Math.min(checkInteger(this.batchSize, "batchSize", who, 1), n);
    const initSize = Math.min(this.initSize === undefined ? Math.max(3 * batch, 3 * k) : checkInteger(this.initSize, "initSize", who, k), n);
    const tol = tolerance(m, checkNumber(this.tol, "tol", who, 0));
    const explicit = typeof this.init === "string" ? null : initialCenters(this.init, k, m.cols, who);
    if (typeof this.init === "string") checkChoice(this.init, "init", who, ["k-means++", "random"]);
    const nInit = explicit ? 1 : this.nInit === "auto" ? (this.init === "random" ? 3 : 1) : checkInteger(this.nInit, "nInit", who, 1);
    const rng = fitGenerator(this.seed, who);

    // Initial centers: the best of nInit seedings of a random sample, judged on another sample.
    const validation = subset(m, randomIndices(n, initSize, rng));
    let centers: Float64Array = new Float64Array(0);
    let best = Infinity;
    for (let r = 0; r < nInit; r++) {
      const candidate = explicit ?? seed(m, initSize, k, this.init === "random", rng);
      const labels = new Int32Array(validation.rows);
      assignNearest(validation, candidate, k, labels);
      const score = inertia(validation, candidate, labels);
      if (score < best) {
        best = score;
        centers = candidate;
      }
    }

    const counts = new Float64Array(k);
    const d = m.cols;
    const totalSteps = Math.floor((maxIter * n) / batch);
    let ewa: number | null = null;
    let ewaMin = Infinity;
    let stale = 0;
    let sinceReassign = 0;
    let step = 0;
    while (step < totalSteps) {
      step++;
      const batchX = subset(m, randomIndices(n, batch, rng));
      sinceReassign += batch;
      // scikit-learn reassigns after every 10 * k samples seen, and whenever a center has none.
      const reassign = counts.some((c) => c === 0) || sinceReassign >= 10 * k;
      if (reassign) sinceReassign = 0;
      const previous = centers.slice();
      const batchInertia = miniBatchStep(batchX, centers, counts, reassign ? ratio : 0, rng) / batch;
      if (step === 1) continue;
      const alpha = Math.min(1, (batch * 2) / (n + 1));
      ewa = ewa === null ? batchInertia : ewa * (1 - alpha) + batchInertia * alpha;
      if (tol > 0) {
        let moved = 0;
        for (let i = 0; i < k * d; i++) moved += (centers[i] - previous[i]) ** 2;
        if (moved <= tol) break;
      }
      if (ewa < ewaMin) {
        ewaMin = ewa;
        stale = 0;
      } else if (++stale >= maxNoImprovement) {
        break;
      }
    }
    const labels = new Int32Array(n);
    assignNearest(m, centers, k, labels);
    this.steps = step;
    this.fitted = { labels, centers, inertia: inertia(m, centers, labels), nIter: Math.ceil((step * batch) / n), features: d };
    return this;
  }
}

function randomIndices(n: number, count: number, rng: Generator): Int32Array {
  return Int32Array.from({ length: count }, () => rng.integer(0, n));
}

function subset(m: Matrix, rows: Int32Array): Matrix {
  return { data: takeRows(m, rows), rows: rows.length, cols: m.cols };
}

/** Initial centers chosen on a random sample of the data (with replacement, as scikit-learn). */
function seed(m: Matrix, size: number, k: number, random: boolean, rng: Generator): Float64Array {
  const sample = subset(m, randomIndices(m.rows, size, rng));
  return random ? randomInit(sample, k, rng) : kmeansPlusPlus(sample, rowSquaredNorms(sample), k, rng).centers;
}

/**
 * One step on a batch: assign, move each hit center to the running mean of everything it has been
 * assigned (its count grows by the batch's share), then optionally reassign rarely-hit centers.
 * Returns the batch inertia before the update.
 */
function miniBatchStep(batchX: Matrix, centers: Float64Array, counts: Float64Array, ratio: number, rng: Generator): number {
  const { data, rows, cols: d } = batchX;
  const k = counts.length;
  const labels = new Int32Array(rows);
  assignNearest(batchX, centers, k, labels);
  const batchInertia = inertia(batchX, centers, labels);
  const sums = new Float64Array(k * d);
  const hits = new Float64Array(k);
  for (let i = 0; i < rows; i++) {
    hits[labels[i]]++;
    for (let t = 0; t < d; t++) sums[labels[i] * d + t] += data[i * d + t];
  }
  for (let j = 0; j < k; j++) {
    if (hits[j] === 0) continue;
    const total = counts[j] + hits[j];
    for (let t = 0; t < d; t++) centers[j * d + t] = (centers[j * d + t] * counts[j] + sums[j * d + t]) / total;
    counts[j] = total;
  }
  if (ratio > 0) reassignRare(batchX, centers, counts, ratio, rng);
  return batchInertia;
}

/** Moves centers hit less than ratio * the most-hit one onto random batch samples (at most half a batch). */
function reassignRare(batchX: Matrix, centers: Float64Array, counts: Float64Array, ratio: number, rng: Generator): void {
  const k = counts.length;
  const d = batchX.cols;
  const limit = ratio * Math.max(...counts);
  let rare = Array.from({ length: k }, (_, j) => j).filter((j) => counts[j] < limit);
  const cap = Math.floor(0.5 * batchX.rows);
  if (rare.length > cap) rare = rare.sort((a, b) => counts[a] - counts[b] || a - b).slice(0, cap);
  if (rare.length === 0) return;
  const picks = sampleWithoutReplacement(batchX.rows, rare.length, rng);
  rare.forEach((j, r) => centers.set(batchX.data.subarray(picks[r] * d, picks[r] * d + d), j * d));
  // Reassigned centers start at the smallest remaining count, so they are not moved again at once.
  const keep = counts.filter((_, j) => !rare.includes(j));
  const floor = keep.length > 0 ? Math.min(...keep) : 0;
  for (const j of rare) counts[j] = floor;
}
