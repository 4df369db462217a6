import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { DataLoader, ImageArrayDataset, transforms as T } from "../../src/data/index.js";
import { Trainer, evaluate, targetRanks, ConfusionMatrix, trainEpoch } from "../../src/train/index.js";
import type { EpochMetrics } from "../../src/train/index.js";
import { clipGradNorm_ } from "../../src/nn/utils/index.js";
import { assertClose } from "../helpers/assert.js";
import { syntheticDigits } from "../data/synthetic.js";

const { nn } = lt;

/** Conv, BatchNorm (running statistics), dropout (default generator) and a Linear: every kind of state a resume must restore. */
function tinyNet(): lt.nn.Module {
  return new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { stride: 2 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.Flatten(), new nn.Dropout(0.3), new nn.Linear(4 * 13 * 13, 10),
  );
}

function data(n: number, seed: number, augment: boolean): ImageArrayDataset {
  const { images, labels } = syntheticDigits(n, seed);
  const transform = augment ? new T.Compose([new T.RandomCrop(28, { padding: 2 }), new T.RandomErasing({ p: 0.3 }), new T.Normalize([0.2], [0.3])]) : new T.Normalize([0.2], [0.3]);
  return new ImageArrayDataset(images, labels, [1, 28, 28], { transform });
}

/** Builds the whole run from scratch; `initSeed` differs between the runs so only a faithful resume can match. */
function makeRun(opts: { initSeed: number; outDir?: string; maxSteps?: number; workers?: number; epochs?: number }) {
  lt.manualSeed(opts.initSeed);
  const model = tinyNet();
  const optimizer = new lt.optim.Adam(model.parameters(), { lr: 3e-3 });
  const scheduler = new lt.optim.lrScheduler.StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
  const trainLoader = new DataLoader(data(60, 1, true), { batchSize: 8, shuffle: true, generator: new lt.Generator(5), numWorkers: opts.workers ?? 0 });
  const evalLoader = new DataLoader(data(30, 2, false), { batchSize: 16 });
  const trainer = new Trainer({ model, optimizer, scheduler, trainLoader, evalLoader, epochs: opts.epochs ?? 3, outDir: opts.outDir, maxSteps: opts.maxSteps, clipGradNorm: 5 });
  return { model, optimizer, trainer, trainLoader };
}

const withoutTimes = (history: readonly EpochMetrics[]) => history.map(({ seconds: _s, samplesPerSecond: _r, ...rest }) => rest);

