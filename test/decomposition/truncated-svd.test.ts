import { test } from "node:test";
import assert from "node:assert/strict";
import { TruncatedSVD } from "../../src/decomposition/index.js";
import { loadFixture, maxAbsDiff, randomMatrix } from "../linalg/helpers.js";

interface SvdCase {
  name: string;
  X: number[][];
  nComponents: number;
  singularValues: number[];
  components: number[][];
  explainedVariance: number[];
  explainedVarianceRatio: number[];
  transformedHead: number[][];
}

const { cases } = loadFixture<{ cases: SvdCase[] }>("truncated_svd.json");

test("TruncatedSVD: randomized and full algorithms equal scikit-learn's TruncatedSVD", () => {
  for (const c of cases) {
    for (const algorithm of ["randomized", "full"] as const) {
      const svd = new TruncatedSVD({ nComponents: c.nComponents, algorithm, seed: 0 });
      const scores = svd.fitTransform(c.X);
      const label = `${c.name} [${algorithm}]`;
      assert.ok(maxAbsDiff(svd.singularValues.toArray(), c.singularValues) <= 1e-8, `${label}: singular values`);
      assert.ok(maxAbsDiff(svd.components.toArray(), c.components.flat()) <= 1e-6, `${label}: components`);
      assert.ok(maxAbsDiff(svd.explainedVariance.toArray(), c.explainedVariance) <= 1e-8, `${label}: explained variance`);
      assert.ok(maxAbsDiff(svd.explainedVarianceRatio.toArray(), c.explainedVarianceRatio) <= 1e-8, `${label}: ratio`);
      assert.ok(maxAbsDiff(scores.toArray().slice(0, 8 * c.nComponents), c.transformedHead.flat()) <= 1e-6, `${label}: scores`);
      assert.ok(maxAbsDiff(svd.transform(c.X.slice(0, 8)).toArray(), c.transformedHead.flat()) <= 1e-6, `${label}: transform`);
    }
  }
});

test("TruncatedSVD: inverse transform, seeds and input checks", () => {
  const X = randomMatrix(40, 10, 1);
  const svd = new TruncatedSVD({ nComponents: 10, algorithm: "full" }).fit(X);
  assert.ok(maxAbsDiff(svd.inverseTransform(svd.transform(X)).toArray(), X.toArray()) <= 1e-10);
  const a = new TruncatedSVD({ nComponents: 3, seed: 9 }).fit(X).components.toArray();
  const b = new TruncatedSVD({ nComponents: 3, seed: 9 }).fit(X).components.toArray();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.throws(() => new TruncatedSVD({ nComponents: 11 }).fit(X), /nComponents must be an integer in \[1, 10\]/);
  assert.throws(() => new TruncatedSVD().singularValues, /not available before fit/);
  assert.throws(() => svd.inverseTransform(randomMatrix(2, 3, 1)), /Y has 3 columns, expected 10/);
});
