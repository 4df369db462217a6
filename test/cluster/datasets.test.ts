import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { Agglomerative, KMeans, silhouetteScore } from "../../src/cluster/index.js";
import { assertClose, datasetPath } from "./helpers.js";

// Optional sanity checks on real data from ../shared/datasets (never committed); skipped without it.
const iris = datasetPath("iris", "iris.csv");
const digits = datasetPath("digits", "digits.csv.gz");

/** Fraction of samples whose cluster's majority class is their own class. */
function purity(labels: Int32Array, classes: number[]): number {
  const votes = new Map<number, Map<number, number>>();
  labels.forEach((l, i) => {
    const v = votes.get(l) ?? new Map<number, number>();
    v.set(classes[i], (v.get(classes[i]) ?? 0) + 1);
    votes.set(l, v);
  });
  let agree = 0;
  for (const v of votes.values()) agree += Math.max(...v.values());
  return agree / labels.length;
}

describe("iris (scikit-learn's copy)", { skip: iris === null ? "no ../shared/datasets/iris" : false }, () => {
  const rows = readFileSync(iris ?? "", "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const X = rows.map((r) => r.slice(0, 4));
  const y = rows.map((r) => r[4]);
  it("k-means with 10 restarts reaches scikit-learn's known optimum (inertia 78.851)", () => {
    const km = new KMeans({ nClusters: 3, nInit: 10, seed: 0 }).fit(X);
    assertClose(km.inertia, 78.85144142614601, 1e-9);
    assert.ok(purity(km.labels, y) > 0.88);
    assertClose(silhouetteScore(X, km.labels), 0.5528190123564095, 1e-9);
  });
});

describe("digits (scikit-learn's copy)", { skip: digits === null ? "no ../shared/datasets/digits" : false }, () => {
  const rows = gunzipSync(readFileSync(digits ?? "")).toString("utf8").trim().split("\n").map((l) => l.split(",").map(Number));
  const X = rows.map((r) => r.slice(0, 64));
  const y = rows.map((r) => r[64]);
  it("Ward into 10 clusters mostly follows the digit classes", () => {
    const agg = new Agglomerative({ linkage: "ward", nClusters: 10 }).fit(X);
    assert.equal(agg.nClustersFound, 10);
    assert.ok(purity(agg.labels, y) > 0.8, `purity ${purity(agg.labels, y)}`);
  });
  it("k-means into 10 clusters mostly follows the digit classes", () => {
    const km = new KMeans({ nClusters: 10, seed: 0, nInit: 3 }).fit(X);
    assert.ok(purity(km.labels, y) > 0.7, `purity ${purity(km.labels, y)}`);
  });
});
