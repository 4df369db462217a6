import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import type { Reduction } from "../../../src/nn/functional/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn, uniform } from "./util.js";

const REDUCTIONS: Reduction[] = ["mean", "sum", "none"];
const target = lt.tensor([1, 0, 3, 2, 3], { dtype: "int32" });
const classWeight = lt.tensor([0.5, 2, 1, 1.5], { dtype: "float64" });

for (const reduction of REDUCTIONS) {
  test(`crossEntropy gradcheck, reduction ${reduction}: plain, weighted with ignoreIndex and label smoothing`, () => {
    assertGradcheck((x) => F.crossEntropy(x, target, { reduction }), [randn([5, 4])]);
    const opts = { weight: classWeight, ignoreIndex: 3, labelSmoothing: 0.25, reduction };
    assertGradcheck((x) => F.crossEntropy(x, target, opts), [randn([5, 4])]);
  });
}

test("crossEntropy gradcheck: spatial [N, C, d1, d2], probability targets, unbatched", () => {
  const spatialTarget = lt.tensor([[[0, 2], [-100, 1]], [[2, 2], [1, -100]]], { dtype: "int32" });
  assertGradcheck((x) => F.crossEntropy(x, spatialTarget, { weight: classWeight.slice(0, 0, 3), labelSmoothing: 0.1 }), [randn([2, 3, 2, 2])]);
  assertGradcheck((x, p) => F.crossEntropy(x, p, { weight: classWeight, labelSmoothing: 0.2 }), [randn([3, 4]), randn([3, 4]).softmax(1)]);
  assertGradcheck((x) => F.crossEntropy(x, lt.tensor(2, { dtype: "int32" })), [randn([4])]);
});

test("nllLoss gradcheck with weight and ignoreIndex", () => {
  for (const reduction of REDUCTIONS) {
    assertGradcheck((x) => F.nllLoss(x, target, { weight: classWeight, ignoreIndex: 0, reduction }), [randn([5, 4])]);
  }
});

test("regression losses gradcheck, including a broadcast target", () => {
  for (const reduction of REDUCTIONS) {
    assertGradcheck((x, t) => F.mseLoss(x, t, { reduction }), [randn([3, 4]), randn([3, 4])]);
    assertGradcheck((x, t) => F.l1Loss(x, t, { reduction }), [randn([3, 4]), randn([4])]);
    assertGradcheck((x, t) => F.smoothL1Loss(x, t, { reduction, beta: 0.5 }), [randn([3, 4]), randn([3, 4])]);
    assertGradcheck((x, t) => F.huberLoss(x, t, { reduction, delta: 1.5 }), [randn([3, 4]).mul(2), randn([3, 4])]);
  }
  assertGradcheck((x, t) => F.smoothL1Loss(x, t, { beta: 0 }), [randn([5]), randn([5])]);
});

test("binary cross-entropy gradcheck, with respect to input and target", () => {
  const weight = lt.tensor([0.5, 1, 2], { dtype: "float64" });
  for (const reduction of REDUCTIONS) {
    assertGradcheck((x, t) => F.binaryCrossEntropy(x, t, { weight, reduction }), [uniform([4, 3], 0.05, 0.95), uniform([4, 3], 0, 1)]);
    const posWeight = lt.tensor([3, 0.5, 1], { dtype: "float64" });
    assertGradcheck((x, t) => F.binaryCrossEntropyWithLogits(x, t, { weight, posWeight, reduction }), [randn([4, 3]).mul(3), uniform([4, 3], 0, 1)]);
  }
});

test("klDiv gradcheck", () => {
  assertGradcheck((x, t) => F.klDiv(x, t, { reduction: "batchmean" }), [randn([3, 4]).logSoftmax(1), uniform([3, 4], 0.1, 1)]);
  assertGradcheck((x, t) => F.klDiv(x, t, { reduction: "none", logTarget: true }), [randn([3, 4]), randn([3, 4])]);
});

