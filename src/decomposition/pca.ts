import type { Tensor } from "../tensor/tensor.js";
import { gemm, view, viewT } from "../linalg/gemm.js";
import { toMatrix, toTensor } from "../linalg/matrix.js";
import type { Matrix, MatrixLike } from "../linalg/matrix.js";
import { svdKernel } from "../linalg/svd.js";
import { symmetricEigen } from "../linalg/eigh.js";
import { columnSigns, denseOperator, randomizedSvdKernel } from "../linalg/randomized.js";
import { backProject, checkFeatures, columnMeans, columnMoments, notFitted, project, subtractRowVector, sumOfSquares } from "./common.js";

export type PCASolver = "auto" | "full" | "randomized" | "covariance";

export interface PCAOptions {
  /**
   * Components to keep: an integer in [1, min(samples, features)], or a fraction in (0, 1) meaning
   * "as many as explain this share of the variance" (full and covariance solvers). Default: all.
   */
  nComponents?: number;
  /** Z-score every feature first (population std, as StandardScaler): PCA of the correlation matrix. */
  standardize?: boolean;
  /** Scale the scores to unit variance (divide by the square roots of the explained variances). */
  whiten?: boolean;
  /**
   * "full": SVD of the centered data (exact, the reference); "covariance": eigendecomposition of
   * X^T X (one GEMM, fastest when samples >> features; squares the condition number);
   * "randomized": Halko et al.'s randomized SVD; "auto" (default) picks as scikit-learn 1.5 does.
   */
  solver?: PCASolver;
  /** Randomized solver: extra random directions (default 10). */
  nOversamples?: number;
  /** Randomized solver: power iterations, "auto" (default) = 7 for few components, else 4. */
  nIter?: number | "auto";
  /** Randomized solver: seed of the random test matrix. */
  seed?: number;
}

interface Fitted {
  components: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  singularValues: Float64Array;
  mean: Float64Array;
  scale: Float64Array | null;
  noiseVariance: number;
  k: number;
  features: number;
  samples: number;
  solver: Exclude<PCASolver, "auto">;
}

const SOLVERS: readonly PCASolver[] = ["auto", "full", "randomized", "covariance"];

/**
 * Principal component analysis, scikit-learn's `PCA`: the data are centered (and, with
 * `standardize`, scaled to unit variance, which makes it the PCA of the correlation matrix) and the
 * principal axes are the right singular vectors of the result, or equivalently the eigenvectors of
 * its covariance matrix. Signs follow scikit-learn's svd_flip (the largest-magnitude score of each
 * component is positive), so components match scikit-learn's. Everything is computed in float64.
 *
 * Learned state (available after `fit`): `components` [k, features], `explainedVariance`,
 * `explainedVarianceRatio`, `singularValues`, `mean`, `scale` (standardize only), `noiseVariance`,
 * `nComponentsFitted`, `solverUsed`.
 */
