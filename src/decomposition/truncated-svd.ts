import type { Tensor } from "../tensor/tensor.js";
import { toMatrix, toTensor } from "../linalg/matrix.js";
import type { MatrixLike } from "../linalg/matrix.js";
import { svdKernel } from "../linalg/svd.js";
import { denseOperator, flipSigns, randomizedSvdKernel } from "../linalg/randomized.js";
import { backProject, checkFeatures, columnMoments, notFitted, project } from "./common.js";

export type TruncatedSVDAlgorithm = "randomized" | "full";

export interface TruncatedSVDOptions {
  /** Number of singular triplets to keep (default 2, as scikit-learn). */
  nComponents?: number;
  /** "randomized" (default, Halko et al.) or "full" (exact thin SVD, then truncated). */
  algorithm?: TruncatedSVDAlgorithm;
  /** Randomized: power iterations (default 5, scikit-learn's TruncatedSVD default). */
  nIter?: number;
  /** Randomized: extra random directions (default 10). */
  nOversamples?: number;
  seed?: number;
}

interface Fitted {
  components: Float64Array;
  singularValues: Float64Array;
  explainedVariance: Float64Array;
  explainedVarianceRatio: Float64Array;
  k: number;
  features: number;
}

/**
 * Dimensionality reduction by truncated SVD without centering (latent semantic analysis),
 * scikit-learn's `TruncatedSVD`: X ~ U_k S_k V_k^T, scores X V_k. `explainedVariance` is the
 * (population) variance of each score column and `explainedVarianceRatio` divides it by the total
 * variance of X, exactly as scikit-learn reports them.
 */
export class TruncatedSVD {
  readonly nComponents: number;
  readonly algorithm: TruncatedSVDAlgorithm;
  readonly nIter: number;
  readonly nOversamples: number;
  readonly seed: number | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: TruncatedSVDOptions = {}) {
    this.nComponents = opts.nComponents ?? 2;
    this.algorithm = opts.algorithm ?? "randomized";
    this.nIter = opts.nIter ?? 5;
    this.nOversamples = opts.nOversamples ?? 10;
    this.seed = opts.seed;
  }

  fit(X: MatrixLike): this {
    this.fitTransformParts(X);
    return this;
  }

  fitTransform(X: MatrixLike): Tensor {
    const { scores, rows } = this.fitTransformParts(X);
    return toTensor(scores, [rows, this.nComponents]);
  }

  /** Scores X V_k, float64 [samples, nComponents]. */
  transform(X: MatrixLike): Tensor {
    const s = this.state("transform");
    const x = toMatrix(X, "TruncatedSVD.transform", "X");
    checkFeatures(x, s.features, "TruncatedSVD.transform");
    return toTensor(project(x.data, x.rows, x.cols, s.components, s.k), [x.rows, s.k]);
  }

  /** Y V_k: back to feature space, float64 [samples, features]. */
  inverseTransform(Y: MatrixLike): Tensor {
    const s = this.state("inverseTransform");
    const y = toMatrix(Y, "TruncatedSVD.inverseTransform", "Y");
    if (y.cols !== s.k) throw new RangeError(`TruncatedSVD.inverseTransform: Y has ${y.cols} columns, expected ${s.k}`);
    return toTensor(backProject(y.data, y.rows, s.k, s.components, s.features), [y.rows, s.features]);
  }

  get components(): Tensor {
    const s = this.state("components");
    return toTensor(s.components.slice(), [s.k, s.features]);
  }
  get singularValues(): Tensor {
    const s = this.state("singularValues");
    return toTensor(s.singularValues.slice(), [s.k]);
  }
  get explainedVariance(): Tensor {
    const s = this.state("explainedVariance");
    return toTensor(s.explainedVariance.slice(), [s.k]);
  }
  get explainedVarianceRatio(): Tensor {
    const s = this.state("explainedVarianceRatio");
    return toTensor(s.explainedVarianceRatio.slice(), [s.k]);
  }

  private fitTransformParts(X: MatrixLike): { scores: Float64Array; rows: number } {
    const who = "TruncatedSVD.fit";
    const x = toMatrix(X, who, "X");
    const { rows, cols } = x;
    const k = this.nComponents;
    if (!Number.isInteger(k) || k < 1 || k > Math.min(rows, cols)) {
      throw new RangeError(`TruncatedSVD: nComponents must be an integer in [1, ${Math.min(rows, cols)}] (min(samples, features)), got ${k}`);
    }
    if (this.algorithm !== "randomized" && this.algorithm !== "full") {
      throw new RangeError(`TruncatedSVD: algorithm must be "randomized" or "full", got ${JSON.stringify(this.algorithm)}`);
    }
    let s: Float64Array;
    let vt: Float64Array;
    if (this.algorithm === "randomized") {
      const r = randomizedSvdKernel(denseOperator(x.data, rows, cols), k, { nIter: this.nIter, nOversamples: this.nOversamples, seed: this.seed });
      s = r.s;
      vt = r.vt;
    } else {
      const r = svdKernel(x.data.slice(), rows, cols, { u: true, v: true });
      const full = r.s.length;
      const u = new Float64Array(rows * k);
      for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) u[i * k + j] = r.u![i * full + j];
      vt = r.vt!.slice(0, k * cols);
      flipSigns(u, rows, k, vt, cols);
      s = r.s.slice(0, k);
    }
    // scikit-learn reports the variance of X V (not of U S): they differ when the SVD is approximate.
    const scores = project(x.data, rows, cols, vt, k);
    const explainedVariance = columnMoments({ rows, cols: k, data: scores }).variance;
    const totalVariance = columnMoments(x).variance.reduce((a, b) => a + b, 0);
    this.fitted = {
      components: vt, singularValues: s, explainedVariance,
      explainedVarianceRatio: explainedVariance.map((v) => (totalVariance > 0 ? v / totalVariance : 0)), k, features: cols,
    };
    return { scores, rows };
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw notFitted("TruncatedSVD", what);
    return this.fitted;
  }
}
