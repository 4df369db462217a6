import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import { getModel } from "../../../src/vision/models/index.js";
import { summary } from "../../../src/analysis/index.js";
import { architectures } from "./fixtures.js";
import { detInput, fillDeterministic } from "./deterministic.js";

/**
 * Every architecture against torchvision 0.14 (test/fixtures/gen_vision.py): the state-dict keys
 * and shapes in torchvision's order, the totals at the default resolution, and eval-mode logits
 * at a small input with the deterministic weights both sides compute from the key names.
 *
 * Five big VGGs are left out of the logits checks only: filling 133-144M parameters takes over a
 * second each, and they share every line of code with the configurations that are checked (A, C,
 * D with BN); their keys and totals are checked, and LRN has its own PyTorch comparison.
 */
const SLOW_LOGITS = new Set(["vgg11_bn", "vgg11_lrn", "vgg13", "vgg16", "vgg19"]);

const build = (c: (typeof architectures.cases)[number]) => getModel(c.model, { ...c.options, skipInit: true });

describe("architectures: state-dict keys and shapes equal torchvision's", () => {
  for (const c of architectures.cases) {
    test(`${c.id} ${JSON.stringify(c.options)}`, () => {
      const keys = Object.entries(build(c).stateDict()).map(([k, t]) => [k, t.shape]);
      assert.equal(keys.length, c.keys.length, `${c.id}: ${keys.length} state-dict entries, torchvision has ${c.keys.length}`);
      assert.deepEqual(keys, c.keys);
    });
  }
});

describe("architectures: totals at the default resolution equal torchvision's", () => {
  for (const c of architectures.cases) {
    test(`${c.id} at ${c.totals.input.join("x")}`, () => {
      const s = summary(build(c), c.totals.input);
      assert.deepEqual(
        { output: s.outputShape, params: s.params, trainable: s.trainableParams, buffers: s.buffers, macs: s.macs },
        { output: c.totals.output, params: c.totals.params, trainable: c.totals.trainable, buffers: c.totals.bn_buffers, macs: c.totals.macs },
      );
    });
  }
});

describe("architectures: eval-mode logits equal torchvision's (deterministic weights)", () => {
  for (const c of architectures.cases) {
    if (!c.logits || SLOW_LOGITS.has(c.id)) continue;
    const ref = c.logits;
    test(`${c.id} at ${ref.input.join("x")}`, () => {
      const model = build(c);
      fillDeterministic(model);
      model.eval();
      const logits = lt.noGrad(() => model.call(detInput(ref.input))) as Tensor;
      assert.deepEqual(logits.shape, ref.shape);
      // Deep residual nets with random statistics reach large logits; compare relative to their spread.
      const tolerance = 1e-4 * Math.max(1, ref.std);
      const classes = ref.shape[1];
      const values = logits.toArray();
      ref.head.forEach((row, r) => row.forEach((expected, j) => {
        const actual = values[r * classes + j];
        assert.ok(Math.abs(actual - expected) <= tolerance, `${c.id}: logit [${r}, ${j}] is ${actual}, torchvision ${expected} (tolerance ${tolerance})`);
      }));
      assert.ok(Math.abs(logits.mean().item() - ref.mean) <= tolerance, `${c.id}: mean ${logits.mean().item()} vs ${ref.mean}`);
      assert.deepEqual(logits.argmax(1).tolist(), ref.argmax);
    });
  }
});
