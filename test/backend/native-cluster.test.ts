import { test } from "node:test";
import assert from "node:assert/strict";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { condensedLayout, tiledLayout } from "../../src/cluster/linkage/layout.js";
import { forEachIsa, randomInt, rng } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

function randomDoubles(random: () => number, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => (random() * 2 - 1) * scale);
}

test("nearestCenters matches the reference: identical labels, distances to 1e-9, odd sizes and one center", { skip }, () => {
  const random = rng(41);
  const shapes = [[1, 1, 1], [7, 3, 2], [255, 5, 3], [257, 17, 16], [1000, 32, 16], [613, 9, 31], [300, 64, 1]];
  for (const [n, d, k] of shapes) {
    const x = randomDoubles(random, n * d, 3);
    const centers = randomDoubles(random, k * d, 3);
    const expected = new Int32Array(n), expectedDistances = new Float64Array(n);
    jsBackend.nearestCenters(x, n, d, centers, k, expected, expectedDistances);
    const labels = new Int32Array(n).fill(-1), distances = new Float64Array(n).fill(NaN);
    nativeAddon!.nearestCenters(x, n, d, centers, k, labels, distances);
    assert.deepEqual(labels, expected, `labels n=${n} d=${d} k=${k}`);
    for (let i = 0; i < n; i++) assert.ok(Math.abs(distances[i] - expectedDistances[i]) <= 1e-9 * (1 + expectedDistances[i]), `distance ${i} n=${n} d=${d} k=${k}`);
    const withoutDistances = new Int32Array(n);
    native.nearestCenters(x, n, d, centers, k, withoutDistances, null);
    assert.deepEqual(withoutDistances, expected);
  }
});

test("nearestCenters picks the first of tied centers, as the reference", { skip }, () => {
  const n = 600, d = 4, k = 8;
  const x = Float64Array.from({ length: n * d }, (_, i) => i % 3);
  const centers = new Float64Array(k * d).fill(1);
  const labels = new Int32Array(n).fill(-1);
  nativeAddon!.nearestCenters(x, n, d, centers, k, labels, null);
  assert.ok(labels.every((l) => l === 0));
});

test("pairwiseDistances equals the reference bit for bit in the condensed and tiled layouts, every instruction set", { skip }, () => {
  const random = rng(42);
  forEachIsa((isa) => {
    for (const [n, d] of [[2, 1], [3, 5], [17, 3], [33, 16], [130, 7], [201, 32]]) {
      for (const layout of [condensedLayout(n), tiledLayout(n)]) {
        const x = randomDoubles(random, n * d, 10);
        const expected = new Float64Array(layout.length), actual = new Float64Array(layout.length);
        jsBackend.pairwiseDistances(x, n, d, layout.rowPart, layout.colPart, expected);
        native.pairwiseDistances(x, n, d, layout.rowPart, layout.colPart, actual);
        assert.deepEqual(actual, expected, `${isa} n=${n} d=${d} length=${layout.length}`);
      }
    }
  });
});

test("nnChainLinkage gives the reference's merges bit for bit for complete, average, weighted and Ward", { skip }, () => {
  const random = rng(43);
  for (const method of [1, 2, 3, 6]) {
    for (let trial = 0; trial < 4; trial++) {
      const n = randomInt(random, 2, 150), d = randomInt(random, 1, 6);
      const layout = trial % 2 === 0 ? tiledLayout(n) : condensedLayout(n);
      // Rounded coordinates make tied distances, which exercise the tie-breaking order.
      const x = Float64Array.from({ length: n * d }, () => Math.round(random() * 6));
      const D = new Float64Array(layout.length);
      jsBackend.pairwiseDistances(x, n, d, layout.rowPart, layout.colPart, D);
      const Dnative = D.slice();
      const expected = new Float64Array((n - 1) * 4), actual = new Float64Array((n - 1) * 4).fill(NaN);
      jsBackend.nnChainLinkage(D, n, layout.rowPart, layout.colPart, method, expected);
      native.nnChainLinkage(Dnative, n, layout.rowPart, layout.colPart, method, actual);
      assert.deepEqual(actual, expected, `method ${method} n=${n} d=${d}`);
    }
  }
});

