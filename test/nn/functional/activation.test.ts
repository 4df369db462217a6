import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

const ACTIVATIONS: Record<string, (x: Tensor) => Tensor> = {
  relu: F.relu,
  relu6: F.relu6,
  leakyRelu: (x) => F.leakyRelu(x, 0.1),
  elu: (x) => F.elu(x, 0.7),
  selu: F.selu,
  hardtanh: (x) => F.hardtanh(x, -1.5, 2),
  gelu: (x) => F.gelu(x),
  geluTanh: (x) => F.gelu(x, "tanh"),
  silu: F.silu,
  mish: F.mish,
  sigmoid: F.sigmoid,
  tanh: F.tanh,
  hardswish: F.hardswish,
  hardsigmoid: F.hardsigmoid,
  softplus: (x) => F.softplus(x),
  softplusBetaThreshold: (x) => F.softplus(x, 3, 4),
  logSigmoid: F.logSigmoid,
  softmax: (x) => F.softmax(x, 1),
  logSoftmax: (x) => F.logSoftmax(x, 0),
};

for (const [name, fn] of Object.entries(ACTIVATIONS)) {
  test(`${name} gradcheck`, () => assertGradcheck(fn, [randn([3, 7]).mul(4)]));
}

test("activations keep float32 inputs float32", () => {
  const x = lt.tensor([[-2, 0.5, 3], [1, -4, 7]]);
  for (const [name, fn] of Object.entries(ACTIVATIONS)) assert.equal(fn(x).dtype, "float32", name);
});

test("softplus with beta and threshold switches to the identity above threshold / beta", () => {
  const x = lt.tensor([-1, 0, 1, 2, 30], { dtype: "float64" });
  const y = F.softplus(x, 2, 3);
  assertClose(y, [Math.log1p(Math.exp(-2)) / 2, Math.log(2) / 2, Math.log1p(Math.exp(2)) / 2, 2, 30], { rtol: 1e-12 });
  const big = lt.tensor([1000], { dtype: "float64", requiresGrad: true });
  F.softplus(big, 2, 3).sum().backward();
  assert.deepEqual(Array.from(big.grad!.toArray()), [1]);
});

test("logSigmoid is finite for large negative inputs", () => {
  assertClose(F.logSigmoid(lt.tensor([-1000, 0, 1000], { dtype: "float64" })), [-1000, -Math.LN2, 0], { rtol: 1e-12 });
});

test("gelu rejects an unknown approximation", () => {
  assertThrowsWith(() => F.gelu(lt.zeros([2]), "fast" as F.GeluApproximate), "gelu", "fast");
  assertThrowsWith(() => F.hardtanh(lt.zeros([2]), 1, -1), "hardtanh", "minVal");
});
