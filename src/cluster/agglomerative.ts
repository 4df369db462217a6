import type { Tensor } from "../tensor/tensor.js";
import type { MatrixLike } from "./matrix.js";
import { checkChoice, checkInteger, checkNumber, matrixTensor, notFitted, toMatrix } from "./matrix.js";
import type { LinkageMethod } from "./linkage/index.js";
import { linkageOfObservations, LINKAGE_METHODS } from "./linkage/index.js";
import { flatClusters } from "./fcluster.js";

export interface AgglomerativeOptions {
  /** Merge criterion (default "ward", as scikit-learn). */
  linkage?: LinkageMethod;
  /** Cut the tree into this many clusters (default 2 when no distanceThreshold is given). */
  nClusters?: number;
  /** Or cut it at this height: observations whose cophenetic distance is <= the threshold share a cluster. */
  distanceThreshold?: number;
}

interface Fitted {
  linkage: Float64Array;
  labels: Int32Array;
  clusters: number;
  cutHeight: number;
}

/**
 * Hierarchical agglomerative clustering: the full merge tree of SciPy's `linkage` (Euclidean
 * distances between observations), cut as SciPy's `fcluster` cuts it ("maxclust" for nClusters,
 * "distance" for distanceThreshold). `labels` are 0-based (fcluster's labels minus one), numbered in
 * the tree's left-to-right order. For centroid and median linkage, whose merge heights can
 * decrease, nClusters is an upper bound, as in `fcluster`.
 */
export class Agglomerative {
  readonly linkage: LinkageMethod;
  readonly nClusters: number | undefined;
  readonly distanceThreshold: number | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: AgglomerativeOptions = {}) {
    this.linkage = opts.linkage ?? "ward";
    this.nClusters = opts.nClusters;
    this.distanceThreshold = opts.distanceThreshold;
  }

  fit(X: MatrixLike): this {
    const who = "Agglomerative";
    const method = checkChoice(this.linkage, "linkage", who, LINKAGE_METHODS);
    if (this.nClusters !== undefined && this.distanceThreshold !== undefined) {
      throw new RangeError(`${who}: give either nClusters or distanceThreshold, not both`);
    }
    const threshold = this.distanceThreshold === undefined ? undefined : checkNumber(this.distanceThreshold, "distanceThreshold", who, 0);
    const k = threshold === undefined ? checkInteger(this.nClusters ?? 2, "nClusters", who, 1) : 0;
    const m = toMatrix(X, who);
    const n = m.rows;
    if (n < 2) throw new RangeError(`${who}: need at least 2 samples, got ${n}`);
    if (k > n) throw new RangeError(`${who}: nClusters=${k} is larger than the number of samples (${n})`);
    const Z = linkageOfObservations(m, method);
    const flat = threshold === undefined ? flatClusters(matrixTensor(Z, n - 1, 4), k, "maxclust") : flatClusters(matrixTensor(Z, n - 1, 4), threshold, "distance");
    const labels = flat.labels.map((l) => l - 1);
    let clusters = 0;
    for (const l of labels) clusters = Math.max(clusters, l + 1);
    this.fitted = { linkage: Z, labels, clusters, cutHeight: flat.lineHeight };
    return this;
  }

  fitPredict(X: MatrixLike): Int32Array {
    return this.fit(X).labels;
  }

  /** Cluster index (0-based) of each observation. */
  get labels(): Int32Array {
    return this.state("labels").labels;
  }
  /** SciPy's linkage matrix, float64 [n-1, 4]: [cluster a, cluster b, distance, size] per merge. */
  get linkageMatrix(): Tensor {
    const Z = this.state("linkageMatrix").linkage;
    return matrixTensor(Z.slice(), Z.length / 4, 4);
  }
  /** Number of clusters the cut produced. */
  get nClustersFound(): number {
    return this.state("nClustersFound").clusters;
  }
  /** A height between the last merge kept and the first merge cut (where a dendrogram draws the cut). */
  get cutHeight(): number {
    return this.state("cutHeight").cutHeight;
  }

  private state(what: string): Fitted {
    if (this.fitted === null) throw notFitted("Agglomerative", what);
    return this.fitted;
  }
}
