import type { Tensor } from "../tensor/tensor.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { checkFeatures, checkInteger, checkNumber, fitGenerator, matrixTensor, notFitted, toMatrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";
import { initialCenters } from "./kmeans.js";

export interface FuzzyCMeansOptions {
  nClusters: number;
  /** Fuzzifier m > 1 (default 2): near 1 the partition is almost hard, larger values blur it. */
  m?: number;
  maxIter?: number;
  /** Stop when no membership changes by more than tol between iterations (default 1e-5). */
  tol?: number;
  /** "random" (default): random memberships, each row summing to 1; or initial centers [nClusters, features]. */
  init?: "random" | MatrixLike;
  seed?: number;
}

interface Fitted {
  membership: Float64Array;
  centers: Float64Array;
  fpc: number;
  objective: number;
  nIter: number;
  features: number;
}

/**
 * Fuzzy c-means (Dunn 1973; Bezdek 1981; Bezdek, Ehrlich & Full, "FCM: the fuzzy c-means clustering
 * algorithm", 1984): soft clustering minimising J_m = sum_ij u_ij^m ||x_i - c_j||^2 with each
 * sample's memberships summing to 1. Alternates c_j = sum_i u_ij^m x_i / sum_i u_ij^m and
 * u_ij = 1 / sum_l (d_ij / d_il)^(2 / (m - 1)), the loop of scikit-fuzzy's `cmeans`.
 * Learned state: `membership` (float64 [n, nClusters]), `centers`, `fpc` (Bezdek's fuzzy partition
 * coefficient, sum u^2 / n: 1 for a hard partition, 1/c for the fuzziest), `objective` (J_m),
 * `labels` (the cluster of highest membership), `nIter`.
 */
export class FuzzyCMeans {
  readonly nClusters: number;
  readonly m: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly init: "random" | MatrixLike;
  readonly seed: number | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: FuzzyCMeansOptions) {
    this.nClusters = opts.nClusters;
    this.m = opts.m ?? 2;
    this.maxIter = opts.maxIter ?? 300;
    this.tol = opts.tol ?? 1e-5;
    this.init = opts.init ?? "random";
    this.seed = opts.seed;
  }

  fit(X: MatrixLike): this {
    const who = "FuzzyCMeans";
    const c = checkInteger(this.nClusters, "nClusters", who, 1);
    const m = checkNumber(this.m, "m", who, 1, true);
    const maxIter = checkInteger(this.maxIter, "maxIter", who, 1);
    const tol = checkNumber(this.tol, "tol", who, 0);
    const data = toMatrix(X, who);
    if (data.rows < c) throw new RangeError(`${who}: nClusters=${c} is larger than the number of samples (${data.rows})`);
    let u: Float64Array;
    if (this.init === "random") {
      u = randomMemberships(data.rows, c, fitGenerator(this.seed, who));
    } else if (typeof this.init === "string") {
      throw new RangeError(`${who}: init must be "random" or initial centers, got ${JSON.stringify(this.init)}`);
    } else {
      u = memberships(data, initialCenters(this.init, c, data.cols, who), c, m);
    }
    let centers: Float64Array = new Float64Array(c * data.cols);
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      centers = weightedCenters(data, u, c, m);
      const next = memberships(data, centers, c, m);
      let change = 0;
      for (let i = 0; i < u.length; i++) change = Math.max(change, Math.abs(next[i] - u[i]));
      u = next;
      if (change < tol) break;
    }
    this.fitted = { membership: u, centers, fpc: partitionCoefficient(u, data.rows), objective: objective(data, u, centers, c, m), nIter, features: data.cols };
    return this;
  }

  /** Membership of each training sample in each cluster, float64 [n, nClusters]; rows sum to 1. */
  get membership(): Tensor {
    const s = this.state("membership");
    return matrixTensor(s.membership.slice(), s.membership.length / this.nClusters, this.nClusters);
  }
  /** Cluster centers, float64 [nClusters, features]. */
  get centers(): Tensor {
    const s = this.state("centers");
    return matrixTensor(s.centers.slice(), this.nClusters, s.features);
  }
  /** Fuzzy partition coefficient (Bezdek): mean over samples of sum_j u_ij^2, in [1/c, 1]. */
  get fpc(): number {
    return this.state("fpc").fpc;
  }
  /** The objective J_m at the returned memberships and centers. */
  get objective(): number {
    return this.state("objective").objective;
  }
  get nIter(): number {
    return this.state("nIter").nIter;
  }
  /** Cluster of highest membership of each training sample. */
  get labels(): Int32Array {
    return argmaxRows(this.state("labels").membership, this.nClusters);
  }

  /** Memberships of new samples under the fitted centers, float64 [samples, nClusters]. */
  predictMembership(X: MatrixLike): Tensor {
    const s = this.state("predictMembership");
    const data = this.input(X, s, "predictMembership");
    return matrixTensor(memberships(data, s.centers, this.nClusters, this.m), data.rows, this.nClusters);
  }

  /** Cluster of highest membership of each new sample. */
  predict(X: MatrixLike): Int32Array {
    const s = this.state("predict");
    const data = this.input(X, s, "predict");
    return argmaxRows(memberships(data, s.centers, this.nClusters, this.m), this.nClusters);
  }

  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).labels;
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw notFitted("FuzzyCMeans", what);
    return this.fitted;
  }

  private input(X: MatrixLike, s: Fitted, op: string): Matrix {
    const data = toMatrix(X, `FuzzyCMeans.${op}`);
    checkFeatures(data, s.features, `FuzzyCMeans.${op}`);
    return data;
  }
}

