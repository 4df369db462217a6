import type { Tensor } from "../tensor/tensor.js";
import type { Matrix, MatrixLike } from "./matrix.js";
import { checkFeatures, matrixTensor, notFitted, toMatrix } from "./matrix.js";
import { squaredEuclidean } from "./distance.js";
import { inertia } from "./kmeans-common.js";
import { assignNearest } from "./lloyd.js";

/** What a centroid model has learned. */
export interface CentroidState {
  labels: Int32Array;
  centers: Float64Array;
  inertia: number;
  nIter: number;
  features: number;
}

/**
 * What KMeans and MiniBatchKMeans share once fitted: the learned centers and what follows from them
 * (nearest-center prediction, distances, score). Subclasses set the state in `fit` only.
 */
export abstract class CentroidModel {
  readonly nClusters: number;
  protected fitted: CentroidState | null = null;

  protected constructor(nClusters: number, private readonly who: string) {
    this.nClusters = nClusters;
  }

  abstract fit(X: MatrixLike): this;

  /** Cluster index of each training sample. */
  get labels(): Int32Array {
    return this.state("labels").labels;
  }
  /** Cluster centers, float64 [nClusters, features]. */
  get clusterCenters(): Tensor {
    const s = this.state("clusterCenters");
    return matrixTensor(s.centers.slice(), this.nClusters, s.features);
  }
  /** Sum of squared distances of the training samples to their centers. */
  get inertia(): number {
    return this.state("inertia").inertia;
  }
  /** Iterations (passes over the data) of the fit. */
  get nIter(): number {
    return this.state("nIter").nIter;
  }

  /** Nearest center of each row of X. */
  predict(X: MatrixLike): Int32Array {
    const s = this.state("predict");
    return this.nearest(this.input(X, s, "predict"), s);
  }

  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).labels;
  }

  /** Euclidean distance of each row of X to each center, float64 [samples, nClusters]. */
  transform(X: MatrixLike): Tensor {
    const s = this.state("transform");
    const m = this.input(X, s, "transform");
    const k = this.nClusters;
    const d = m.cols;
    const out = new Float64Array(m.rows * k);
    for (let i = 0; i < m.rows; i++) {
      for (let j = 0; j < k; j++) out[i * k + j] = Math.sqrt(squaredEuclidean(m.data, i * d, s.centers, j * d, d));
    }
    return matrixTensor(out, m.rows, k);
  }

  fitTransform(X: MatrixLike): Tensor {
    return this.fit(X).transform(X);
  }

  /** Opposite of the inertia of X under the fitted centers (higher is better), as scikit-learn's `score`. */
  score(X: MatrixLike): number {
    const s = this.state("score");
    const m = this.input(X, s, "score");
    return -inertia(m, s.centers, this.nearest(m, s));
  }

  protected state(what: string): CentroidState {
    if (this.fitted === null) throw notFitted(this.who, what);
    return this.fitted;
  }

  private nearest(m: Matrix, s: CentroidState): Int32Array {
    const labels = new Int32Array(m.rows);
    assignNearest(m, s.centers, this.nClusters, labels);
    return labels;
  }

  private input(X: MatrixLike, s: CentroidState, op: string): Matrix {
    const m = toMatrix(X, `${this.who}.${op}`);
    checkFeatures(m, s.features, `${this.who}.${op}`);
    return m;
  }
}
