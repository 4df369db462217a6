import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { flatValues, makeParams, trainStep } from "./helpers.js";

const W0 = [-0.4867807626724243, -0.6038215756416321, -0.5580962300300598, 0.6675242781639099, -0.19741509854793549, 1.9427834749221802];
const SLICES: [number, number][] = [[0, 2], [2, 6]];
const OFFSETS = [0, 2];

/** Two groups with different hyper-parameters, so the dict must carry per-group values. */
const CASES: { name: string; make: (p: Tensor[]) => optim.Optimizer }[] = [
  { name: "SGD nesterov", make: (p) => new optim.SGD([{ params: [p[0]], lr: 0.02 }, { params: [p[1]] }], { lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }) },
  { name: "SGD dampening", make: (p) => new optim.SGD([{ params: [p[0]] }, { params: [p[1]], momentum: 0 }], { lr: 0.01, momentum: 0.5, dampening: 0.1 }) },
  { name: "Adam amsgrad", make: (p) => new optim.Adam([{ params: [p[0]], betas: [0.8, 0.9] }, { params: [p[1]] }], { lr: 0.05, amsgrad: true }) },
  { name: "AdamW", make: (p) => new optim.AdamW([{ params: [p[0]] }, { params: [p[1]], weightDecay: 0.3 }], { lr: 0.05 }) },
  { name: "RMSprop centered", make: (p) => new optim.RMSprop([{ params: [p[0]], lr: 0.02 }, { params: [p[1]] }], { lr: 0.01, momentum: 0.9, centered: true }) },
];

/** 3 steps, the state dict, 2 more steps; returns the final values and the dict. */
function continuous(make: (p: Tensor[]) => optim.Optimizer) {
  const params = makeParams(W0, SLICES);
  const opt = make(params);
  for (let k = 0; k < 3; k++) trainStep(opt, params, OFFSETS);
  const saved = opt.stateDict();
  const savedParams = flatValues(params);
  for (let k = 0; k < 2; k++) trainStep(opt, params, OFFSETS);
  return { final: flatValues(params), saved, savedParams };
}

/** A fresh optimizer on the saved parameters, loaded from `dict`, then 2 steps. */
function resumed(make: (p: Tensor[]) => optim.Optimizer, savedParams: number[], dict: optim.LoadableOptimizerStateDict) {
  const params = makeParams(savedParams, SLICES);
  const opt = make(params);
  opt.loadStateDict(dict);
  for (let k = 0; k < 2; k++) trainStep(opt, params, OFFSETS);
  return flatValues(params);
}

describe("optimizer state dict round trip", () => {
  for (const { name, make } of CASES) {
    test(`${name}: 3 steps + save + 2 steps equals load + 2 steps, bit for bit`, () => {
      const { final, saved, savedParams } = continuous(make);
      assert.deepEqual(resumed(make, savedParams, saved), final);
    });

    test(`${name}: survives JSON (buffers as arrays) and safetensors flattening`, () => {
      const { final, saved, savedParams } = continuous(make);
      const json = JSON.parse(JSON.stringify(saved, (_, v: unknown) => (v instanceof lt.Tensor ? Array.from(v.toArray()) : v)));
      assert.deepEqual(resumed(make, savedParams, json), final);
      const { tensors, metadata } = optim.flattenStateDict(saved);
      assert.ok(Object.values(metadata).every((v) => typeof v === "string"));
      assert.ok(Object.keys(tensors).every((k) => /^state\.\d+\.[a-z_]+$/.test(k)));
      assert.deepEqual(resumed(make, savedParams, optim.unflattenStateDict(tensors, metadata)), final);
    });
  }

  test("the snapshot is a copy: later steps do not change it", () => {
    const params = makeParams(W0, SLICES);
    const opt = new optim.Adam(params, { lr: 0.1 });
    trainStep(opt, params, OFFSETS);
    const saved = opt.stateDict();
    const before = Array.from((saved.state[0].exp_avg as Tensor).toArray());
    trainStep(opt, params, OFFSETS);
    assert.deepEqual(Array.from((saved.state[0].exp_avg as Tensor).toArray()), before);
    assert.equal(saved.state[0].step, 1);
  });

  test("layout: param_groups in torch's snake_case with parameter indices, state by index", () => {
    const params = makeParams(W0, SLICES);
    const opt = new optim.SGD([{ params: [params[0]] }, { params: [params[1]], lr: 0.5 }], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    trainStep(opt, params, OFFSETS);
    const { state, param_groups } = opt.stateDict();
    assert.deepEqual(param_groups, [
      { lr: 0.1, momentum: 0.9, dampening: 0, weight_decay: 0.01, nesterov: false, maximize: false, params: [0] },
      { lr: 0.5, momentum: 0.9, dampening: 0, weight_decay: 0.01, nesterov: false, maximize: false, params: [1] },
    ]);
    assert.deepEqual(Object.keys(state), ["0", "1"]);
    assert.deepEqual((state[1].momentum_buffer as Tensor).shape, [4]);
  });

  test("scheduler keys stored in groups (initial_lr…) are saved and restored", () => {
    const params = makeParams(W0, SLICES);
    const opt = new optim.SGD(params, { lr: 0.1, momentum: 0.9 });
    new optim.lrScheduler.OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    const group = opt.stateDict().param_groups[0];
    assert.equal(group.initial_lr, 0.04);
    assert.equal(group.max_lr, 1);
    const fresh = new optim.SGD(makeParams(W0, SLICES), { lr: 0.1, momentum: 0.9 });
    fresh.loadStateDict(opt.stateDict());
    assert.equal(fresh.paramGroups[0].initialLr, 0.04);
    assert.equal(fresh.paramGroups[0].baseMomentum, 0.85);
  });

  test("mismatched dicts are rejected with the reason, and leave the optimizer unchanged", () => {
    const params = makeParams(W0, SLICES);
    const opt = new optim.Adam(params, { lr: 0.1 });
    trainStep(opt, params, OFFSETS);
    const good = opt.stateDict();
    const other = new optim.Adam([{ params: [params[0]] }, { params: [params[1]] }], { lr: 0.1 });
    assertThrowsWith(() => other.loadStateDict(good), "Adam.loadStateDict", "1 parameter groups", "has 2");
    const single = new optim.Adam([params[0]]);
    assertThrowsWith(() => single.loadStateDict(good), "parameter group 0 has 2 parameters in the state dict, 1 in the optimizer");
    const badBuffer = { ...good, state: { 0: { ...good.state[0], exp_avg: [1, 2, 3] } } };
    assertThrowsWith(() => opt.loadStateDict(badBuffer), "state[0].exp_avg has 3 elements", "shape [2]");
    assert.equal(opt.state.get(params[0])!.step, 1);
    const badGroup = { ...good, param_groups: [{ ...good.param_groups[0], betas: [1.5, 0.9] }] };
    assertThrowsWith(() => opt.loadStateDict(badGroup), "Adam: betas[0] must be in [0, 1), got 1.5");
    assertThrowsWith(() => optim.unflattenStateDict({}, {}), "unflattenStateDict", "flattenStateDict");
  });
});
