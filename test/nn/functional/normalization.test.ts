import { test } from "node:test";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn, uniform } from "./util.js";

for (const shape of [[5, 3], [3, 2, 4], [2, 3, 3, 2]]) {
  test(`batchNorm gradcheck in training, input ${JSON.stringify(shape)}`, () => {
    const c = shape[1];
    assertGradcheck((x, w, b) => F.batchNorm(x, null, null, w, b, true), [randn(shape), randn([c]), randn([c])]);
    assertGradcheck((x) => F.batchNorm(x, null, null, null, null, true, 0.1, 1e-3), [randn(shape)]);
  });
}

test("batchNorm gradcheck in training with running stats, weight only", () => {
  const runningMean = lt.zeros([3], { dtype: "float64" });
  const runningVar = lt.ones([3], { dtype: "float64" });
  assertGradcheck((x, w) => F.batchNorm(x, runningMean, runningVar, w, null, true), [randn([4, 3, 2]), randn([3])]);
});

test("batchNorm gradcheck in eval mode", () => {
  const runningMean = randn([3]);
  const runningVar = uniform([3], 0.5, 2);
  assertGradcheck((x, w, b) => F.batchNorm(x, runningMean, runningVar, w, b, false), [randn([2, 3, 2, 2]), randn([3]), randn([3])]);
  assertGradcheck((x) => F.batchNorm(x, runningMean, runningVar), [randn([4, 3])]);
});

test("batchNorm updates running stats with the unbiased variance and normalises with the biased one", () => {
  // One channel, values 1..4: mean 2.5, biased variance 1.25, unbiased 5/3.
  const x = lt.tensor([1, 2, 3, 4], { shape: [4, 1], dtype: "float64" });
  const runningMean = lt.tensor([1], { dtype: "float64" });
  const runningVar = lt.tensor([2], { dtype: "float64" });
  const y = F.batchNorm(x, runningMean, runningVar, null, null, true, 0.25, 0);
  assertClose(y.toArray(), [-1.5, -0.5, 0.5, 1.5].map((v) => v / Math.sqrt(1.25)), { rtol: 1e-12 });
  assertClose(runningMean, [0.75 * 1 + 0.25 * 2.5], { rtol: 1e-12 });
  assertClose(runningVar, [0.75 * 2 + 0.25 * (5 / 3)], { rtol: 1e-12 });
  // Eval mode uses the running stats and leaves them alone.
  const z = F.batchNorm(x, runningMean, runningVar, lt.tensor([2], { dtype: "float64" }), lt.tensor([1], { dtype: "float64" }), false, 0.25, 0);
  const [m, v] = [runningMean.item(), runningVar.item()];
  assertClose(z.toArray(), [1, 2, 3, 4].map((value) => ((value - m) / Math.sqrt(v)) * 2 + 1), { rtol: 1e-12 });
  assertClose(runningMean, [1.375], { rtol: 1e-12 });
});

test("layerNorm gradcheck over one and two trailing dims, with and without affine", () => {
  assertGradcheck((x, w, b) => F.layerNorm(x, [4], w, b), [randn([2, 3, 4]), randn([4]), randn([4])]);
  assertGradcheck((x, w, b) => F.layerNorm(x, [3, 4], w, b, 1e-3), [randn([2, 3, 4]), randn([3, 4]), randn([3, 4])]);
  assertGradcheck((x) => F.layerNorm(x, 5), [randn([3, 5])]);
});

test("groupNorm gradcheck", () => {
  assertGradcheck((x, w, b) => F.groupNorm(x, 2, w, b), [randn([2, 4, 2, 2]), randn([4]), randn([4])]);
  assertGradcheck((x) => F.groupNorm(x, 3), [randn([2, 3, 4])]);
});

test("layerNorm gives zero mean and unit variance per row", () => {
  const y = F.layerNorm(randn([4, 6]).mul(3).add(2), [6], null, null, 0);
  assertClose(y.mean(1), [0, 0, 0, 0], { atol: 1e-12 });
  assertClose(y.var(1, { correction: 0 }), [1, 1, 1, 1], { rtol: 1e-12 });
});

test("normalization errors name the op and the shapes", () => {
  const x = lt.zeros([4, 3, 2, 2]);
  assertThrowsWith(() => F.batchNorm(x, lt.zeros([4]), lt.ones([4])), "batchNorm: runningMean has shape [4], expected [3]", "[4, 3, 2, 2]");
  assertThrowsWith(() => F.batchNorm(x, null, null, lt.ones([2]), null, true), "batchNorm: weight has shape [2], expected [3]");
  assertThrowsWith(() => F.batchNorm(lt.zeros([1, 3]), null, null, null, null, true), "batchNorm", "more than 1 value per channel", "[1, 3]");
  assertThrowsWith(() => F.batchNorm(x, null, null), "batchNorm", "required when training is false");
  assertThrowsWith(() => F.batchNorm(lt.zeros([3]), null, null, null, null, true), "batchNorm", "[N, C, ...]", "[3]");
  assertThrowsWith(() => F.layerNorm(lt.zeros([2, 3]), [4]), "layerNorm: normalizedShape [4] does not match", "[2, 3]");
  assertThrowsWith(() => F.layerNorm(lt.zeros([2, 4]), [4], lt.ones([3])), "layerNorm: weight has shape [3], expected [4]");
  assertThrowsWith(() => F.groupNorm(lt.zeros([2, 6, 3]), 4), "groupNorm: input has 6 channels, not divisible by numGroups=4");
});