test("crossEntropy with label smoothing and class weights, by hand", () => {
  // logp = log_softmax([0, ln 2, ln 5]) = log([1, 2, 5] / 8); target 2 (weight 3) and ignored row.
  const logits = lt.tensor([[0, Math.log(2), Math.log(5)], [1, 2, 3]], { dtype: "float64" });
  const t = lt.tensor([2, -100], { dtype: "int32" });
  const w = lt.tensor([1, 2, 3], { dtype: "float64" });
  const logp = [1, 2, 5].map((v) => Math.log(v / 8));
  const nll = -3 * logp[2];
  const smooth = -(1 * logp[0] + 2 * logp[1] + 3 * logp[2]);
  const eps = 0.3;
  // The weighted mean divides both parts by the weight of the (only) counted target.
  const expected = ((1 - eps) * nll + (eps / 3) * smooth) / 3;
  assertClose(F.crossEntropy(logits, t, { weight: w, labelSmoothing: eps }), expected, { rtol: 1e-12 });
  assertClose(F.crossEntropy(logits, t, { weight: w, labelSmoothing: eps, reduction: "none" }), [(1 - eps) * nll + (eps / 3) * smooth, 0], { rtol: 1e-12 });
});

test("crossEntropy whose every target is ignored: NaN mean (0 / 0, as PyTorch), zero sum", () => {
  const logits = randn([2, 3]);
  const t = lt.tensor([-100, -100], { dtype: "int32" });
  assert.ok(Number.isNaN(F.crossEntropy(logits, t).item()));
  assert.equal(F.crossEntropy(logits, t, { reduction: "sum" }).item(), 0);
});

test("binaryCrossEntropy clamps log at -100; the logits form is stable", () => {
  const loss = F.binaryCrossEntropy(lt.tensor([0, 1], { dtype: "float64" }), lt.tensor([1, 0], { dtype: "float64" }), { reduction: "none" });
  assert.deepEqual(loss.tolist(), [100, 100]);
  const logits = F.binaryCrossEntropyWithLogits(lt.tensor([-800, 800], { dtype: "float64" }), lt.tensor([1, 0], { dtype: "float64" }), { reduction: "none" });
  assert.deepEqual(logits.tolist(), [800, 800]);
});

test("loss errors name the op, the shapes and the argument", () => {
  const logits = lt.zeros([5, 4]);
  assertThrowsWith(() => F.crossEntropy(logits, lt.tensor([0, 1, 2], { dtype: "int32" })), "crossEntropy: expected target of shape [5] for input of shape [5, 4], got [3]");
  assertThrowsWith(() => F.crossEntropy(logits, lt.tensor([0, 1, 2, 3, 4], { dtype: "int32" })), "crossEntropy: target 4 is out of bounds for 4 classes");
  assertThrowsWith(() => F.crossEntropy(logits, lt.tensor([0, 1, 2, 3, -1], { dtype: "int32" })), "crossEntropy: target -1 is out of bounds");
  assertThrowsWith(() => F.crossEntropy(logits, lt.zeros([5, 3])), "crossEntropy: probability targets must have the input's shape [5, 4], got [5, 3]");
  assertThrowsWith(() => F.crossEntropy(logits, target, { weight: lt.ones([3]) }), "crossEntropy: weight has shape [3], expected [4]");
  assertThrowsWith(() => F.crossEntropy(logits, target, { labelSmoothing: 1.5 }), "crossEntropy: labelSmoothing must be between 0 and 1");
  assertThrowsWith(() => F.crossEntropy(logits, target, { reduction: "avg" as Reduction }), 'crossEntropy: reduction must be "mean", "sum" or "none", got "avg"');
  assertThrowsWith(() => F.nllLoss(logits, target.double()), "nllLoss: target must hold int32 class indices, got float64");
  assertThrowsWith(() => F.mseLoss(lt.zeros([3, 4]), lt.zeros([3, 5])), "mseLoss", "[3, 4]", "[3, 5]");
  assertThrowsWith(() => F.binaryCrossEntropy(lt.full([3], 1.5), lt.zeros([3])), "binaryCrossEntropy: all elements of input should be between 0 and 1");
  assertThrowsWith(() => F.binaryCrossEntropy(lt.zeros([3, 1]), lt.zeros([3])), "binaryCrossEntropy: target shape [3] differs from input shape [3, 1]");
  assertThrowsWith(() => F.binaryCrossEntropyWithLogits(lt.zeros([3]), lt.zeros([2])), "binaryCrossEntropyWithLogits: target shape [2] differs");
  assertThrowsWith(() => F.huberLoss(lt.zeros([2]), lt.zeros([2]), { delta: 0 }), "huberLoss: delta must be positive");
});
