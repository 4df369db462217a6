import { Agglomerative, FuzzyCMeans, KMeans, MiniBatchKMeans } from "../../src/cluster/index.js";
import type { ClusterEstimator } from "./conformance.js";
import { checkEstimator } from "./conformance.js";

const asEstimator = (e: unknown) => e as ClusterEstimator;

for (const algorithm of ["lloyd", "elkan"] as const) {
  checkEstimator({
    name: `KMeans (${algorithm})`,
    make: (k, seed) => new KMeans({ nClusters: k, algorithm, seed }),
    makeWith: (p) => asEstimator(new KMeans(p as never)),
    hyperParameters: { nClusters: 4, init: "random", nInit: 3, maxIter: 50, tol: 1e-3, algorithm, seed: 7 },
    learned: ["labels", "clusterCenters", "inertia", "nIter"],
    transformWidth: (k) => k,
    random: true,
  });
}

checkEstimator({
  name: "MiniBatchKMeans",
  make: (k, seed) => new MiniBatchKMeans({ nClusters: k, batchSize: 16, seed }),
  makeWith: (p) => asEstimator(new MiniBatchKMeans(p as never)),
  hyperParameters: { nClusters: 4, init: "k-means++", batchSize: 32, maxIter: 20, maxNoImprovement: 5, tol: 0, reassignmentRatio: 0.02, initSize: 50, nInit: 2, seed: 3 },
  learned: ["labels", "clusterCenters", "inertia", "nIter", "nSteps"],
  transformWidth: (k) => k,
  random: true,
});

checkEstimator({
  name: "FuzzyCMeans",
  make: (k, seed) => asEstimator(new FuzzyCMeans({ nClusters: k, seed })),
  makeWith: (p) => asEstimator(new FuzzyCMeans(p as never)),
  hyperParameters: { nClusters: 3, m: 1.7, maxIter: 40, tol: 1e-4, init: "random", seed: 1 },
  learned: ["membership", "centers", "fpc", "objective", "nIter", "labels"],
  random: true,
});

for (const linkage of ["ward", "single", "average", "centroid"] as const) {
  checkEstimator({
    name: `Agglomerative (${linkage})`,
    make: (k) => new Agglomerative({ linkage, nClusters: k }),
    makeWith: (p) => new Agglomerative(p as never),
    hyperParameters: { linkage, nClusters: 4, distanceThreshold: undefined },
    learned: ["labels", "linkageMatrix", "nClustersFound", "cutHeight"],
    random: false,
  });
}
