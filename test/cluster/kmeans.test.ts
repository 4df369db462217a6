import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { KMeans } from "../../src/cluster/index.js";
import { assertAllClose, assertClose, loadFixture } from "./helpers.js";

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
