import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import type { Scheduler } from "../../src/optim/lr-scheduler/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";
import { readFixture } from "./helpers.js";

const S = optim.lrScheduler;

interface Schedule {
  name: string;
  lrs: number[][];
  momenta: (number | null)[][];
}

function sgd(groups = 1): optim.SGD {
  if (groups === 1) return new optim.SGD([lt.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
  // gen_optim.py's two_lrs: lr 0.1 and 0.02
  return new optim.SGD([{ params: [lt.zeros([1], { requiresGrad: true })], lr: 0.1 }, { params: [lt.zeros([1], { requiresGrad: true })], lr: 0.02 }], { momentum: 0.9 });
}

/** The schedules of gen_optim.py, built the same way with Lantern. */
const BUILDERS: Record<string, () => Scheduler> = {
  step_lr: () => new S.StepLR(sgd(), { stepSize: 3, gamma: 0.5 }),
  step_lr_two_groups: () => new S.StepLR(sgd(2), { stepSize: 2 }),
  multi_step_lr_repeated: () => new S.MultiStepLR(sgd(), { milestones: [2, 5, 5, 9], gamma: 0.3 }),
  exponential_lr: () => new S.ExponentialLR(sgd(), { gamma: 0.9 }),
  cosine_annealing_lr_past_tmax: () => new S.CosineAnnealingLR(sgd(), { tMax: 10, etaMin: 0.001 }),
  cosine_annealing_lr_two_groups: () => new S.CosineAnnealingLR(sgd(2), { tMax: 6 }),
  linear_lr_warmup: () => new S.LinearLR(sgd(), { startFactor: 0.1, endFactor: 1, totalIters: 4 }),
  linear_lr_decay: () => new S.LinearLR(sgd(), { startFactor: 1, endFactor: 0.2, totalIters: 5 }),
  linear_lr_defaults: () => new S.LinearLR(sgd()),
  one_cycle_cos_sgd: () => new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 20 }),
  one_cycle_linear_sgd: () => new S.OneCycleLR(sgd(), { maxLr: 0.5, totalSteps: 16, annealStrategy: "linear", pctStart: 0.25 }),
  one_cycle_three_phase_adam: () =>
    new S.OneCycleLR(new optim.Adam([lt.zeros([1], { requiresGrad: true })], { lr: 1e-3 }), {
      maxLr: 0.01, epochs: 4, stepsPerEpoch: 5, pctStart: 0.25, threePhase: true, divFactor: 10, finalDivFactor: 100,
    }),
  one_cycle_cos_three_phase_sgd: () => new S.OneCycleLR(sgd(), { maxLr: 0.2, totalSteps: 30, threePhase: true }),
  one_cycle_groups_no_momentum_cycle: () => new S.OneCycleLR(sgd(2), { maxLr: [0.1, 0.5], totalSteps: 10, cycleMomentum: false }),
  one_cycle_groups_momentum_lists: () =>
    new S.OneCycleLR(sgd(2), { maxLr: [0.1, 0.5], totalSteps: 12, baseMomentum: [0.8, 0.85], maxMomentum: [0.9, 0.99] }),
  sequential_warmup_cosine: () => {
    const opt = sgd();
    const warmup = new S.LinearLR(opt, { startFactor: 0.1, totalIters: 3 });
    const cosine = new S.CosineAnnealingLR(opt, { tMax: 7, etaMin: 0.001 });
    return new S.SequentialLR(opt, { schedulers: [warmup, cosine], milestones: [3] });
  },
  sequential_three_stage: () => {
    const opt = sgd();
    const schedulers = [new S.LinearLR(opt, { startFactor: 0.25, totalIters: 2 }), new S.ExponentialLR(opt, { gamma: 0.9 }), new S.StepLR(opt, { stepSize: 2, gamma: 0.5 })];
    return new S.SequentialLR(opt, { schedulers, milestones: [2, 6] });
  },
};

function momenta(opt: optim.Optimizer): number[] {
  return opt.paramGroups.map((g) => (Array.isArray(g.betas) ? (g.betas[0] as number) : (g.momentum as number)));
}

/** Rates agree to a few ulps: both sides use the same recursions, but libm's cos and pow may differ by one ulp. */
const TIGHT = { rtol: 1e-12, atol: 1e-15 };

describe("schedulers against PyTorch (optim-reference.json)", () => {
  const { schedules } = readFixture<{ schedules: Schedule[] }>("optim-reference.json");

  test("every reference schedule has a Lantern builder", () => {
    assert.deepEqual(Object.keys(BUILDERS).sort(), schedules.map((s) => s.name).sort());
  });

  for (const schedule of schedules) {
    test(schedule.name, () => {
      const scheduler = BUILDERS[schedule.name]();
      schedule.lrs.forEach((expected, k) => {
        if (k > 0) scheduler.step();
        assertClose(scheduler.getLastLr(), expected, { ...TIGHT, message: `lr after ${k} steps` });
        assertClose(scheduler.optimizer.paramGroups.map((g) => g.lr), expected, { ...TIGHT, message: `group lr after ${k} steps` });
        const expectedMomenta = schedule.momenta[k];
        if (expectedMomenta.every((m) => m !== null)) {
          assertClose(momenta(scheduler.optimizer), expectedMomenta as number[], { ...TIGHT, message: `momentum after ${k} steps` });
        }
      });
    });
  }
});

