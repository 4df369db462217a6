// The JavaScript peers of the unsupervised suite: ml.js (ml-kmeans, ml-hclust, ml-pca, and
// ml-matrix's SVD, which ml-pca runs on) and node-fpgrowth, from bench/node_modules (npm run
// bench:setup). They take nested arrays; the conversion from the shared Float64Arrays happens at
// setup, outside the timed runs.
import { NotApplicable } from "../harness.mjs";
import { baskets, missingBaskets, workloadMatrices } from "../unsupervised/data.mjs";

/** ml-hclust's AGNES scans all pairs for every merge, O(n^3): the issue measured about 370 s for Ward at n = 5,000. */
const HCLUST_MAX_POINTS = 2000;

let ml = null;

function rows(m) {
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
}

const PCA_METHODS = {
  full: { method: "SVD" },
  covariance: { method: "covarianceMatrix" },
};

const BUILDERS = {
  kmeans(w) {
    const { x, init } = workloadMatrices(w);
    const data = rows(x);
    const centers = rows(init);
    const { k, maxIter, tol } = w.params;
    // ml-kmeans has one algorithm (Lloyd's) and stops on an absolute center movement.
    return () => ml.kmeans(data, k, { initialization: centers.map((c) => c.slice()), maxIterations: maxIter, tolerance: tol });
  },
  linkage(w) {
    if (w.params.n > HCLUST_MAX_POINTS) throw new Error(`ml-hclust is O(n^3) (about 370 s for Ward at n = 5,000, as the issue measured): timed at n = 1,000 instead`);
    const data = rows(workloadMatrices(w).x);
    return () => ml.agnes(data, { method: w.params.method });
  },
  pca(w) {
    const options = PCA_METHODS[w.params.solver];
    // Its NIPALS, the only partial solver, took 213 s for 16 components of 20,000 x 256 here.
    if (!options) throw new NotApplicable(`ml-pca has no ${w.params.solver} solver`);
    const data = rows(workloadMatrices(w).x);
    return () => new ml.PCA(data, options);
  },
  svd(w) {
    const matrix = new ml.Matrix(rows(workloadMatrices(w).x));
    return () => new ml.SVD(matrix, { autoTranspose: true });
  },
};

export const mljsPeer = {
  id: "mljs",
  label: "ml.js",
  async start() {
    const [kmeans, hclust, pca, matrix] = await Promise.all([import("ml-kmeans"), import("ml-hclust"), import("ml-pca"), import("ml-matrix")]);
    ml = { kmeans: kmeans.kmeans, agnes: hclust.agnes, PCA: pca.PCA, Matrix: matrix.Matrix, SVD: matrix.SVD };
    return "ml-kmeans, ml-hclust, ml-pca, ml-matrix (pure JavaScript)";
  },
  async setup(workload) {
    const build = BUILDERS[workload.kind];
    if (!build) throw new NotApplicable(`ml.js has no ${workload.kind} workload`);
    const step = build(workload);
    return (n) => {
      for (let i = 0; i < n; i++) step();
    };
  },
};

let FPGrowth = null;

export const fpgrowthPeer = {
  id: "node-fpgrowth",
  label: "node-fpgrowth",
  async start() {
    ({ FPGrowth } = await import("node-fpgrowth"));
    return "node-fpgrowth (pure JavaScript FP-Growth)";
  },
  async setup(workload) {
    if (workload.kind !== "itemsets") throw new NotApplicable("node-fpgrowth mines itemsets only");
    const data = baskets(workload.params.dataset);
    if (data === null) throw new Error(missingBaskets(workload.params.dataset));
    // It takes a fraction and rounds support * baskets up: half a basket below the count keeps that exact.
    const support = (workload.params.minCount - 0.5) / data.length;
    return async (n) => {
      for (let i = 0; i < n; i++) {
        // A new miner each time: exec() overwrites the fraction with the count it derives.
        const found = await new FPGrowth(support).exec(data);
        if (found.length !== workload.params.itemsets) throw new Error(`found ${found.length} itemsets, expected ${workload.params.itemsets}`);
      }
    };
  },
};
