import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import type { LoadableOptimizerStateDict } from "../../src/optim/index.js";
import { assertClose } from "../helpers/assert.js";
import { camelOptions, flatValues, makeOptimizer, makeParams, OPTIMIZERS, readFixture, trainStep } from "./helpers.js";
import type { OptimizerName } from "./helpers.js";

interface VisionTrajectory {
  optimizer: string;
  w0: number[];
  after_each_step: number[][];
}
interface VisionFixture {
  inferred_hyperparameters: Record<string, { optimizer: OptimizerName } & Record<string, unknown>>;
  optimizers: VisionTrajectory[];
}

interface TorchTrajectory {
  name: string;
  optimizer: OptimizerName;
  options: Record<string, unknown>;
  dtype: "float32" | "float64";
  groups: { slice: [number, number]; overrides: Record<string, unknown> }[] | null;
  w0: number[];
  after_each_step: number[][];
  state_dict_after_step?: { step: number; state_dict: LoadableOptimizerStateDict };
}
interface TorchReference {
  torch: string;
  trajectories: TorchTrajectory[];
}

const TOLERANCE = { float32: { rtol: 1e-5, atol: 1e-5 }, float64: { rtol: 1e-10, atol: 1e-12 } } as const;

describe("optimizers against PyTorch 2.11 (vision-reference-public.json)", () => {
  const fixture = readFixture<VisionFixture>("optimizer-trajectories.json");
  for (const entry of fixture.optimizers) {
    test(`${entry.optimizer}: five steps within 1e-5`, () => {
      const { optimizer, ...options } = fixture.inferred_hyperparameters[entry.optimizer];
      const params = makeParams(entry.w0, [[0, 6]]);
      const opt = makeOptimizer(optimizer, params, options);
      entry.after_each_step.forEach((expected, k) => {
        trainStep(opt, params, [0]);
        assertClose(flatValues(params), expected, { ...TOLERANCE.float32, message: `${entry.optimizer} after step ${k + 1}` });
      });
    });
  }
});

describe("optimizers against PyTorch (optim-reference.json from gen_optim.py)", () => {
  const reference = readFixture<TorchReference>("optim-reference.json");

  function setup(entry: TorchTrajectory) {
    const slices = entry.groups ? entry.groups.map((g) => g.slice) : [[0, 6] as [number, number]];
    const params = makeParams(entry.w0, slices, entry.dtype);
    const offsets = slices.map(([start]) => start);
    const spec = entry.groups
      ? entry.groups.map((g, i) => ({ params: [params[i]], ...camelOptions(g.overrides) }))
      : params;
    return { params, offsets, opt: makeOptimizer(entry.optimizer, spec, entry.options) };
  }

  for (const entry of reference.trajectories) {
    test(`${entry.name} (${entry.optimizer}, ${entry.dtype})`, () => {
      const { params, offsets, opt } = setup(entry);
      entry.after_each_step.forEach((expected, k) => {
        trainStep(opt, params, offsets);
        assertClose(flatValues(params), expected, { ...TOLERANCE[entry.dtype], message: `${entry.name} after step ${k + 1}` });
      });
    });
  }

  for (const entry of reference.trajectories.filter((e) => e.state_dict_after_step)) {
    test(`${entry.name}: resumes from torch's own state dict`, () => {
      const { step, state_dict: torchState } = entry.state_dict_after_step!;
      const { params, offsets, opt } = setup({ ...entry, w0: entry.after_each_step[step - 1] });
      opt.loadStateDict(torchState);
      entry.after_each_step.slice(step).forEach((expected, k) => {
        trainStep(opt, params, offsets);
        assertClose(flatValues(params), expected, { ...TOLERANCE[entry.dtype], message: `${entry.name} after step ${step + k + 1}` });
      });
    });
  }

  test("state dict keys follow torch's", () => {
    for (const entry of reference.trajectories.filter((e) => e.state_dict_after_step)) {
      const { step, state_dict: torchState } = entry.state_dict_after_step!;
      const { params, offsets, opt } = setup(entry);
      for (let k = 0; k < step; k++) trainStep(opt, params, offsets);
      const ours = opt.stateDict();
      assert.deepEqual(Object.keys(ours.state[0]), Object.keys(torchState.state[0]).filter((k) => torchState.state[0][k] !== null), entry.name);
      for (const key of Object.keys(ours.param_groups[0])) {
        if (key !== "decoupled_weight_decay") assert.ok(key in torchState.param_groups[0], `${entry.name}: torch has no param-group key ${key}`);
      }
      assert.equal(ours.state[0].step ?? step, torchState.state[0].step ?? step);
    }
  });
});

