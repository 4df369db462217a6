import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertClose } from "../../helpers/assert.js";

// The `ops` section of the shared vision reference (PyTorch 2.11, float32), copied into
// test/fixtures/vision-ops.json. Every case and every stored array is checked.

interface ConvCase {
  op: "conv2d";
  cfg: { N: number; C: number; H: number; W: number; O: number; k: number; s: number; p: number; d: number; g: number };
  x: number[]; w: number[]; b: number[]; y_shape: number[]; y: number[]; gy: number[]; gx: number[]; gw: number[]; gb: number[];
}
interface PoolCase {
  op: "max_pool2d" | "avg_pool2d";
  cfg: { k: number; s: number; p: number; count_include_pad: boolean };
  x_shape: number[]; x: number[]; y_shape: number[]; y: number[]; gy: number[]; gx: number[];
}
interface BatchNormCase {
  op: "batch_norm2d_train";
  x_shape: number[]; x: number[]; gamma: number[]; beta: number[]; eps: number; momentum: number;
  y: number[]; gy: number[]; gx: number[]; ggamma: number[]; gbeta: number[];
  running_mean_after: number[]; running_var_after: number[];
}
interface CrossEntropyCase {
  op: "cross_entropy";
  label_smoothing: number; logits: number[]; shape: number[]; target: number[]; loss: number; glogits: number[];
}
type OpCase = ConvCase | PoolCase | BatchNormCase | CrossEntropyCase;

const fixture = JSON.parse(readFileSync(new URL("../../../../test/fixtures/vision-ops.json", import.meta.url), "utf8")) as {
  torch: string;
  ops: OpCase[];
};

const TOL = { rtol: 1e-4, atol: 1e-5 };

function leaf(data: number[], shape: number[]): Tensor {
  return lt.tensor(data, { shape, requiresGrad: true });
}

function check(actual: Tensor | null, expected: number[] | number, message: string): void {
  assert.ok(actual, `${message}: missing`);
  assertClose(actual.toArray(), typeof expected === "number" ? [expected] : expected, { ...TOL, message });
}

function runConv(c: ConvCase, label: string): void {
  const { N, C, H, W, O, k, s, p, d, g } = c.cfg;
  const x = leaf(c.x, [N, C, H, W]);
  const w = leaf(c.w, [O, C / g, k, k]);
  const b = leaf(c.b, [O]);
  const y = F.conv2d(x, w, b, { stride: s, padding: p, dilation: d, groups: g });
  assert.deepEqual(y.shape, c.y_shape, `${label}: output shape`);
  check(y, c.y, `${label} y`);
  y.backward(lt.tensor(c.gy, { shape: c.y_shape }));
  check(x.grad, c.gx, `${label} gx`);
  check(w.grad, c.gw, `${label} gw`);
  check(b.grad, c.gb, `${label} gb`);
}

function runPool(c: PoolCase, label: string): void {
  const x = leaf(c.x, c.x_shape);
  const opts = { kernelSize: c.cfg.k, stride: c.cfg.s, padding: c.cfg.p };
  const y = c.op === "max_pool2d" ? F.maxPool2d(x, opts) : F.avgPool2d(x, { ...opts, countIncludePad: c.cfg.count_include_pad });
  assert.deepEqual(y.shape, c.y_shape, `${label}: output shape`);
  check(y, c.y, `${label} y`);
  y.backward(lt.tensor(c.gy, { shape: c.y_shape }));
  check(x.grad, c.gx, `${label} gx`);
}

function runBatchNorm(c: BatchNormCase, label: string): void {
  const channels = c.x_shape[1];
  const x = leaf(c.x, c.x_shape);
  const gamma = leaf(c.gamma, [channels]);
  const beta = leaf(c.beta, [channels]);
  // PyTorch's BatchNorm2d starts from mean 0 and variance 1.
  const runningMean = lt.zeros([channels]);
  const runningVar = lt.ones([channels]);
  const y = F.batchNorm(x, runningMean, runningVar, gamma, beta, true, c.momentum, c.eps);
  check(y, c.y, `${label} y`);
  y.backward(lt.tensor(c.gy, { shape: c.x_shape }));
  check(x.grad, c.gx, `${label} gx`);
  check(gamma.grad, c.ggamma, `${label} ggamma`);
  check(beta.grad, c.gbeta, `${label} gbeta`);
  check(runningMean, c.running_mean_after, `${label} running mean`);
  check(runningVar, c.running_var_after, `${label} running var (unbiased)`);
}

function runCrossEntropy(c: CrossEntropyCase, label: string): void {
  const logits = leaf(c.logits, c.shape);
  const loss = F.crossEntropy(logits, lt.tensor(c.target, { dtype: "int32" }), { labelSmoothing: c.label_smoothing });
  assert.deepEqual(loss.shape, [], `${label}: the mean loss is a scalar`);
  check(loss, c.loss, `${label} loss`);
  loss.backward();
  check(logits.grad, c.glogits, `${label} glogits`);
}

// Every case runs on the reference JS backend and, when it is another one, on the active backend.
const backends = [...new Set([lt.jsBackend, lt.getBackend()])];

for (const backend of backends) {
  describe(`vision ops vs PyTorch ${fixture.torch} on the ${backend.name} backend`, () => {
    const previous = lt.getBackend();
    before(() => lt.setBackend(backend));
    after(() => lt.setBackend(previous));
    test("the fixture holds the expected cases", () => {
      const counts: Record<string, number> = {};
      for (const c of fixture.ops) counts[c.op] = (counts[c.op] ?? 0) + 1;
      assert.deepEqual(counts, { conv2d: 6, max_pool2d: 3, avg_pool2d: 3, batch_norm2d_train: 1, cross_entropy: 1 });
    });
    fixture.ops.forEach((c, i) => {
      const label = `${c.op} #${i}${"cfg" in c ? ` ${JSON.stringify(c.cfg)}` : ""}`;
      test(label, () => {
        switch (c.op) {
          case "conv2d": return runConv(c, label);
          case "max_pool2d":
          case "avg_pool2d": return runPool(c, label);
          case "batch_norm2d_train": return runBatchNorm(c, label);
          case "cross_entropy": return runCrossEntropy(c, label);
        }
      });
    });
  });
}
