import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

test("linear gradcheck over 1-D, 2-D and 3-D inputs", () => {
  assertGradcheck((x, w, b) => F.linear(x, w, b), [randn([4, 3]), randn([2, 3]), randn([2])]);
  assertGradcheck((x, w, b) => F.linear(x, w, b), [randn([2, 3, 3]), randn([2, 3]), randn([2])]);
  assertGradcheck((x, w) => F.linear(x, w), [randn([3]), randn([4, 3])]);
});

test("linear is x W^T + b over any leading dims", () => {
  const x = randn([2, 3, 4]);
  const w = randn([5, 4]);
  const b = randn([5]);
  const y = F.linear(x, w, b);
  assert.deepEqual(y.shape, [2, 3, 5]);
  assertClose(y, x.matmul(w.T).add(b), { rtol: 1e-12 });
  // A transposed (non-contiguous) input gives the same result.
  const xt = randn([4, 3]).T;
  assertClose(F.linear(xt, w, b), xt.contiguous().matmul(w.T).add(b), { rtol: 1e-12 });
});

test("embedding gradcheck: repeated ids accumulate, the padding row gets nothing", () => {
  const ids = lt.tensor([[0, 2, 2], [3, 1, 0]], { dtype: "int32" });
  assertGradcheck((w) => F.embedding(ids, w), [randn([4, 3])]);
  const w = randn([4, 3]).requiresGrad_();
  const y = F.embedding(ids, w, { paddingIdx: 2 });
  assert.deepEqual(y.shape, [2, 3, 3]);
  assertClose(y.select(0, 0).select(0, 1), w.detach().select(0, 2), { rtol: 0 });
  y.sum().backward();
  assert.deepEqual(w.grad!.tolist(), [[2, 2, 2], [1, 1, 1], [0, 0, 0], [1, 1, 1]]);
});

test("linear and embedding errors name the shapes", () => {
  assertThrowsWith(() => F.linear(lt.zeros([2, 5]), lt.zeros([3, 4])), "linear: input has 5 features (shape [2, 5]), weight expects 4 (shape [3, 4])");
  assertThrowsWith(() => F.linear(lt.zeros([2, 4]), lt.zeros([3, 4]), lt.zeros([4])), "linear: bias has shape [4], expected [3]");
  assertThrowsWith(() => F.linear(lt.zeros([2, 4]), lt.zeros([4])), "linear: weight must be 2-D", "[4]");
  assertThrowsWith(() => F.embedding(lt.tensor([0, 5], { dtype: "int32" }), lt.zeros([5, 2])), "embedding: index 5 is out of range for 5 embeddings");
  assertThrowsWith(() => F.embedding(lt.tensor([-1], { dtype: "int32" }), lt.zeros([5, 2])), "embedding: index -1 is out of range");
  assertThrowsWith(() => F.embedding(lt.tensor([0, 1]), lt.zeros([5, 2])), "embedding: input must hold int32 indices, got float32");
  assertThrowsWith(() => F.embedding(lt.tensor([0], { dtype: "int32" }), lt.zeros([5, 2]), { paddingIdx: 5 }), "embedding: paddingIdx 5 is out of range");
});