describe("Trainer", () => {
  for (const [interruptAt, workers] of [[11, 0], [8, 0], [13, 1]] as const) {
    test(`interrupted after step ${interruptAt}${workers ? " with a worker thread" : ""} and resumed: the same final weights as an uninterrupted run`, async () => {
      const reference = makeRun({ initSeed: 0, workers });
      const full = await reference.trainer.fit();
      await reference.trainLoader.close();

      const outDir = mkdtempSync(join(tmpdir(), "lantern-resume-"));
      const first = makeRun({ initSeed: 0, outDir, maxSteps: interruptAt, workers });
      const stopped = await first.trainer.fit();
      await first.trainLoader.close();
      assert.equal(stopped.interrupted, true);
      assert.equal(first.trainer.step, interruptAt);
      // Something random happens in between, as it would in a new process.
      lt.rand([100]);

      const second = makeRun({ initSeed: 99, outDir, workers });
      second.trainer.resume(join(outDir, "checkpoint.safetensors"));
      const resumed = await second.trainer.fit();
      await second.trainLoader.close();
      assert.equal(resumed.interrupted, false);
      const expected = reference.model.stateDict();
      for (const [key, value] of Object.entries(second.model.stateDict())) assert.deepEqual(value.toArray(), expected[key].toArray(), key);
      assert.deepEqual(withoutTimes(resumed.history), withoutTimes(full.history));
      const log = readFileSync(join(outDir, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as EpochMetrics);
      assert.deepEqual(withoutTimes(log), withoutTimes(full.history));
    });
  }

  test("writes weights, metrics, curves and checkpoints; the model learns the synthetic digits", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "lantern-train-"));
    const run = makeRun({ initSeed: 1, outDir, epochs: 4 });
    const result = await run.trainer.fit();
    for (const file of ["model.safetensors", "best.safetensors", "checkpoint.safetensors", "metrics.jsonl", "curves.svg"]) assert.ok(existsSync(join(outDir, file)), file);
    assert.match(readFileSync(join(outDir, "curves.svg"), "utf8"), /^<svg[^>]*>[\s\S]*accuracy[\s\S]*<\/svg>\n$/);
    assert.equal(result.history.length, 4);
    assert.ok((result.evaluation?.top1 ?? 0) > 0.8, `test accuracy ${result.evaluation?.top1}`);
    assert.deepEqual(result.history.map((m) => m.lr), [1.5e-3, 7.5e-4, 3.75e-4, 1.875e-4]);
    const reloaded = tinyNet();
    lt.io.loadModel(join(outDir, "model.safetensors"), reloaded);
    const again = await evaluate(reloaded, new DataLoader(data(30, 2, false), { batchSize: 16 }));
    assertClose(again.top1, result.evaluation?.top1 ?? NaN);
  });

  test("early stopping ends the run after `patience` epochs without improvement", async () => {
    lt.manualSeed(0);
    const model = tinyNet();
    const optimizer = new lt.optim.SGD(model.parameters(), { lr: 0 });
    const trainer = new Trainer({
      model, optimizer, epochs: 10, earlyStopping: { patience: 2, monitor: "valTop1" },
      trainLoader: new DataLoader(data(16, 1, false), { batchSize: 8 }), evalLoader: new DataLoader(data(16, 2, false), { batchSize: 8 }),
    });
    const result = await trainer.fit();
    assert.equal(result.stoppedEarly, true);
    assert.equal(result.history.length, 3);
    assert.throws(() => new Trainer({ model, optimizer, epochs: 1, earlyStopping: { patience: 1 }, trainLoader: new DataLoader(data(8, 1, false)) }), /needs an evalLoader/);
  });

  test("trainEpoch runs over any iterable of batches and reports throughput", async () => {
    lt.manualSeed(0);
    const model = tinyNet();
    const batches = [...new DataLoader(data(32, 1, false), { batchSize: 16 })];
    const result = await trainEpoch(model, batches, new lt.optim.Adam(model.parameters()));
    assert.equal(result.samples, 32);
    assert.ok(result.samplesPerSecond > 0 && Number.isFinite(result.loss));
  });
});

describe("metrics and gradient clipping", () => {
  test("top-k ranks count ties against the target, and the confusion matrix has truth in rows", () => {
    const logits = lt.tensor([[0.1, 0.9, 0.0], [0.5, 0.5, 0.2], [0.3, 0.2, 0.1]]);
    const target = lt.tensor([1, 0, 2], { dtype: "int32" });
    assert.deepEqual([...targetRanks(logits, target)], [0, 1, 2]);
    const cm = new ConfusionMatrix(3);
    cm.update([1, 0, 0], [1, 0, 2]);
    assert.deepEqual(cm.counts, [[1, 0, 0], [0, 1, 0], [1, 0, 0]]);
    assert.throws(() => targetRanks(logits, lt.tensor([3, 0, 0], { dtype: "int32" })), /target 3 at row 0/);
  });

  test("clipGradNorm_ scales all gradients to the norm and returns the norm before clipping", () => {
    const a = lt.zeros([2], { requiresGrad: true });
    const b = lt.zeros([1], { requiresGrad: true });
    a.grad = lt.tensor([3, 0]);
    b.grad = lt.tensor([4]);
    assertClose(clipGradNorm_([a, b], 1), 5);
    assertClose((a.grad as Tensor).toArray(), [0.6, 0], { rtol: 1e-5 });
    assertClose((b.grad as Tensor).toArray(), [0.8], { rtol: 1e-5 });
    assertClose(clipGradNorm_([a, b], 10), 1, { rtol: 1e-5 });
    assertClose((b.grad as Tensor).toArray(), [0.8], { rtol: 1e-5 });
    b.grad = lt.tensor([-7]);
    assertClose(clipGradNorm_([a, b], 1, Infinity), 7);
  });
});
