import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import type { Conv2dOptions } from "../../../src/nn/functional/index.js";
import { assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

const CONFIGS: [string, number[], number[], Conv2dOptions][] = [
  ["plain", [2, 2, 5, 5], [3, 2, 3, 3], {}],
  ["stride and padding pairs", [1, 2, 6, 5], [2, 2, 3, 2], { stride: [2, 1], padding: [1, 2] }],
  ["asymmetric same, even kernel", [1, 2, 5, 6], [2, 2, 4, 2], { padding: "same" }],
  ["same with dilation", [1, 1, 6, 6], [2, 1, 2, 3], { padding: "same", dilation: [3, 2] }],
  ["dilation", [1, 2, 7, 7], [2, 2, 3, 3], { dilation: 2, padding: 1 }],
  ["groups", [1, 4, 5, 5], [6, 2, 3, 3], { groups: 2, stride: 2, padding: 1 }],
  ["depthwise", [2, 3, 4, 4], [3, 1, 3, 3], { groups: 3, padding: 1 }],
  ["pointwise", [2, 3, 3, 4], [4, 3, 1, 1], {}],
  ["valid", [1, 1, 4, 6], [1, 1, 2, 3], { padding: "valid", stride: [1, 3] }],
];

for (const [name, xShape, wShape, opts] of CONFIGS) {
  test(`conv2d gradcheck: ${name}`, () => {
    assertGradcheck((x, w, b) => F.conv2d(x, w, b, opts), [randn(xShape), randn(wShape), randn([wShape[0]])]);
  });
}

test("conv2d gradcheck: unbatched input without bias", () => {
  assertGradcheck((x, w) => F.conv2d(x, w, null, { padding: 1 }), [randn([2, 4, 4]), randn([3, 2, 3, 3])]);
});

test("conv2d 'same' keeps the spatial size and pads the extra zero bottom/right", () => {
  // A kernel that picks the top-left tap shows where the padding went: with k = 2 the total
  // padding is 1, all of it after, so output[i][j] = x[i][j].
  const x = lt.arange(0, 12, 1, { dtype: "float32" }).reshape([1, 1, 3, 4]);
  const w = lt.tensor([[[[1, 0], [0, 0]]]]);
  const y = F.conv2d(x, w, null, { padding: "same" });
  assert.deepEqual(y.shape, [1, 1, 3, 4]);
  assert.deepEqual(Array.from(y.toArray()), Array.from(x.toArray()));
  // And the bottom-right tap reads past the end: the last row and column see the padding.
  const w2 = lt.tensor([[[[0, 0], [0, 1]]]]);
  assert.deepEqual(F.conv2d(x, w2, null, { padding: "same" }).tolist(), [[[[5, 6, 7, 0], [9, 10, 11, 0], [0, 0, 0, 0]]]]);
});

test("conv2d output sizes follow floor((H + 2p - d(k-1) - 1) / s) + 1", () => {
  const y = F.conv2d(lt.zeros([2, 3, 11, 8]), lt.zeros([5, 3, 3, 2]), null, { stride: [2, 3], padding: [1, 2], dilation: [2, 1] });
  assert.deepEqual(y.shape, [2, 5, 5, 4]);
  assert.deepEqual(F.conv2d(lt.zeros([3, 9, 9]), lt.zeros([4, 3, 3, 3]), null, { padding: "valid" }).shape, [4, 7, 7]);
});

test("conv2d only computes the gradients that are needed", () => {
  const x = randn([1, 2, 4, 4]);
  const w = randn([3, 2, 3, 3]).requiresGrad_();
  F.conv2d(x, w).sum().backward();
  assert.equal(x.grad, null);
  assert.deepEqual(w.grad?.shape, [3, 2, 3, 3]);
});

test("conv2d errors name the op and the shapes", () => {
  const x = lt.zeros([2, 3, 7, 7]);
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 4, 3, 3])), "conv2d: input has 3 channels, weight expects 4 (groups=1)");
  assertThrowsWith(() => F.conv2d(lt.zeros([1, 4, 5, 5]), lt.zeros([4, 1, 3, 3]), null, { groups: 2 }), "conv2d: input has 4 channels, weight expects 2 (groups=2)");
  assertThrowsWith(() => F.conv2d(lt.zeros([1, 6, 5, 5]), lt.zeros([4, 2, 3, 3]), null, { groups: 4 }), "conv2d", "6 channels", "groups=4");
  assertThrowsWith(() => F.conv2d(lt.zeros([1, 4, 5, 5]), lt.zeros([3, 2, 3, 3]), null, { groups: 2 }), "conv2d", "3 output channels", "groups=2");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3, 3]), lt.zeros([5])), "conv2d", "bias has shape [5]", "expected [4]");
  assertThrowsWith(() => F.conv2d(lt.zeros([1, 1, 2, 2]), lt.zeros([1, 1, 3, 3])), "conv2d", "2x2", "3x3", "[1, 1, 2, 2]", "[1, 1, 3, 3]");
  assertThrowsWith(() => F.conv2d(lt.zeros([1, 1, 4, 4]), lt.zeros([1, 1, 2, 2]), null, { dilation: 4 }), "conv2d", "dilated kernel is 5x5");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3, 3]), null, { padding: "same", stride: 2 }), "conv2d", "same", "strided");
  assertThrowsWith(() => F.conv2d(lt.zeros([7, 7]), lt.zeros([4, 3, 3, 3])), "conv2d", "[7, 7]");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3])), "conv2d", "weight must be 4-D", "[4, 3, 3]");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3, 3]), null, { stride: 0 }), "conv2d", "stride");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3, 3]), null, { padding: -1 }), "conv2d", "padding");
  assertThrowsWith(() => F.conv2d(x, lt.zeros([4, 3, 3, 3], { dtype: "float64" })), "conv2d", "float64", "float32");
  assertThrowsWith(() => F.conv2d(x.int(), lt.zeros([4, 3, 3, 3])), "conv2d", "int32");
});