test("the native clustering kernels reject arrays too short for the sizes given", { skip }, () => {
  const layout = condensedLayout(10);
  assert.throws(() => nativeAddon!.nearestCenters(new Float64Array(5), 10, 1, new Float64Array(2), 2, new Int32Array(10), null), RangeError);
  assert.throws(() => nativeAddon!.pairwiseDistances(new Float64Array(20), 10, 2, layout.rowPart, layout.colPart, new Float64Array(44)), RangeError);
  assert.throws(() => nativeAddon!.nnChainLinkage(new Float64Array(45), 10, layout.rowPart, layout.colPart, 4, new Float64Array(36)), RangeError);
});

test("elkanAssign follows the reference bit for bit through several k-means steps, first pass included", { skip }, () => {
  const random = rng(44);
  for (const [n, d, k] of [[1, 3, 1], [50, 3, 4], [2000, 7, 9], [1500, 32, 16]]) {
    const x = randomDoubles(random, n * d, 4);
    const centers = randomDoubles(random, k * d, 4);
    const half = new Float64Array(k * k), nextCenter = new Float64Array(k), drift = new Float64Array(k);
    const state = () => ({ labels: new Int32Array(n), upper: new Float64Array(n), lower: new Float64Array(n * k) });
    const ref = state(), nat = state();
    for (let step = 0; step < 4; step++) {
      // Centers drift a little each step, as between k-means iterations; the bounds stay valid.
      for (let j = 0; j < k; j++) {
        const moved = step === 0 ? 0 : random() * 0.3;
        for (let t = 0; t < d; t++) centers[j * d + t] += moved / Math.sqrt(d);
        drift[j] += moved;
      }
      for (let a = 0; a < k; a++) {
        nextCenter[a] = Infinity;
        for (let b = 0; b < k; b++) {
          let s = 0;
          for (let t = 0; t < d; t++) s += (centers[a * d + t] - centers[b * d + t]) ** 2;
          half[a * k + b] = Math.sqrt(s) / 2;
          if (a !== b) nextCenter[a] = Math.min(nextCenter[a], half[a * k + b]);
        }
      }
      for (const [i, l] of ref.labels.entries()) ref.upper[i] += step === 0 ? 0 : drift[l] * 0.1;
      nat.upper.set(ref.upper);
      jsBackend.elkanAssign(x, n, d, centers, k, half, nextCenter, drift, ref.labels, ref.upper, ref.lower, step === 0);
      native.elkanAssign(x, n, d, centers, k, half, nextCenter, drift, nat.labels, nat.upper, nat.lower, step === 0);
      assert.deepEqual(nat.labels, ref.labels, `labels step ${step} n=${n} d=${d} k=${k}`);
      assert.deepEqual(nat.upper, ref.upper, `upper bounds step ${step}`);
      assert.deepEqual(nat.lower, ref.lower, `lower bounds step ${step}`);
    }
  }
});

test("mstSingleLinkage gives the reference's tree edges bit for bit, ties included, every instruction set", { skip }, () => {
  const random = rng(45);
  forEachIsa((isa) => {
    for (const [n, d] of [[2, 1], [3, 2], [9, 1], [40, 3], [157, 5], [300, 16]]) {
      // Small integer coordinates give many tied distances.
      const x = Float64Array.from({ length: n * d }, () => (n % 2 === 0 ? Math.round(random() * 4) : random() * 10));
      const expected = new Float64Array((n - 1) * 4), actual = new Float64Array((n - 1) * 4).fill(NaN);
      jsBackend.mstSingleLinkage(x, n, d, expected);
      native.mstSingleLinkage(x, n, d, actual);
      assert.deepEqual(actual, expected, `${isa} n=${n} d=${d}`);
    }
  });
});
