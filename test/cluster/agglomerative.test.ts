import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Agglomerative, fcluster, flatClusters, LINKAGE_METHODS, linkage } from "../../src/cluster/index.js";
import type { LinkageMethod } from "../../src/cluster/index.js";
import { assertAllClose, loadFixture } from "./helpers.js";

interface Case { Z: number[][]; maxclust: Record<string, number[]>; distance: { t: number; labels: number[] }[] }
const fixture = loadFixture<{ X: number[][]; cases: Record<LinkageMethod, Case> }>("hierarchy.json");

describe("Agglomerative", () => {
  for (const method of LINKAGE_METHODS) {
    it(`${method}: linkageMatrix is SciPy's and labels are fcluster's minus one`, () => {
      const c = fixture.cases[method];
      const byCount = new Agglomerative({ linkage: method, nClusters: 5 }).fit(fixture.X);
      assertAllClose(byCount.linkageMatrix.toArray(), c.Z.flat(), 0, 1e-9, "Z");
      assert.deepEqual(Array.from(byCount.labels), c.maxclust["5"].map((l) => l - 1));
      const { t, labels } = c.distance[1];
      const byHeight = new Agglomerative({ linkage: method, distanceThreshold: t }).fit(fixture.X);
      assert.deepEqual(Array.from(byHeight.labels), labels.map((l) => l - 1));
      assert.equal(byHeight.nClustersFound, Math.max(...labels));
      assert.equal(byHeight.cutHeight, t);
    });
  }
  it("cutHeight lies between the last merge kept and the first merge cut", () => {
    const agg = new Agglomerative({ linkage: "ward", nClusters: 3 }).fit(fixture.X);
    const Z = fixture.cases.ward.Z;
    const n = fixture.X.length;
    assert.equal(agg.nClustersFound, 3);
    assert.ok(agg.cutHeight > Z[n - 4][2] && agg.cutHeight < Z[n - 3][2]);
    assert.deepEqual(Array.from(fcluster(Z, agg.cutHeight, "distance")), Array.from(agg.labels, (l) => l + 1));
  });
  it("defaults to Ward and 2 clusters, as scikit-learn", () => {
    const agg = new Agglomerative().fit(fixture.X);
    assert.equal(agg.linkage, "ward");
    assert.equal(agg.nClustersFound, 2);
  });
  it("rejects both stopping rules at once, and unknown linkages", () => {
    assert.throws(() => new Agglomerative({ nClusters: 2, distanceThreshold: 1 }).fit(fixture.X), /either nClusters or distanceThreshold, not both/);
    assert.throws(() => new Agglomerative({ linkage: "mean" as never }).fit(fixture.X), /linkage must be one of "single", "complete"/);
    assert.throws(() => new Agglomerative().fit([[1, 2]]), /need at least 2 samples, got 1/);
  });
});

describe("fcluster edge cases", () => {
  // Single-linkage heights 1, 1.5, 4 and 13.5: no ties.
  const Z = linkage([[0], [1], [5], [6.5], [20]], "single");
  it("maxclust >= n gives singletons, maxclust 1 one cluster", () => {
    assert.deepEqual(Array.from(fcluster(Z, 5)), [1, 2, 3, 4, 5]);
    assert.deepEqual(Array.from(fcluster(Z, 1)), [1, 1, 1, 1, 1]);
  });
  // Current SciPy (lower bisection bound -1); SciPy 1.10 never cuts at the lowest merge and returns [1, 1, 2, 2, 3].
  it("maxclust n - 1 keeps only the lowest merge", () => {
    assert.deepEqual(Array.from(fcluster(Z, 4)), [1, 1, 2, 3, 4]);
  });
  it("distance thresholds are inclusive", () => {
    assert.deepEqual(Array.from(fcluster(Z, 1, "distance")), [1, 1, 2, 3, 4]);
    assert.deepEqual(Array.from(fcluster(Z, 0.999, "distance")), [1, 2, 3, 4, 5]);
    assert.equal(flatClusters(Z, 2).lineHeight, (4 + 13.5) / 2);
  });
  it("rejects malformed linkage matrices", () => {
    assert.throws(() => fcluster([[0, 0, 1, 2]], 1), /Z row 0 merges clusters 0 and 0/);
    assert.throws(() => fcluster([[0, 1, 1]] as never, 1), /Z row 0 must have 4 entries/);
    assert.throws(() => fcluster(Z, 0), /t \(the maximum number of clusters\) must be an integer >= 1/);
  });
});