function randomMemberships(n: number, c: number, rng: { uniform(): number }): Float64Array {
  const u = new Float64Array(n * c);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let j = 0; j < c; j++) total += u[i * c + j] = rng.uniform();
    for (let j = 0; j < c; j++) u[i * c + j] /= total;
  }
  return u;
}

function weightedCenters(X: Matrix, u: Float64Array, c: number, m: number): Float64Array {
  const { data, rows, cols: d } = X;
  const centers = new Float64Array(c * d);
  const weights = new Float64Array(c);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c; j++) {
      const w = u[i * c + j] ** m;
      weights[j] += w;
      for (let t = 0; t < d; t++) centers[j * d + t] += w * data[i * d + t];
    }
  }
  for (let j = 0; j < c; j++) for (let t = 0; t < d; t++) centers[j * d + t] /= weights[j];
  return centers;
}

/**
 * u_ij = 1 / sum_l (d_ij^2 / d_il^2)^(1/(m-1)), evaluated as ratios to the row's smallest
 * distance so that no power overflows for m near 1. A sample on a center belongs to it fully
 * (shared equally among coincident centers): the limit of the formula.
 */
function memberships(X: Matrix, centers: Float64Array, c: number, m: number): Float64Array {
  const { data, rows, cols: d } = X;
  const u = new Float64Array(rows * c);
  const dist = new Float64Array(c);
  const exponent = 1 / (m - 1);
  for (let i = 0; i < rows; i++) {
    let nearest = Infinity;
    for (let j = 0; j < c; j++) {
      dist[j] = squaredEuclidean(data, i * d, centers, j * d, d);
      nearest = Math.min(nearest, dist[j]);
    }
    let total = 0;
    for (let j = 0; j < c; j++) {
      const w = nearest === 0 ? (dist[j] === 0 ? 1 : 0) : (nearest / dist[j]) ** exponent;
      u[i * c + j] = w;
      total += w;
    }
    for (let j = 0; j < c; j++) u[i * c + j] /= total;
  }
  return u;
}

function partitionCoefficient(u: Float64Array, n: number): number {
  let s = 0;
  for (const v of u) s += v * v;
  return s / n;
}

function objective(X: Matrix, u: Float64Array, centers: Float64Array, c: number, m: number): number {
  const { data, rows, cols: d } = X;
  let total = 0;
  for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) total += u[i * c + j] ** m * squaredEuclidean(data, i * d, centers, j * d, d);
  return total;
}

function argmaxRows(u: Float64Array, c: number): Int32Array {
  const out = new Int32Array(u.length / c);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (u[i * c + j] > u[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}
