// Lantern's side of the unsupervised suite, through its public API from the built package (dist/),
// exactly as a user calls it: lt.cluster, lt.decomposition, lt.linalg and lt.assoc. Inputs are the
// suite's shared arrays, wrapped as float64 tensors outside the timed runs.
import { lanternPeerBase } from "./lantern-entry.mjs";
import { baskets, missingBaskets, workloadMatrices } from "../unsupervised/data.mjs";

let lt = null;

const tensor = (m) => lt.Tensor.fromTypedArray(m.data, [m.rows, m.cols]);

const BUILDERS = {
  kmeans(w) {
    const { x, init } = workloadMatrices(w);
    const X = tensor(x);
    const { k, maxIter, tol, algorithm } = w.params;
    const options = { nClusters: k, init: tensor(init), nInit: 1, maxIter, tol, algorithm };
    return () => new lt.cluster.KMeans(options).fit(X);
  },
  linkage(w) {
    const X = tensor(workloadMatrices(w).x);
    return () => lt.cluster.linkage(X, w.params.method);
  },
  pca(w) {
    const X = tensor(workloadMatrices(w).x);
    const options = { nComponents: w.params.components, solver: w.params.solver, seed: 0 };
    return () => new lt.decomposition.PCA(options).fit(X);
  },
  svd(w) {
    const M = tensor(workloadMatrices(w).x);
    return () => lt.linalg.svd(M);
  },
  itemsets(w) {
    const { dataset, minCount, itemsets } = w.params;
    const data = baskets(dataset);
    if (data === null) throw new Error(missingBaskets(dataset));
    // From the same parsed baskets as node-fpgrowth: item encoding is part of the timed work.
    return () => {
      const found = lt.assoc.frequentItemsets(data, { minCount, algorithm: w.params.algorithm ?? "fpgrowth" });
      if (found.length !== itemsets) throw new Error(`found ${found.length} itemsets, expected ${itemsets}`);
    };
  },
};

export const lanternUnsupervisedPeer = {
  ...lanternPeerBase((loaded) => (lt = loaded)),
  async setup(workload) {
    const build = BUILDERS[workload.kind];
    if (!build) throw new Error(`no ${workload.kind} workload`);
    const step = build(workload);
    return (n) => {
      for (let i = 0; i < n; i++) step();
    };
  },
};
