import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FuzzyCMeans } from "../../src/cluster/index.js";
import { assertAllClose, assertClose, blobs, loadFixture } from "./helpers.js";

interface Case { m: number; maxIter: number; tol: number; init: number[][]; membership: number[][]; centers: number[][]; fpc: number; objective: number; nIter: number }
const fixture = loadFixture<{ X: number[][]; cases: Case[] }>("fcm.json");

describe("FuzzyCMeans matches a NumPy reference (scikit-fuzzy's update rules) from the same centers", () => {
  for (const c of fixture.cases) {
    it(`m = ${c.m}`, () => {
      const fcm = new FuzzyCMeans({ nClusters: c.init.length, m: c.m, maxIter: c.maxIter, tol: c.tol, init: c.init }).fit(fixture.X);
      assert.equal(fcm.nIter, c.nIter);
      assertAllClose(fcm.membership.toArray(), c.membership.flat(), 1e-10, 1e-8, "membership");
      assertAllClose(fcm.centers.toArray(), c.centers.flat(), 1e-10, 1e-8, "centers");
      assertClose(fcm.fpc, c.fpc, 1e-9, "fpc");
      assertClose(fcm.objective, c.objective, 1e-9, "objective");
    });
  }
});

describe("FuzzyCMeans behaviour", () => {
  const { X, y } = blobs([[0, 0], [8, 0], [0, 8]], 40, 1, 5);
  const fcm = new FuzzyCMeans({ nClusters: 3, seed: 1 }).fit(X);
  it("memberships are a fuzzy partition and the hard labels recover separated blobs", () => {
    const u = fcm.membership.toArray();
    for (let i = 0; i < X.length; i++) assertClose(u[i * 3] + u[i * 3 + 1] + u[i * 3 + 2], 1, 1e-12, `row ${i}`);
    const mapping = new Map<number, number>();
    fcm.labels.forEach((l, i) => {
      if (!mapping.has(y[i])) mapping.set(y[i], l);
      assert.equal(l, mapping.get(y[i]));
    });
    assert.equal(new Set(mapping.values()).size, 3);
    assert.ok(fcm.fpc > 0.8 && fcm.fpc <= 1, `fpc ${fcm.fpc} of well separated blobs is close to 1`);
  });
  it("predicts new points by their highest membership", () => {
    assert.deepEqual(Array.from(fcm.predict([[0.2, -0.1], [7.9, 0.3], [0.1, 8.2]])), [0, 1, 2].map((b) => fcm.labels[b * 40]));
    const u = fcm.predictMembership([[4, 4]]).toArray();
    assertClose(u[0] + u[1] + u[2], 1, 1e-12);
  });
  it("a larger fuzzifier gives a fuzzier partition", () => {
    const soft = new FuzzyCMeans({ nClusters: 3, m: 3, seed: 1 }).fit(X);
    assert.ok(soft.fpc < fcm.fpc);
  });
  it("a sample on a center belongs to it fully", () => {
    const c = fcm.centers.tolist() as number[][];
    const u = fcm.predictMembership([c[1]]).toArray();
    assert.deepEqual(Array.from(u), [0, 1, 0]);
  });
  it("rejects m <= 1", () => {
    assert.throws(() => new FuzzyCMeans({ nClusters: 2, m: 1 }).fit(X), /m must be a finite number > 1, got 1/);
  });
});
