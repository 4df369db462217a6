import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

const boolMask = lt.tensor([[true, false, true, true], [false, true, true, false], [true, true, false, false]]);

test("scaledDotProductAttention gradcheck: plain, masked, causal, scaled", () => {
  assertGradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v), [randn([2, 3, 4]), randn([2, 4, 4]), randn([2, 4, 2])]);
  assertGradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v, { attnMask: boolMask }), [randn([2, 3, 2]), randn([2, 4, 2]), randn([2, 4, 3])]);
  assertGradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.7 }), [randn([1, 4, 3]), randn([1, 5, 3]), randn([1, 5, 2])]);
});

test("scaledDotProductAttention gradcheck with a float mask that needs a gradient", () => {
  assertGradcheck((q, k, v, m) => F.scaledDotProductAttention(q, k, v, { attnMask: m }), [randn([2, 3, 2]), randn([2, 4, 2]), randn([2, 4, 2]), randn([3, 4])]);
});

test("scaledDotProductAttention gradcheck with a fully masked row", () => {
  const mask = lt.tensor([[true, true, false], [false, false, false]]);
  assertGradcheck((q, k, v) => F.scaledDotProductAttention(q, k, v, { attnMask: mask }), [randn([2, 2, 3]), randn([2, 3, 3]), randn([2, 3, 2])]);
});

test("a fully masked query row attends to nothing: zeros, and no NaN in any gradient (PyTorch >= 2.5)", () => {
  const q = randn([1, 2, 3]).requiresGrad_();
  const k = randn([1, 4, 3]).requiresGrad_();
  const v = randn([1, 4, 2]).requiresGrad_();
  const mask = lt.tensor([[true, false, true, false], [false, false, false, false]]);
  const out = F.scaledDotProductAttention(q, k, v, { attnMask: mask });
  assert.deepEqual((out.tolist() as number[][][])[0][1], [0, 0]);
  out.sum().backward();
  for (const t of [q, k, v]) assert.ok(Array.from(t.grad!.toArray()).every(Number.isFinite));
  assert.deepEqual(Array.from(q.grad!.toArray()).slice(3), [0, 0, 0]);
  // -inf in a float mask counts the same way.
  const floatMask = lt.tensor([[0, -Infinity, 0, -Infinity], [-Infinity, -Infinity, -Infinity, -Infinity]], { dtype: "float64" });
  assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: floatMask }), out.detach(), { rtol: 1e-12, atol: 1e-15 });
});

test("a bool mask equals the float mask that adds -inf where it is false; isCausal is the lower triangle", () => {
  const [q, k, v] = [randn([2, 3, 2]), randn([2, 4, 2]), randn([2, 4, 3])];
  const additive = lt.where(boolMask, 0, -Infinity).double();
  assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: boolMask }), F.scaledDotProductAttention(q, k, v, { attnMask: additive }), { rtol: 1e-12, atol: 1e-15 });
  const causal = lt.tensor([[true, false, false, false], [true, true, false, false], [true, true, true, false]]);
  assertClose(F.scaledDotProductAttention(q, k, v, { isCausal: true }), F.scaledDotProductAttention(q, k, v, { attnMask: causal }), { rtol: 1e-12, atol: 1e-15 });
});

test("the default scale is 1 / sqrt(E)", () => {
  const [q, k, v] = [randn([3, 4]), randn([5, 4]), randn([5, 2])];
  const expected = q.matmul(k.T).div(2).softmax(-1).matmul(v);
  assertClose(F.scaledDotProductAttention(q, k, v), expected, { rtol: 1e-12 });
});

test("attention dropout follows its generator", () => {
  const [q, k, v] = [randn([2, 3, 4]), randn([2, 3, 4]), randn([2, 3, 4])];
  const a = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new lt.Generator(9) });
  const b = F.scaledDotProductAttention(q, k, v, { dropoutP: 0.5, generator: new lt.Generator(9) });
  assert.deepEqual(a.tolist(), b.tolist());
  assert.notDeepEqual(a.tolist(), F.scaledDotProductAttention(q, k, v).tolist());
});

test("attention errors name the mismatched shapes", () => {
  const q = lt.zeros([2, 3, 4]);
  assertThrowsWith(() => F.scaledDotProductAttention(q, lt.zeros([2, 5, 3]), lt.zeros([2, 5, 4])), "scaledDotProductAttention: query has embedding size 4 but key has 3", "[2, 3, 4]", "[2, 5, 3]");
  assertThrowsWith(() => F.scaledDotProductAttention(q, lt.zeros([2, 5, 4]), lt.zeros([2, 6, 4])), "scaledDotProductAttention: key has 5 positions but value has 6");
  assertThrowsWith(() => F.scaledDotProductAttention(q, q, q, { isCausal: true, attnMask: lt.ones([3, 3], { dtype: "bool" }) }), "scaledDotProductAttention", "isCausal");
  assertThrowsWith(() => F.scaledDotProductAttention(q, q, q, { attnMask: lt.zeros([3, 3], { dtype: "int32" }) }), "scaledDotProductAttention", "int32");
  assertThrowsWith(() => F.scaledDotProductAttention(lt.zeros([4]), q, q), "scaledDotProductAttention", "at least 2 dims");
});
