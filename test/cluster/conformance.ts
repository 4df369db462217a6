import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Tensor } from "../../src/tensor/tensor.js";
import type { MatrixLike } from "../../src/cluster/index.js";
import { randomMatrix } from "./helpers.js";

/** The surface every clustering estimator shares. */
export interface ClusterEstimator {
  fit(X: MatrixLike): unknown;
  fitPredict(X: MatrixLike): Int32Array;
  readonly labels: Int32Array;
  predict?(X: MatrixLike): Int32Array;
  transform?(X: MatrixLike): Tensor;
}

export interface EstimatorSpec {
  name: string;
  /** A fresh estimator with `clusters` clusters; `seed` is passed on when the estimator is random. */
  make(clusters: number, seed?: number): ClusterEstimator;
  /** Hyper-parameters the constructor must store as given. */
  hyperParameters: Record<string, unknown>;
  /** Estimator built from exactly `hyperParameters`. */
  makeWith(params: Record<string, unknown>): ClusterEstimator;
  /** Learned attributes that must not be readable before fit. */
  learned: string[];
  /** Columns of transform's output, when the estimator has one. */
  transformWidth?: (clusters: number) => number;
  /** Whether results depend on a seed (else they must be identical whatever happens). */
  random: boolean;
}

/**
 * scikit-learn's `check_estimator`, for Lantern's clustering estimators: the estimator contract
 * (constructor stores, fit sets state and returns this), output shapes, input forms, determinism
 * under a seed, and clear errors for bad input. Every estimator in `cluster` runs it.
 */
export function checkEstimator(spec: EstimatorSpec): void {
  const X = randomMatrix(60, 3, 17, 10);
  const k = 3;
  describe(`${spec.name} conformance`, () => {
    it("the constructor only stores hyper-parameters; learned state is unreadable before fit", () => {
      const est = spec.makeWith(spec.hyperParameters) as unknown as Record<string, unknown>;
      for (const [key, value] of Object.entries(spec.hyperParameters)) assert.deepEqual(est[key], value, `hyper-parameter ${key}`);
      for (const attr of spec.learned) assert.throws(() => est[attr], /not available before fit\(X\); call fit first/, attr);
      const fresh = spec.make(k, 0);
      if (fresh.predict) assert.throws(() => fresh.predict?.(X), /before fit/);
    });
    it("fit returns this and sets labels of shape [n] in [0, k)", () => {
      const est = spec.make(k, 0);
      assert.equal(est.fit(X), est);
      assert.ok(est.labels instanceof Int32Array);
      assert.equal(est.labels.length, X.length);
      for (const l of est.labels) assert.ok(l >= 0 && l < k, `label ${l}`);
      assert.deepEqual(Array.from(spec.make(k, 0).fitPredict(X)), Array.from(est.labels));
    });
    it("predict and transform have the documented shapes and reject a wrong feature count", () => {
      const est = spec.make(k, 0);
      est.fit(X);
      const fresh = randomMatrix(7, 3, 5, 10);
      if (est.predict) {
        const p = est.predict(fresh);
        assert.equal(p.length, 7);
        assert.deepEqual(Array.from(est.predict(X.slice(0, 10))), Array.from(est.predict(X).slice(0, 10)));
        assert.throws(() => est.predict?.(randomMatrix(2, 4, 1)), /X has 4 features, but the model was fitted with 3/);
      }
      if (est.transform && spec.transformWidth) {
        const t = est.transform(fresh);
        assert.deepEqual(t.shape, [7, spec.transformWidth(k)]);
        assert.equal(t.dtype, "float64");
      }
    });
    it("does not modify its input, and reads number[][], float64 and float32 tensors alike", () => {
      const copy = X.map((r) => [...r]);
      const nested = Array.from(spec.make(k, 0).fitPredict(X));
      assert.deepEqual(X, copy);
      const rounded = X.map((r) => r.map((v) => Math.fround(v)));
      const t64 = Tensor.fromTypedArray(Float64Array.from(rounded.flat()), [60, 3]);
      const t32 = Tensor.fromTypedArray(Float32Array.from(rounded.flat()), [60, 3]);
      assert.deepEqual(Array.from(spec.make(k, 0).fitPredict(t32)), Array.from(spec.make(k, 0).fitPredict(t64)));
      assert.deepEqual(Array.from(spec.make(k, 0).fitPredict(rounded)), Array.from(spec.make(k, 0).fitPredict(t64)));
      assert.equal(nested.length, 60);
    });
    it(spec.random ? "is deterministic under a seed" : "is deterministic", () => {
      const a = spec.make(k, 42).fitPredict(X);
      const b = spec.make(k, 42).fitPredict(X);
      assert.deepEqual(Array.from(a), Array.from(b));
      const est = spec.make(k, 42);
      est.fit(X);
      est.fit(X);
      assert.deepEqual(Array.from(est.labels), Array.from(a), "refitting gives the same result");
    });
    it("refitting replaces the learned state", () => {
      const est = spec.make(k, 0);
      est.fit(X);
      est.fit(X.slice(0, 20));
      assert.equal(est.labels.length, 20);
    });
    it("rejects bad input with errors that name the problem", () => {
      const est = spec.make(k, 0);
      const withNaN = X.map((r) => [...r]);
      withNaN[4][1] = NaN;
      assert.throws(() => est.fit(withNaN), (e: Error) => e instanceof RangeError && /X\[4\]\[1\] is NaN/.test(e.message));
      assert.throws(() => est.fit([[1, 2], [3]]), (e: Error) => e instanceof RangeError && /ragged: row 1 has 1 values, row 0 has 2/.test(e.message));
      assert.throws(() => est.fit([1, 2, 3] as unknown as number[][]), /must be 2-D/);
      assert.throws(() => est.fit(Tensor.fromTypedArray(new Float64Array(3))), /must be 2-D \[samples, features\], got shape \[3\]/);
      assert.throws(() => est.fit([]), /empty/);
      assert.throws(() => est.fit([["a", 1]] as unknown as number[][]), TypeError);
      assert.throws(() => spec.make(5, 0).fit(X.slice(0, 4)), /nClusters=5 is larger than the number of samples \(4\)/);
      assert.throws(() => spec.make(0, 0).fit(X), /nClusters must be an integer >= 1, got 0/);
      assert.throws(() => spec.make(1.5, 0).fit(X), /nClusters must be an integer >= 1, got 1.5/);
    });
  });
}
