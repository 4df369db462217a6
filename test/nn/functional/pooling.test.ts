import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import type { AvgPool2dOptions, MaxPool2dOptions } from "../../../src/nn/functional/index.js";
import { assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

const MAX_CONFIGS: [string, number[], MaxPool2dOptions][] = [
  ["2x2", [2, 2, 4, 4], { kernelSize: 2 }],
  ["overlapping with padding", [1, 2, 5, 5], { kernelSize: 3, stride: 2, padding: 1 }],
  ["ceil mode", [1, 1, 6, 7], { kernelSize: 3, stride: 2, ceilMode: true }],
  ["dilation", [1, 2, 6, 6], { kernelSize: 2, stride: 1, padding: 1, dilation: 2 }],
  ["rectangular", [1, 1, 5, 6], { kernelSize: [3, 2], stride: [1, 2], padding: [1, 0] }],
  ["unbatched", [2, 4, 4], { kernelSize: 2, stride: 1 }],
];

for (const [name, shape, opts] of MAX_CONFIGS) {
  test(`maxPool2d gradcheck: ${name}`, () => assertGradcheck((x) => F.maxPool2d(x, opts), [randn(shape)]));
}

const AVG_CONFIGS: [string, number[], AvgPool2dOptions][] = [
  ["2x2", [2, 2, 4, 4], { kernelSize: 2 }],
  ["padding, counted", [1, 2, 5, 5], { kernelSize: 3, stride: 2, padding: 1 }],
  ["padding, not counted", [1, 2, 5, 5], { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false }],
  ["ceil mode", [1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }],
  ["ceil mode, pad not counted", [1, 1, 6, 6], { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }],
  ["divisor override", [1, 1, 4, 5], { kernelSize: [2, 3], stride: 1, divisorOverride: 4 }],
];

for (const [name, shape, opts] of AVG_CONFIGS) {
  test(`avgPool2d gradcheck: ${name}`, () => assertGradcheck((x) => F.avgPool2d(x, opts), [randn(shape)]));
}

test("adaptive pooling gradcheck: even and uneven windows", () => {
  assertGradcheck((x) => F.adaptiveAvgPool2d(x, [3, 2]), [randn([1, 2, 7, 5])]);
  assertGradcheck((x) => F.adaptiveAvgPool2d(x, 1), [randn([2, 2, 3, 3])]);
  assertGradcheck((x) => F.adaptiveMaxPool2d(x, [3, 2]), [randn([1, 2, 7, 5])]);
  assertGradcheck((x) => F.adaptiveMaxPool2d(x, [2, 2]), [randn([1, 2, 4, 6])]);
});

test("ceil mode drops a last window that would start in the right padding", () => {
  // H = 5, k = 2, s = 2, p = 1: ceil((5 + 2 - 2) / 2) + 1 = 4, but the 4th window starts at
  // 6 - 1 = 5, past the input, so PyTorch keeps 3.
  assert.deepEqual(F.maxPool2d(lt.zeros([1, 1, 5, 5]), { kernelSize: 2, stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 3, 3]);
  assert.deepEqual(F.maxPool2d(lt.zeros([1, 1, 5, 5]), { kernelSize: 2, stride: 2, ceilMode: true }).shape, [1, 1, 3, 3]);
  assert.deepEqual(F.maxPool2d(lt.zeros([1, 1, 5, 5]), { kernelSize: 2, stride: 2 }).shape, [1, 1, 2, 2]);
  assert.deepEqual(F.avgPool2d(lt.zeros([1, 1, 6, 6]), { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }).shape, [1, 1, 4, 4]);
});

test("maxPool2d returns flat per-plane indices of the first maximum", () => {
  const x = lt.tensor([[[[1, 3, 3, 0], [2, 0, 3, 1], [5, 5, 0, 0], [4, 5, 0, 9]]]]);
  const [y, indices] = F.maxPool2d(x, { kernelSize: 2, returnIndices: true });
  assert.deepEqual(y.tolist(), [[[[3, 3], [5, 9]]]]);
  assert.equal(indices.dtype, "int32");
  assert.deepEqual(indices.tolist(), [[[[1, 2], [8, 15]]]]);
});

test("maxPool2d without gradients (values only) matches the result recorded for backward: NaN, -inf, signed zeros", () => {
  const configs: [number[], MaxPool2dOptions][] = [
    ...MAX_CONFIGS.map(([, shape, opts]) => [shape, opts] as [number[], MaxPool2dOptions]),
    [[1, 3, 17, 23], { kernelSize: 3, stride: 2, padding: 1 }],
    [[2, 2, 9, 40], { kernelSize: [5, 3], stride: [3, 1], padding: [2, 1], dilation: [1, 2], ceilMode: true }],
  ];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [shape, opts] of configs) {
      // Every 23 elements begin with NaN, -inf, +0 and -0.
      const values = randn(shape).toArray().map((v, i) => [NaN, -Infinity, 0, -0][i % 23] ?? v);
      const x = lt.tensor(values, { dtype }).reshape(shape);
      const pool = () => F.maxPool2d(x, { ...opts, returnIndices: false });
      const frozen = pool();
      x.requiresGrad = true;
      const recorded = pool();
      const inference = lt.noGrad(pool);
      assert.ok(recorded.gradFn && !inference.gradFn && !frozen.gradFn);
      assert.deepStrictEqual(inference.tolist(), recorded.tolist(), `${dtype} ${JSON.stringify(opts)}`);
      assert.deepStrictEqual(frozen.tolist(), recorded.tolist(), `${dtype} ${JSON.stringify(opts)}`);
    }
  }
});

