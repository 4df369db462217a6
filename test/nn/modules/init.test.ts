import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import { assertThrowsWith } from "../../helpers/assert.js";

const { init } = nn;

function moments(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const a = Array.from(t.toArray());
  const mean = a.reduce((s, x) => s + x, 0) / a.length;
  const variance = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...a), max: Math.max(...a) };
}

/** Within `rel` of `expected`: loose enough for sampling noise on a few thousand draws. */
function near(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.abs(expected), `${what}: ${actual}, expected about ${expected}`);
}

describe("PyTorch's default initialisation", () => {
  test("Linear: weight and bias uniform in +-1/sqrt(fan_in) (kaiming_uniform_ with a = sqrt(5))", () => {
    const layer = new nn.Linear(400, 120);
    const bound = 1 / Math.sqrt(400);
    const w = moments(layer.weight);
    assert.ok(w.min >= -bound && w.max <= bound);
    near(w.std, bound / Math.sqrt(3), 0.03, "weight std");
    near(w.max, bound, 0.01, "weight reaches the bound");
    const b = moments(layer.bias!);
    assert.ok(b.min >= -bound && b.max <= bound);
  });

  test("Conv2d: fan_in = inChannels / groups x kH x kW", () => {
    const conv = new nn.Conv2d(8, 16, 3, { groups: 2 });
    const bound = 1 / Math.sqrt(4 * 9);
    const w = moments(conv.weight);
    assert.ok(w.min >= -bound && w.max <= bound);
    near(w.std, bound / Math.sqrt(3), 0.06, "weight std");
  });

  test("Embedding: N(0, 1) with the padding row zeroed; BatchNorm: weight 1, bias 0, var 1", () => {
    const emb = new nn.Embedding(200, 30, { paddingIdx: -1 });
    assert.equal(emb.paddingIdx, 199);
    const m = moments(emb.weight.narrow(0, 0, 199));
    near(m.std, 1, 0.05, "std");
    assert.ok(Math.abs(m.mean) < 0.05);
    assert.deepEqual([...emb.weight.select(0, 199).toArray()], new Array(30).fill(0));
    const bn = new nn.BatchNorm2d(2);
    assert.deepEqual([bn.weight, bn.bias, bn.running_mean, bn.running_var].map((t) => [...t!.toArray()]), [[1, 1], [0, 0], [0, 0], [1, 1]]);
  });

  test("lt.manualSeed makes model initialisation reproducible; a generator option isolates it", () => {
    const build = () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Linear(4, 2), new nn.Embedding(3, 2));
    const values = (m: nn.Module) => Object.values(m.stateDict()).map((t) => [...t.toArray()]);
    lt.manualSeed(42);
    const a = values(build());
    lt.manualSeed(42);
    assert.deepEqual(values(build()), a);
    lt.manualSeed(43);
    assert.notDeepEqual(values(build()), a);
    const own = (seed: number) => [...new nn.Linear(3, 3, { generator: new lt.Generator(seed) }).weight.toArray()];
    assert.deepEqual(own(5), own(5));
  });
});