export class PCA {
  readonly nComponents: number | undefined;
  readonly standardize: boolean;
  readonly whiten: boolean;
  readonly solver: PCASolver;
  readonly nOversamples: number;
  readonly nIter: number | "auto";
  readonly seed: number | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: PCAOptions = {}) {
    this.nComponents = opts.nComponents;
    this.standardize = opts.standardize ?? false;
    this.whiten = opts.whiten ?? false;
    this.solver = opts.solver ?? "auto";
    this.nOversamples = opts.nOversamples ?? 10;
    this.nIter = opts.nIter ?? "auto";
    this.seed = opts.seed;
  }

  fit(X: MatrixLike): this {
    const who = "PCA.fit";
    if (!SOLVERS.includes(this.solver)) throw new RangeError(`PCA: solver must be one of ${SOLVERS.map((s) => `"${s}"`).join(", ")}, got ${JSON.stringify(this.solver)}`);
    const x = toMatrix(X, who, "X");
    const { rows: n, cols: p } = x;
    if (n < 2 || p < 1) throw new RangeError(`${who}: X needs at least 2 samples and 1 feature, got shape [${n}, ${p}]`);
    const full = Math.min(n, p);
    const requested = this.checkComponents(full);
    let mean: Float64Array;
    let scale: Float64Array | null = null;
    if (this.standardize) {
      const moments = columnMoments(x);
      mean = moments.mean;
      // StandardScaler leaves constant features unscaled (scale 1) instead of dividing by zero.
      scale = moments.variance.map((v) => (v > 0 ? Math.sqrt(v) : 1));
      center(x, mean, scale);
    } else {
      // Plain PCA needs no variances: the mean and the centering run as GEMM passes.
      mean = columnMeans(x);
      subtractRowVector(x, mean);
    }
    const totalVariance = sumOfSquares(x.data) / (n - 1);
    const solver = this.solver === "auto" ? autoSolver(n, p, requested) : this.solver;
    if (solver === "randomized" && !Number.isInteger(requested)) {
      throw new RangeError(`PCA: a fractional nComponents (${requested}) needs the full spectrum: use solver "full" or "covariance", not "randomized"`);
    }
    let spectrum: { s: Float64Array; vt: Float64Array; flipped: boolean };
    if (solver === "randomized") {
      const r = randomizedSvdKernel(denseOperator(x.data, n, p), requested, { nOversamples: this.nOversamples, nIter: this.nIter, seed: this.seed });
      spectrum = { s: r.s, vt: r.vt, flipped: true };
    } else if (solver === "covariance") {
      spectrum = covarianceSpectrum(x, full);
    } else {
      const r = svdKernel(x.data.slice(), n, p, { u: false, v: true });
      spectrum = { s: r.s, vt: r.vt!, flipped: false };
    }
    const explainedAll = spectrum.s.map((s) => (s * s) / (n - 1));
    const ratioAll = explainedAll.map((v) => (totalVariance > 0 ? v / totalVariance : 0));
    const k = Number.isInteger(requested) ? requested : componentsForFraction(ratioAll, requested);
    const components = spectrum.vt.slice(0, k * p);
    if (!spectrum.flipped) flipBySigns(x, components, k);
    const explainedVariance = explainedAll.slice(0, k);
    let noiseVariance = 0;
    if (k < full) {
      // Probabilistic PCA's maximum-likelihood noise (Tipping & Bishop 1999, eq. 15): the mean of
      // the discarded variances; the randomized solver only knows their sum.
      const kept = explainedVariance.reduce((a, b) => a + b, 0);
      noiseVariance = solver === "randomized" ? (totalVariance - kept) / (full - k) : explainedAll.slice(k).reduce((a, b) => a + b, 0) / (full - k);
    }
    this.fitted = {
      components, explainedVariance, explainedVarianceRatio: ratioAll.slice(0, k), singularValues: spectrum.s.slice(0, k),
      mean, scale, noiseVariance, k, features: p, samples: n, solver,
    };
    return this;
  }

  /** Scores of X on the principal axes, float64 [samples, k] (unit variance per column with `whiten`). */
  transform(X: MatrixLike): Tensor {
    const s = this.state("transform");
    const x = toMatrix(X, "PCA.transform", "X");
    checkFeatures(x, s.features, "PCA.transform");
    center(x, s.mean, s.scale);
    const scores = project(x.data, x.rows, x.cols, s.components, s.k);
    if (this.whiten) {
      const inv = s.explainedVariance.map((v) => (v > 0 ? 1 / Math.sqrt(v) : 0));
      for (let i = 0; i < scores.length; i++) scores[i] *= inv[i % s.k];
    }
    return toTensor(scores, [x.rows, s.k]);
  }

  fitTransform(X: MatrixLike): Tensor {
    return this.fit(X).transform(X);
  }

  /** Maps scores [samples, k] back to feature space, float64 [samples, features]. */
  inverseTransform(Y: MatrixLike): Tensor {
    const s = this.state("inverseTransform");
    const y = toMatrix(Y, "PCA.inverseTransform", "Y");
    if (y.cols !== s.k) throw new RangeError(`PCA.inverseTransform: Y has ${y.cols} columns, expected ${s.k} (one per component)`);
    if (this.whiten) {
      const sd = s.explainedVariance.map(Math.sqrt);
      for (let i = 0; i < y.data.length; i++) y.data[i] *= sd[i % s.k];
    }
    const out = backProject(y.data, y.rows, s.k, s.components, s.features);
    const p = s.features;
    for (let i = 0; i < out.length; i++) {
      const j = i % p;
      out[i] = out[i] * (s.scale ? s.scale[j] : 1) + s.mean[j];
    }
    return toTensor(out, [y.rows, p]);
  }

  /** Principal axes, float64 [k, features], in order of decreasing explained variance. */
  get components(): Tensor {
    const s = this.state("components");
    return toTensor(s.components.slice(), [s.k, s.features]);
  }
  /** Variance of the data along each component (eigenvalues of the covariance matrix, ddof = 1). */
  get explainedVariance(): Tensor {
    const s = this.state("explainedVariance");
    return toTensor(s.explainedVariance.slice(), [s.k]);
  }
  /** Share of the total variance along each component. */
  get explainedVarianceRatio(): Tensor {
    const s = this.state("explainedVarianceRatio");
    return toTensor(s.explainedVarianceRatio.slice(), [s.k]);
  }
  /** Singular values of the centered (standardized) data matrix for the kept components. */
  get singularValues(): Tensor {
    const s = this.state("singularValues");
    return toTensor(s.singularValues.slice(), [s.k]);
  }
  /** Per-feature mean of the training data. */
  get mean(): Tensor {
    const s = this.state("mean");
    return toTensor(s.mean.slice(), [s.features]);
  }
  /** Per-feature population standard deviation used by `standardize` (1 for constant features); null otherwise. */
  get scale(): Tensor | null {
    const s = this.state("scale");
    return s.scale ? toTensor(s.scale.slice(), [s.features]) : null;
  }
  /** Probabilistic-PCA noise variance: the mean variance of the discarded directions (0 when none are). */
  get noiseVariance(): number {
    return this.state("noiseVariance").noiseVariance;
  }
  /** Number of components kept (resolves a fractional nComponents). */
  get nComponentsFitted(): number {
    return this.state("nComponentsFitted").k;
  }
  /** The solver "auto" resolved to, or the one given. */
  get solverUsed(): Exclude<PCASolver, "auto"> {
    return this.state("solverUsed").solver;
  }

  private checkComponents(full: number): number {
    const c = this.nComponents ?? full;
    const fraction = c > 0 && c < 1;
    if (typeof c !== "number" || !(fraction || (Number.isInteger(c) && c >= 1 && c <= full))) {
      throw new RangeError(`PCA: nComponents must be an integer in [1, ${full}] (min(samples, features)) or a fraction in (0, 1), got ${String(this.nComponents)}`);
    }
    return c;
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw notFitted("PCA", what);
    return this.fitted;
  }
}