describe("scheduler behaviour", () => {
  test("CosineAnnealingLR's recursion matches its closed form for plain stepping", () => {
    const scheduler = new S.CosineAnnealingLR(sgd(), { tMax: 50, etaMin: 0.01 });
    for (let t = 1; t <= 50; t++) {
      scheduler.step();
      assertClose(scheduler.getLastLr()[0], 0.01 + ((0.1 - 0.01) * (1 + Math.cos((Math.PI * t) / 50))) / 2, { rtol: 1e-12, atol: 1e-15 });
    }
  });

  test("OneCycleLR refuses to step past totalSteps", () => {
    const scheduler = new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 3 });
    for (let k = 0; k < 3; k++) scheduler.step();
    assertThrowsWith(() => scheduler.step(), "OneCycleLR: tried to step 4 times", "totalSteps 3");
  });

  test("state dicts are JSON and resume the schedule exactly", () => {
    const builds: [string, () => Scheduler][] = [
      ["step", BUILDERS.step_lr],
      ["cosine", BUILDERS.cosine_annealing_lr_past_tmax],
      ["one-cycle", BUILDERS.one_cycle_cos_sgd],
      ["sequential", BUILDERS.sequential_warmup_cosine],
    ];
    for (const [name, build] of builds) {
      const original = build();
      for (let k = 0; k < 5; k++) original.step();
      const schedulerState = JSON.parse(JSON.stringify(original.stateDict()));
      const optimizerState = original.optimizer.stateDict();
      const expected: number[][] = [];
      for (let k = 0; k < 6; k++) {
        original.step();
        expected.push(original.getLastLr());
      }
      const copy = build();
      copy.optimizer.loadStateDict(optimizerState);
      copy.loadStateDict(schedulerState);
      assert.equal(copy.lastEpoch, 5, name);
      const got: number[][] = [];
      for (let k = 0; k < 6; k++) {
        copy.step();
        got.push(copy.getLastLr());
      }
      assert.deepEqual(got, expected, name);
    }
  });

  test("state dict uses torch's names", () => {
    const scheduler = new S.StepLR(sgd(), { stepSize: 3 });
    assert.deepEqual(scheduler.stateDict(), { step_size: 3, gamma: 0.1, base_lrs: [0.1], last_epoch: 0, _step_count: 1, _last_lr: [0.1] });
  });

  test("resuming with lastEpoch needs initialLr in the groups", () => {
    assertThrowsWith(() => new S.StepLR(sgd(), { stepSize: 2, lastEpoch: 3 }), "StepLR: parameter group 0 has no initialLr", "lastEpoch 3");
    const opt = sgd();
    opt.paramGroups[0].initialLr = 0.1;
    const resumed = new S.StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch: 3 });
    assert.equal(resumed.lastEpoch, 4);
    assert.deepEqual(resumed.getLastLr(), [0.05]);
  });

  test("invalid options are rejected with the argument and value", () => {
    assertThrowsWith(() => new S.StepLR(sgd(), { stepSize: 0 }), "StepLR: stepSize must be a positive integer, got 0");
    assertThrowsWith(() => new S.MultiStepLR(sgd(), { milestones: [1, -2] }), "MultiStepLR: milestones must be an array of non-negative integers");
    assertThrowsWith(() => new S.CosineAnnealingLR(sgd(), { tMax: -1 }), "CosineAnnealingLR: tMax must be a positive number, got -1");
    assertThrowsWith(() => new S.LinearLR(sgd(), { startFactor: 0 }), "LinearLR: startFactor must be in (0, 1], got 0");
    assertThrowsWith(() => new S.LinearLR(sgd(), { endFactor: 2 }), "LinearLR: endFactor must be in [0, 1], got 2");
    assertThrowsWith(() => new S.OneCycleLR(sgd(), { maxLr: 1 }), "OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch");
    assertThrowsWith(() => new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, pctStart: 1.5 }), "OneCycleLR: pctStart must be in [0, 1], got 1.5");
    assertThrowsWith(() => new S.OneCycleLR(sgd(), { maxLr: 1, totalSteps: 10, annealStrategy: "exp" as "cos" }), 'annealStrategy must be "cos" or "linear", got "exp"');
    assertThrowsWith(() => new S.OneCycleLR(sgd(2), { maxLr: [1, 2, 3], totalSteps: 10 }), "OneCycleLR: maxLr must be a number or one number per parameter group (2)");
    assertThrowsWith(() => new S.StepLR(sgd(), { stepSize: 2, step_size: 3 } as never), 'StepLR: unknown option "step_size"');
    const opt = sgd();
    const other = sgd();
    assertThrowsWith(() => new S.SequentialLR(opt, { schedulers: [new S.StepLR(opt, { stepSize: 1 }), new S.StepLR(other, { stepSize: 1 })], milestones: [2] }), "SequentialLR: schedulers[1] belongs to a different optimizer");
    assertThrowsWith(() => new S.SequentialLR(opt, { schedulers: [new S.StepLR(opt, { stepSize: 1 })], milestones: [2] }), "SequentialLR: expected 0 milestones for 1 schedulers");
  });
});