describe("nn.init", () => {
  test("calculateGain and calculateFanInAndFanOut follow torch.nn.init", () => {
    assert.equal(init.calculateGain("relu"), Math.SQRT2);
    assert.equal(init.calculateGain("tanh"), 5 / 3);
    assert.equal(init.calculateGain("leaky_relu", Math.sqrt(5)), Math.sqrt(1 / 3));
    assert.deepEqual(init.calculateFanInAndFanOut(lt.zeros([16, 6, 5, 5])), { fanIn: 150, fanOut: 400 });
    assertThrowsWith(() => init.calculateFanInAndFanOut(lt.zeros([3])), "at least 2 dims", "[3]");
  });

  test("kaimingNormal_ (fan_out, relu), xavierNormal_ and xavierUniform_ have the documented spread", () => {
    const t = lt.zeros([64, 32, 3, 3]);
    near(moments(init.kaimingNormal_(t, { mode: "fan_out", nonlinearity: "relu" })).std, Math.sqrt(2 / (64 * 9)), 0.03, "kaiming normal");
    near(moments(init.xavierNormal_(t)).std, Math.sqrt(2 / (32 * 9 + 64 * 9)), 0.03, "xavier normal");
    const bound = Math.sqrt(6 / (32 * 9 + 64 * 9));
    const u = moments(init.xavierUniform_(t, { gain: 2 }));
    assert.ok(u.max <= 2 * bound && u.min >= -2 * bound);
  });

  test("truncNormal_ stays inside [low, high]; constant_/zeros_/ones_ fill; parameters can be re-initialised", () => {
    const t = init.truncNormal_(lt.zeros([2000]), 0, 1, -0.5, 0.5);
    const m = moments(t);
    assert.ok(m.min >= -0.5 && m.max <= 0.5);
    assertThrowsWith(() => init.truncNormal_(lt.zeros([2]), 10, 1, -1, 1), "more than 2 std");
    const p = new nn.Parameter(lt.zeros([3]));
    assert.deepEqual([...init.constant_(p, 0.5).toArray()], [0.5, 0.5, 0.5]);
    assert.ok(p.requiresGrad);
    assert.deepEqual([...init.ones_(init.zeros_(lt.zeros([2]))).toArray()], [1, 1]);
    const view = lt.zeros([4, 4]).transpose(0, 1);
    init.uniform_(view, 2, 3);
    assert.ok(view.toArray().every((x) => x >= 2 && x < 3), "non-contiguous views are filled too");
  });
});

describe("layer arguments and behaviour", () => {
  test("Conv2d validates its arguments like PyTorch", () => {
    assertThrowsWith(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), "inChannels (3) must be divisible by groups (2)");
    assertThrowsWith(() => new nn.Conv2d(4, 3, 3, { groups: 2 }), "outChannels (3) must be divisible by groups (2)");
    assertThrowsWith(() => new nn.Conv2d(1, 1, 3, { padding: "same", stride: 2 }), 'padding "same" is not supported for strided convolutions');
    assertThrowsWith(() => new nn.Conv2d(1, 1, 0), "kernelSize must be an integer >= 1, got 0");
    assert.equal(
      new nn.Conv2d(2, 4, [3, 1], { padding: [1, 0], dilation: 2, groups: 2, bias: false }).toString(),
      "Conv2d(2, 4, kernel_size=(3, 1), stride=(1, 1), padding=(1, 0), dilation=(2, 2), groups=2, bias=False)",
    );
  });

  test("Embedding: the padding row gets no gradient; fromPretrained copies and freezes", () => {
    const emb = new nn.Embedding(4, 2, { paddingIdx: 1 });
    emb.call(lt.tensor([1, 2, 1, 3], { dtype: "int32" })).sum().backward();
    assert.deepEqual([...emb.weight.grad!.toArray()], [0, 0, 0, 0, 1, 1, 1, 1]);
    const weights = lt.tensor([[1, 2], [3, 4]]);
    const frozen = nn.Embedding.fromPretrained(weights);
    assert.equal(frozen.weight.requiresGrad, false);
    assert.notEqual(frozen.weight.data, weights.data);
    assert.deepEqual(frozen.call(lt.tensor([1], { dtype: "int32" })).tolist(), [[3, 4]]);
    assert.ok(nn.Embedding.fromPretrained(weights, { freeze: false }).weight.requiresGrad);
    assertThrowsWith(() => new nn.Embedding(4, 2, { paddingIdx: 4 }), "paddingIdx must be an integer within [-4, 4), got 4");
  });

  test("Dropout2d zeroes whole channels in training; dropout probabilities are checked", () => {
    const drop = new nn.Dropout2d(0.5, { generator: new lt.Generator(1) });
    const y = drop.call(lt.ones([4, 8, 3, 3]));
    const perChannel = y.reshape([32, 9]).toArray();
    for (let c = 0; c < 32; c++) {
      const values = new Set(perChannel.subarray(c * 9, c * 9 + 9));
      assert.ok(values.size === 1 && (values.has(0) || values.has(2)), `channel ${c} is all 0 or all 2`);
    }
    assertThrowsWith(() => new nn.Dropout(1.5), "Dropout: dropout probability has to be between 0 and 1, got 1.5");
  });
});
