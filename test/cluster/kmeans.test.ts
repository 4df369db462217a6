import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KMeans, MiniBatchKMeans } from "../../src/cluster/index.js";
import { assertAllClose, assertClose, blobs, loadFixture, randomMatrix } from "./helpers.js";

interface Run { labels: number[]; inertia: number; centers: number[][]; nIter: number }
interface Case { name: string; init: number[][]; maxIter: number; tol: number; lloyd: Run; elkan: Run }
const fixture = loadFixture<{ X: number[][]; cases: Case[]; predict: { X: number[][]; labels: number[]; transform: number[][] } }>("kmeans.json");

describe("KMeans matches scikit-learn from the same explicit init", () => {
  for (const c of fixture.cases) {
    for (const algorithm of ["lloyd", "elkan"] as const) {
      it(`${c.name}, ${algorithm}`, () => {
        const ref = c[algorithm];
        const km = new KMeans({ nClusters: c.init.length, init: c.init, algorithm, maxIter: c.maxIter, tol: c.tol }).fit(fixture.X);
        assert.deepEqual(Array.from(km.labels), ref.labels);
        assertClose(km.inertia, ref.inertia, 1e-6, "inertia");
        assertAllClose(km.clusterCenters.toArray(), ref.centers.flat(), 1e-9, 1e-6, "centers");
        assert.equal(km.nIter, ref.nIter);
      });
    }
  }
});

describe("KMeans predict and transform match scikit-learn", () => {
  const c = fixture.cases[0];
  const km = new KMeans({ nClusters: 6, init: c.init }).fit(fixture.X);
  it("predict", () => assert.deepEqual(Array.from(km.predict(fixture.predict.X)), fixture.predict.labels));
  it("transform (distances to the centers)", () => {
    assertAllClose(km.transform(fixture.predict.X).toArray(), fixture.predict.transform.flat(), 1e-9, 1e-7);
  });
  it("score is minus the inertia of the training data", () => assertClose(km.score(fixture.X), -km.inertia, 1e-12));
});

describe("KMeans seeding and restarts", () => {
  const X = blobs([[0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6], [6, 6, 6]], 40, 1.5, 21).X;
  it("k-means++ picks distinct data points as initial centers, reproducibly under a seed", () => {
    const one = new KMeans({ nClusters: 5, seed: 3, maxIter: 1 }).fit(X);
    const two = new KMeans({ nClusters: 5, seed: 3, maxIter: 1 }).fit(X);
    assert.deepEqual(one.clusterCenters.toArray(), two.clusterCenters.toArray());
    const other = new KMeans({ nClusters: 5, seed: 4, maxIter: 1 }).fit(X);
    assert.notDeepEqual(one.clusterCenters.toArray(), other.clusterCenters.toArray());
  });
  it("k-means++ from a seed reaches the blobs' partition (one label per blob)", () => {
    for (const seed of [0, 1, 2, 3]) {
      const labels = new KMeans({ nClusters: 5, seed }).fit(X).labels;
      const perBlob = Array.from({ length: 5 }, (_, b) => new Set(labels.slice(b * 40, b * 40 + 40)));
      perBlob.forEach((s) => assert.equal(s.size, 1, `seed ${seed}`));
      assert.equal(new Set(perBlob.map((s) => [...s][0])).size, 5);
    }
  });
  it("nInit keeps the lowest inertia of its restarts", () => {
    const runs = [1, 2, 3, 4, 5, 6].map((n) => new KMeans({ nClusters: 8, init: "random", nInit: n, seed: 11 }).fit(X).inertia);
    for (let i = 1; i < runs.length; i++) assert.ok(runs[i] <= runs[i - 1] + 1e-9, `nInit ${i + 1}`);
  });
  it("Lloyd and Elkan reach the same result from the same seed", () => {
    const data = randomMatrix(500, 4, 99, 10);
    for (const seed of [0, 1, 2]) {
      const lloyd = new KMeans({ nClusters: 7, seed, algorithm: "lloyd" }).fit(data);
      const elkan = new KMeans({ nClusters: 7, seed, algorithm: "elkan" }).fit(data);
      assert.deepEqual(Array.from(elkan.labels), Array.from(lloyd.labels));
      assert.equal(elkan.nIter, lloyd.nIter);
      assertClose(elkan.inertia, lloyd.inertia, 1e-12);
    }
  });
  it("nClusters = 1 puts every sample in one cluster at the mean", () => {
    const km = new KMeans({ nClusters: 1 }).fit([[0, 0], [2, 0], [4, 6]]);
    assert.deepEqual(Array.from(km.labels), [0, 0, 0]);
    assertAllClose(km.clusterCenters.toArray(), [2, 2], 1e-12, 0);
  });
  it("duplicate points: as many clusters as distinct points, without NaN", () => {
    const km = new KMeans({ nClusters: 3, seed: 0 }).fit([[1, 1], [1, 1], [1, 1], [5, 5]]);
    assert.ok(Number.isFinite(km.inertia));
    assert.equal(km.inertia, 0);
  });
  it("rejects explicit centers of the wrong shape and unknown options", () => {
    assert.throws(() => new KMeans({ nClusters: 2, init: [[0, 0, 0]] }).fit(X), /init must have shape \[2, 3\] \(nClusters x features\), got \[1, 3\]/);
    assert.throws(() => new KMeans({ nClusters: 2, algorithm: "full" as never }).fit(X), /algorithm must be one of "lloyd", "elkan", got "full"/);
    assert.throws(() => new KMeans({ nClusters: 2, init: "kmeans" as never }).fit(X), /init must be one of "k-means\+\+", "random"/);
  });
});

describe("MiniBatchKMeans", () => {
  const { X, y } = blobs([[0, 0], [10, 0], [0, 10], [10, 10]], 250, 1.5, 8);
  it("finds well separated blobs with an inertia close to full k-means", () => {
    const mb = new MiniBatchKMeans({ nClusters: 4, batchSize: 100, seed: 0 }).fit(X);
    const full = new KMeans({ nClusters: 4, seed: 0 }).fit(X);
    assert.ok(mb.inertia <= full.inertia * 1.02, `mini-batch ${mb.inertia} vs full ${full.inertia}`);
    const map = new Map<number, number>();
    y.forEach((t, i) => {
      if (!map.has(t)) map.set(t, mb.labels[i]);
      assert.equal(mb.labels[i], map.get(t));
    });
    assert.ok(mb.nSteps >= 2 && mb.nSteps <= (100 * 1000) / 100);
    assert.deepEqual(Array.from(mb.predict(X)), Array.from(mb.labels));
  });
  it("stops early once the smoothed batch inertia stops improving", () => {
    const mb = new MiniBatchKMeans({ nClusters: 4, batchSize: 50, maxIter: 100, maxNoImprovement: 3, seed: 1 }).fit(X);
    assert.ok(mb.nSteps < (100 * 1000) / 50, `${mb.nSteps} steps`);
  });
});
