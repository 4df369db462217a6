import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { elbowCurve, silhouetteSamples, silhouetteScore } from "../../src/cluster/index.js";
import { assertAllClose, assertClose, blobs, loadFixture } from "./helpers.js";

const fixture = loadFixture<{ X: number[][]; cases: { lloyd: { labels: number[] } }[]; silhouette: { score: number; samples: number[] } }>("kmeans.json");

describe("silhouette equals scikit-learn's", () => {
  const labels = fixture.cases[0].lloyd.labels;
  it("silhouette_samples", () => assertAllClose(silhouetteSamples(fixture.X, labels), fixture.silhouette.samples, 1e-12, 1e-9));
  it("silhouette_score", () => assertClose(silhouetteScore(fixture.X, labels), fixture.silhouette.score, 1e-10));
  it("is invariant to renaming the labels", () => {
    assertClose(silhouetteScore(fixture.X, labels.map((l) => 100 - 7 * l)), fixture.silhouette.score, 1e-10);
  });
  it("gives a singleton cluster 0, as scikit-learn does", () => {
    const s = silhouetteSamples([[0], [1], [10]], [0, 0, 1]);
    assert.equal(s[2], 0);
    assertClose(s[0], (10 - 1) / 10, 1e-12);
  });
  it("subsamples with sampleSize, reproducibly under a seed", () => {
    const a = silhouetteScore(fixture.X, labels, { sampleSize: 100, seed: 3 });
    assert.equal(a, silhouetteScore(fixture.X, labels, { sampleSize: 100, seed: 3 }));
    assert.ok(Math.abs(a - fixture.silhouette.score) < 0.1);
  });
  it("rejects one cluster, n clusters and mismatched lengths", () => {
    assert.throws(() => silhouetteScore([[0], [1], [2]], [0, 0, 0]), /number of distinct labels is 1/);
    assert.throws(() => silhouetteScore([[0], [1], [2]], [0, 1, 2]), /number of distinct labels is 3/);
    assert.throws(() => silhouetteScore([[0], [1], [2]], [0, 1]), /labels has 2 entries, X has 3 samples/);
  });
});

describe("elbowCurve", () => {
  const { X } = blobs([[0, 0], [10, 0], [0, 10], [10, 10]], 30, 1, 9);
  it("inertia falls with k and the knee is at the true number of blobs", () => {
    const seen: number[] = [];
    const { curve, elbow } = elbowCurve(X, 1, 8, { seed: 0, onProgress: (p) => seen.push(p.k) });
    assert.deepEqual(curve.map((p) => p.k), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(seen, [1, 2, 3, 4, 5, 6, 7, 8]);
    for (let i = 1; i < curve.length; i++) assert.ok(curve[i].inertia <= curve[i - 1].inertia * 1.0001, `k=${curve[i].k}`);
    assert.equal(elbow, 4);
  });
  it("rejects kMax above n", () => assert.throws(() => elbowCurve([[0], [1]], 1, 3), /kMax=3 is larger than the number of samples \(2\)/));
});