test("avgPool2d divisors: padding counted, not counted, and overridden", () => {
  const x = lt.ones([1, 1, 2, 2]);
  assert.deepEqual(F.avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1 }).tolist(), [[[[0.25, 0.5, 0.25], [0.5, 1, 0.5], [0.25, 0.5, 0.25]]]]);
  assert.deepEqual(F.avgPool2d(x, { kernelSize: 2, stride: 1, padding: 1, countIncludePad: false }).tolist(), [[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
  assert.deepEqual(F.avgPool2d(x, { kernelSize: 2, divisorOverride: 2 }).tolist(), [[[[2]]]]);
});

test("adaptiveMaxPool2d on uneven windows matches the windows [floor(iH/O), ceil((i+1)H/O))", () => {
  // 5 -> 3 along H: rows {0,1}, {1,2,3}, {3,4}; 3 -> 2 along W: cols {0,1}, {1,2}.
  const x = lt.tensor([[[[0, 1, 2], [9, 4, 5], [6, 7, 8], [3, 10, 11], [12, 13, 1]]]]);
  const [y, indices] = F.adaptiveMaxPool2d(x, [3, 2], { returnIndices: true });
  assert.deepEqual(y.tolist(), [[[[9, 5], [10, 11], [13, 13]]]]);
  assert.deepEqual(indices.tolist(), [[[[3, 5], [10, 11], [13, 13]]]]);
});

test("adaptiveAvgPool2d keeps a dimension given as null", () => {
  assert.deepEqual(F.adaptiveAvgPool2d(lt.zeros([2, 3, 5, 7]), [null, 2]).shape, [2, 3, 5, 2]);
  assert.deepEqual(F.adaptiveAvgPool2d(lt.zeros([3, 5, 7]), 1).shape, [3, 1, 1]);
});

test("pooling errors name the op, the arguments and the shapes", () => {
  const x = lt.zeros([1, 1, 4, 4]);
  assertThrowsWith(() => F.maxPool2d(x, { kernelSize: 3, padding: 2 }), "maxPool2d: padding should be at most half of the kernel size", "[2, 2]", "[3, 3]");
  assertThrowsWith(() => F.avgPool2d(x, { kernelSize: 2, padding: [0, 2] }), "avgPool2d: padding should be at most half");
  assertThrowsWith(() => F.maxPool2d(x, { kernelSize: 5 }), "maxPool2d", "[1, 1, 4, 4]", "0x0", "too small");
  assertThrowsWith(() => F.maxPool2d(x, { kernelSize: 0 }), "maxPool2d", "kernelSize");
  assertThrowsWith(() => F.maxPool2d(x, { kernelSize: 2, stride: 0 }), "maxPool2d", "stride");
  assertThrowsWith(() => F.maxPool2d(lt.zeros([4, 4]), { kernelSize: 2 }), "maxPool2d", "3-D or 4-D", "[4, 4]");
  assertThrowsWith(() => F.avgPool2d(x, { kernelSize: 2, divisorOverride: 0 }), "avgPool2d", "divisorOverride");
  assertThrowsWith(() => F.adaptiveAvgPool2d(x, [2, 0]), "adaptiveAvgPool2d", "outputSize");
  assertThrowsWith(() => F.adaptiveMaxPool2d(lt.zeros([2, 2, 2, 2, 2]), 1), "adaptiveMaxPool2d", "[2, 2, 2, 2, 2]");
});
