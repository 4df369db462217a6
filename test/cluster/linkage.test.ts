import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fcluster, linkage, LINKAGE_METHODS } from "../../src/cluster/index.js";
import type { LinkageMethod } from "../../src/cluster/index.js";
import { assertAllClose, loadFixture } from "./helpers.js";

interface Case { Z: number[][]; maxclust: Record<string, number[]>; distance: { t: number; labels: number[] }[] }
const fixture = loadFixture<{ X: number[][]; cases: Record<LinkageMethod, Case>; condensed: { y: number[]; ward: number[][]; single: number[][] } }>("hierarchy.json");

/** Merge pairs and sizes exactly, heights to 1e-9 relative. */
function assertLinkageEqual(actual: Float64Array | number[], expected: number[][], label: string): void {
  const rows = expected.length;
  assert.equal(actual.length, rows * 4, `${label}: rows`);
  for (let r = 0; r < rows; r++) {
    const [a, b, h, size] = expected[r];
    assert.deepEqual([actual[r * 4], actual[r * 4 + 1], actual[r * 4 + 3]], [a, b, size], `${label}: merge ${r}`);
    assertAllClose([actual[r * 4 + 2]], [h], 0, 1e-9, `${label}: height of merge ${r}`);
  }
}

describe("linkage equals scipy.cluster.hierarchy.linkage", () => {
  for (const method of LINKAGE_METHODS) {
    it(method, () => {
      const Z = linkage(fixture.X, method);
      assert.deepEqual(Z.shape, [fixture.X.length - 1, 4]);
      assert.equal(Z.dtype, "float64");
      assertLinkageEqual(Z.toArray() as Float64Array, fixture.cases[method].Z, method);
    });
  }
  it("accepts a condensed distance vector", () => {
    const y = Float64Array.from(fixture.condensed.y);
    assertLinkageEqual(linkage(y, "ward").toArray() as Float64Array, fixture.condensed.ward, "ward");
    assertLinkageEqual(linkage(y, "single").toArray() as Float64Array, fixture.condensed.single, "single");
    assert.deepEqual(Array.from(y), fixture.condensed.y, "the caller's vector is not modified");
  });
});

describe("fcluster equals scipy.cluster.hierarchy.fcluster", () => {
  for (const method of LINKAGE_METHODS) {
    it(method, () => {
      const c = fixture.cases[method];
      for (const [k, labels] of Object.entries(c.maxclust)) {
        assert.deepEqual(Array.from(fcluster(c.Z, Number(k), "maxclust")), labels, `maxclust ${k}`);
      }
      for (const { t, labels } of c.distance) assert.deepEqual(Array.from(fcluster(c.Z, t, "distance")), labels, `distance ${t}`);
    });
  }
});
