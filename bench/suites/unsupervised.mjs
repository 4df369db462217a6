// The unsupervised suite (issue #4): k-means, hierarchical clustering, PCA, the SVD of the notes'
// recommender and frequent itemsets, against scikit-learn / SciPy / NumPy (one thread) and the
// JavaScript peers ml.js (ml-kmeans, ml-hclust, ml-pca, ml-matrix) and node-fpgrowth. Every peer
// gets the same inputs (bench/unsupervised/data.mjs); k-means starts from the same given centers,
// so Lantern and scikit-learn run the same iterations.
import { lanternUnsupervisedPeer } from "../peers/lantern-unsupervised.mjs";
import { sklearnPeer } from "../peers/sklearn.mjs";
import { mljsPeer, fpgrowthPeer } from "../peers/mljs.mjs";

const asFastAs = (who) => ({ peer: "sklearn", min: 1, text: `>=1.0x ${who}` });

function kmeans(algorithm, n) {
  const name = algorithm === "elkan" ? "Elkan" : "Lloyd";
  return {
    id: `kmeans-${algorithm}`, kind: "kmeans", title: `KMeans ${name} n=${n / 1000}k d=32 k=16`, metric: "ms",
    params: { n, d: 32, k: 16, algorithm, maxIter: 300, tol: 1e-4 }, target: asFastAs("scikit-learn"),
  };
}

function linkage(method, n) {
  return {
    id: `linkage-${method}-${n}`, kind: "linkage", title: `linkage ${method} n=${n.toLocaleString("en-US")} d=16`, metric: "ms",
    params: { n, d: 16, method }, target: asFastAs("SciPy"),
  };
}

const PCA_SOLVERS = {
  full: "full SVD",
  randomized: "randomized",
  // scikit-learn has no covariance solver before 1.5: its fastest partial solver (ARPACK) stands in.
  covariance: "covariance (sklearn: arpack)",
};

function pca(solver, rows, cols, components) {
  return {
    id: `pca-${solver}`, kind: "pca", title: `PCA ${rows}x${cols} -> ${components}, ${PCA_SOLVERS[solver]}`, metric: "ms",
    params: { rows, cols, components, solver }, target: asFastAs("scikit-learn"),
  };
}

/** Itemset totals that mlxtend 0.25.0 finds (see the datasets' README.md files), checked on every run. */
function itemsets(dataset, minCount, expected) {
  return {
    id: `fpgrowth-${dataset}-${minCount}`, kind: "itemsets", title: `FP-Growth ${dataset}, min count ${minCount} (${expected} itemsets)`, metric: "ms",
    params: { dataset, minCount, itemsets: expected }, target: { peer: "node-fpgrowth", min: 10, text: ">=10x node-fpgrowth" },
  };
}

/** Full sizes are the issue's; quick mode shrinks them so a smoke run takes a minute or two. */
function workloads(quick) {
  const methods = ["ward", "single", "average", "complete"];
  return [
    kmeans("lloyd", quick ? 20000 : 100000),
    kmeans("elkan", quick ? 20000 : 100000),
    ...(quick ? [] : methods.map((m) => linkage(m, 5000))),
    // ml-hclust is O(n^3): it is timed at these smaller sizes only.
    ...methods.map((m) => linkage(m, quick ? 300 : 1000)),
    ...["full", "randomized", "covariance"].map((s) => (quick ? pca(s, 4000, 64, 8) : pca(s, 20000, 256, 16))),
    {
      id: "svd-movielens", kind: "svd", title: quick ? "SVD 300x500 (U, S, Vh), ratings" : "SVD 943x1682 (U, S, Vh), MovieLens", metric: "ms",
      params: quick ? { rows: 300, cols: 500, ratings: 10000 } : { rows: 943, cols: 1682, ratings: 100000 }, target: asFastAs("NumPy"),
    },
    ...(quick ? [itemsets("groceries", 99, 333), itemsets("retail", 882, 159)] : [itemsets("groceries", 10, 13492), itemsets("retail", 88, 7712)]),
  ];
}

export default {
  name: "unsupervised",
  description: "k-means, hierarchical linkage, PCA, SVD and FP-Growth against scikit-learn/SciPy, ml.js and node-fpgrowth",
  peers: [lanternUnsupervisedPeer, sklearnPeer, mljsPeer, fpgrowthPeer],
  workloads,
  checks: [
    { peers: ["mljs", "node-fpgrowth"], min: 10, text: "every JS peer >= 10x slower than Lantern" },
    { peers: ["sklearn"], min: 1 / 1.5, text: "no row beyond 1.5x scikit-learn/SciPy's time" },
  ],
};