/** Subtracts the column means (and divides by the scales) in place. */
function center(x: Matrix, mean: Float64Array, scale: Float64Array | null): void {
  const { rows, cols, data } = x;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j] - mean[j];
      data[i * cols + j] = scale ? v / scale[j] : v;
    }
  }
}

/** scikit-learn 1.5's "auto": covariance for tall data with few features, randomized for large data and few components. */
function autoSolver(n: number, p: number, requested: number): Exclude<PCASolver, "auto"> {
  if (p <= 1000 && n >= 10 * p) return "covariance";
  if (Math.max(n, p) > 500 && Number.isInteger(requested) && requested < 0.8 * Math.min(n, p)) return "randomized";
  return "full";
}

/** Eigendecomposition of Xc^T Xc (one symmetric GEMM), turned into singular values and right vectors, descending. */
function covarianceSpectrum(x: Matrix, full: number): { s: Float64Array; vt: Float64Array; flipped: boolean } {
  const { rows: n, cols: p, data } = x;
  const gram = new Float64Array(p * p);
  gemm(p, p, n, 1, viewT(data, p), view(data, p), 0, gram, 0, p, true);
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) gram[i * p + j] = gram[j * p + i];
  const { values, vectors } = symmetricEigen(gram, p, true);
  const s = new Float64Array(full);
  const vt = new Float64Array(full * p);
  for (let c = 0; c < full; c++) {
    const src = p - 1 - c;
    // Rounding can leave eigenvalues of a semidefinite matrix slightly negative: clamp them.
    s[c] = Math.sqrt(Math.max(values[src], 0));
    for (let j = 0; j < p; j++) vt[c * p + j] = vectors![j * p + src];
  }
  return { s, vt, flipped: false };
}

/** scikit-learn's rule: the smallest k whose cumulative ratio exceeds the fraction (searchsorted, side="right"). */
function componentsForFraction(ratio: Float64Array, fraction: number): number {
  let cumulative = 0;
  for (let k = 0; k < ratio.length; k++) {
    cumulative += ratio[k];
    if (cumulative > fraction) return k + 1;
  }
  return ratio.length;
}

/** svd_flip on U's columns without forming U: U's column j is proportional to Xc v_j. */
function flipBySigns(x: Matrix, components: Float64Array, k: number): void {
  const p = x.cols;
  const signs = columnSigns(project(x.data, x.rows, p, components, k), x.rows, k);
  for (let c = 0; c < k; c++) {
    if (signs[c] > 0) continue;
    for (let j = 0; j < p; j++) components[c * p + j] = -components[c * p + j];
  }
}
