import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { FLOAT64, reference, stored } from "./reference.js";

describe("MultiheadAttention against PyTorch", () => {
  for (const [name, c] of Object.entries(reference.mha)) {
    test(name, () => {
      const { embedDim, numHeads, kdim, vdim, bias, batchFirst, averageAttnWeights } = c.config;
      const mha = new nn.MultiheadAttention(embedDim, numHeads, { kdim: kdim ?? undefined, vdim: vdim ?? undefined, bias, batchFirst }).double();
      mha.loadStateDict(Object.fromEntries(Object.entries(c.params).map(([k, t]) => [k, stored(t)])));
      const [q, k, v] = [c.query, c.key, c.value].map((t) => stored(t).requiresGrad_());
      const [out, weights] = mha.call(q, k, v, {
        attnMask: c.attnMask && stored(c.attnMask),
        keyPaddingMask: c.keyPaddingMask && stored(c.keyPaddingMask),
        averageAttnWeights,
      });
      assertClose(out, stored(c.output), { ...FLOAT64, message: "output" });
      assertClose(weights!, stored(c.weights), { ...FLOAT64, message: "attention weights" });
      out.mul(stored(c.gy)).sum().backward();
      assertClose(q.grad!.toArray(), c.grads.query, { ...FLOAT64, message: "query grad" });
      assertClose(k.grad!.toArray(), c.grads.key, { ...FLOAT64, message: "key grad" });
      assertClose(v.grad!.toArray(), c.grads.value, { ...FLOAT64, message: "value grad" });
      for (const [pname, p] of mha.namedParameters()) assertClose(p.grad!.toArray(), c.grads[pname], { ...FLOAT64, message: `${pname} grad` });
    });
  }
});

describe("MultiheadAttention behaviour", () => {
  const L = 3;
  const inputs = () => [lt.randn([L, 2, 4]), lt.randn([L, 2, 4]), lt.randn([L, 2, 4])];

  test("self-attention (one tensor as query, key and value) projects with the stacked weight and matches three projections, gradients included", () => {
    lt.manualSeed(2);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true }).double();
    const x = lt.randn([2, 5, 8], { dtype: "float64" });
    const gy = lt.randn([2, 5, 8], { dtype: "float64" });
    const run = (self: boolean) => {
      mha.zeroGrad();
      const input = x.clone().requiresGrad_();
      const [k, v] = self ? [input, input] : [input.mul(1), input.mul(1)];
      const [out, weights] = mha.call(input, k, v, { isCausal: true });
      out.mul(gy).sum().backward();
      return { out, weights: weights!, grad: input.grad!, inProj: mha.in_proj_weight!.grad!.clone(), bias: mha.in_proj_bias!.grad!.clone() };
    };
    const fused = run(true), separate = run(false);
    for (const key of ["out", "weights", "grad", "inProj", "bias"] as const) {
      assertClose(fused[key], separate[key], { rtol: 1e-12, atol: 1e-12, message: key });
    }
  });

  test("isCausal without a mask equals the explicit causal bool mask (true = blocked)", () => {
    lt.manualSeed(1);
    const mha = new nn.MultiheadAttention(4, 2);
    const [q, k, v] = inputs();
    const causal = lt.tensor([[false, true, true], [false, false, true], [false, false, false]]);
    const [a, wa] = mha.call(q, k, v, { isCausal: true });
    const [b, wb] = mha.call(q, k, v, { attnMask: causal });
    assertClose(a, b, { rtol: 0, atol: 0 });
    assertClose(wa!, wb!, { rtol: 0, atol: 0 });
    const w = wa!.toArray();
    for (let n = 0; n < 2; n++) for (let i = 0; i < L; i++) for (let j = i + 1; j < L; j++) assert.equal(w[n * 9 + i * 3 + j], 0);
  });

  test("needWeights false returns null; per-head weights are [N, H, L, S] and sum to 1", () => {
    const mha = new nn.MultiheadAttention(4, 2);
    const [q, k, v] = inputs();
    assert.equal(mha.call(q, k, v, { needWeights: false })[1], null);
    const weights = mha.call(q, k, v, { averageAttnWeights: false })[1]!;
    assert.deepEqual(weights.shape, [2, 2, L, L]);
    assertClose(weights.sum(-1), lt.ones([2, 2, L]), { atol: 1e-6 });
  });

  test("dropout acts on the weights in training only, drawing from the given generator", () => {
    const g = new lt.Generator(3);
    const mha = new nn.MultiheadAttention(4, 2, { dropout: 0.5, generator: g });
    const [q, k, v] = inputs();
    const [, train] = mha.call(q, k, v);
    assert.ok(train!.toArray().some((x) => x === 0), "some weights dropped");
    const [evalA] = mha.eval().call(q, k, v);
    const [evalB] = mha.call(q, k, v);
    assertClose(evalA, evalB, { rtol: 0, atol: 0 });
  });

  test("default initialisation: xavier-uniform in_proj, zero biases, Linear-style out_proj weight", () => {
    const mha = new nn.MultiheadAttention(8, 2);
    const bound = Math.sqrt(6 / (8 + 24));
    assert.ok(mha.in_proj_weight!.toArray().every((x) => Math.abs(x) <= bound));
    assert.ok(mha.in_proj_bias!.toArray().every((x) => x === 0));
    assert.ok(mha.out_proj.bias!.toArray().every((x) => x === 0));
    assert.ok(mha.out_proj.weight.toArray().every((x) => Math.abs(x) <= 1 / Math.sqrt(8)));
  });

  test("errors name the argument and the expected shape", () => {
    assertThrowsWith(() => new nn.MultiheadAttention(6, 4), "embedDim (6) must be divisible by numHeads (4)");
    const mha = new nn.MultiheadAttention(4, 2);
    const [q, k, v] = inputs();
    assertThrowsWith(() => mha.call(q, k, v, { attnMask: lt.zeros([2, 2]) }), "attnMask has shape [2, 2], expected [3, 3] or [4, 3, 3]");
    assertThrowsWith(() => mha.call(q, k, v, { keyPaddingMask: lt.zeros([3, 2]) }), "keyPaddingMask has shape [3, 2], expected [2, 3]");
    assertThrowsWith(() => mha.call(q, lt.randn([L, 4]), v), "key and value must be 3-D like query");
    assertThrowsWith(() => mha.call(lt.randn([L, 2, 5]), k, v), "query has 5 features, expected embedDim 4");
  });
});