describe("optimizer mechanics", () => {
  test("params without a gradient are skipped, and zeroGrad sets grads to null", () => {
    const used = lt.tensor([1, 2], { requiresGrad: true });
    const unused = lt.tensor([3, 4], { requiresGrad: true });
    for (const Ctor of Object.values(OPTIMIZERS)) {
      const opt = new Ctor([used, unused], { lr: 0.1 });
      used.mul(used).sum().backward();
      opt.step();
      assert.deepEqual(Array.from(unused.toArray()), [3, 4]);
      assert.equal(opt.state.has(unused), false);
      opt.zeroGrad();
      assert.equal(used.grad, null);
    }
  });

  test("params may be a one-shot iterable, as Module.parameters() returns", () => {
    const tensors = [lt.tensor([1], { requiresGrad: true }), lt.tensor([2], { requiresGrad: true })];
    function* parameters() {
      yield* tensors;
    }
    const opt = new optim.Adam(parameters());
    assert.deepEqual(opt.paramGroups[0].params, tensors);
    const grouped = new optim.SGD([{ params: parameters(), lr: 0.5 }]);
    assert.equal(grouped.paramGroups[0].params.length, 2);
  });

  test("zeroGrad(false) zeroes in place", () => {
    const w = lt.tensor([1, 2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    w.sum().backward();
    const grad = w.grad!;
    opt.zeroGrad(false);
    assert.equal(w.grad, grad);
    assert.deepEqual(Array.from(grad.toArray()), [0, 0]);
  });

  test("step(closure) evaluates the closure with grad enabled and returns its loss", () => {
    const w = lt.tensor([1, -2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.5 });
    const loss = lt.noGrad(() =>
      opt.step(() => {
        opt.zeroGrad();
        const l = w.square().sum();
        l.backward();
        return l.item();
      }),
    );
    assert.equal(loss, 5);
    assert.deepEqual(Array.from(w.toArray()), [0, 0]);
  });

  test("updates reach the parameter's storage, including a contiguous view at an offset", () => {
    const base = lt.tensor([1, 2, 3, 4]);
    const view = base.slice(0, 2, 4).requiresGrad_(true);
    const opt = new optim.SGD([view], { lr: 1 });
    view.grad = lt.tensor([1, 1]);
    opt.step();
    assert.deepEqual(Array.from(base.toArray()), [1, 2, 2, 3]);
  });

  test("addParamGroup takes the defaults for omitted keys, and group lr can be changed", () => {
    const a = lt.tensor([1], { requiresGrad: true });
    const b = lt.tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.addParamGroup({ params: b, lr: 0.01 });
    assert.equal(opt.paramGroups.length, 2);
    assert.equal(opt.paramGroups[1].momentum, 0.9);
    assert.equal(opt.paramGroups[1].lr, 0.01);
    opt.paramGroups[0].lr = 0;
    a.grad = lt.tensor([1]);
    b.grad = lt.tensor([1]);
    opt.step();
    assert.equal(a.item(), 1);
    assertClose(b.item(), 0.99);
  });

  test("OneCycleLR turning SGD's momentum on seeds the buffer with the gradient, as torch", () => {
    const w = lt.tensor([1], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.1 });
    new optim.lrScheduler.OneCycleLR(opt, { maxLr: 1, totalSteps: 10 });
    assert.equal(opt.paramGroups[0].momentum, 0.95);
    w.grad = lt.tensor([2]);
    opt.step();
    assertClose(w.item(), 1 - 0.04 * 2);
    assertClose(opt.stateDict().state[0].momentum_buffer as lt.Tensor, [2]);
  });
});
