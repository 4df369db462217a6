import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { DataLoader, ImageArrayDataset, Subset } from "../../src/data/index.js";
import { freeze, replaceModule, trainableParameters, trainEpoch, evaluate, unfreeze } from "../../src/train/index.js";
import { syntheticDigits } from "../data/synthetic.js";

/** The synthetic digits relabelled into three coarse classes: a new task for the same features. */
function coarse(n: number, seed: number): ImageArrayDataset {
  const { images, labels } = syntheticDigits(n, seed);
  return new ImageArrayDataset(images, labels.map((l) => l % 3), [1, 28, 28]);
}

describe("fine-tuning", () => {
  test("load weights, freeze the features, replace the head, train: only the head changes and the new task is learnt", async () => {
    // Pretraining on the ten-class task.
    lt.manualSeed(0);
    const { images, labels } = syntheticDigits(200, 1);
    const pretrain = new ImageArrayDataset(images, labels, [1, 28, 28]);
    const source = lt.vision.models.lenet5();
    const opt = new lt.optim.Adam(source.parameters(), { lr: 2e-3 });
    for (let epoch = 0; epoch < 2; epoch++) await trainEpoch(source, new DataLoader(pretrain, { batchSize: 20, shuffle: true, generator: new lt.Generator(epoch) }), opt);
    const weights = join(mkdtempSync(join(tmpdir(), "lantern-ft-")), "pretrained.safetensors");
    lt.io.saveModel(weights, source);

    // The API example of src/train/fine-tune.ts.
    const model = lt.vision.models.lenet5();
    lt.io.loadModel(weights, model);
    freeze(model, ["features"]);
    const oldHead = replaceModule(model, "classifier.5", new lt.nn.Linear(84, 3));
    assert.ok(oldHead instanceof lt.nn.Linear);
    const trainable = trainableParameters(model);
    assert.deepEqual(model.namedParameters().filter(([, p]) => p.requiresGrad).map(([n]) => n), [
      "classifier.1.weight", "classifier.1.bias", "classifier.3.weight", "classifier.3.bias", "classifier.5.weight", "classifier.5.bias",
    ]);
    const frozenBefore = model.features.stateDict();
    const frozenCopy = Object.fromEntries(Object.entries(frozenBefore).map(([k, t]) => [k, t.toArray().slice()]));
    const optimizer = new lt.optim.Adam(trainable, { lr: 3e-3 });
    const train = coarse(150, 3);
    for (let epoch = 0; epoch < 3; epoch++) await trainEpoch(model, new DataLoader(train, { batchSize: 25, shuffle: true, generator: new lt.Generator(epoch) }), optimizer);
    for (const [key, t] of Object.entries(model.features.stateDict())) assert.deepEqual(t.toArray(), frozenCopy[key], `${key} stayed frozen`);
    for (const p of model.features.parameters()) assert.equal(p.grad, null);
    const result = await evaluate(model, new DataLoader(new Subset(coarse(60, 4), Array.from({ length: 60 }, (_, i) => i)), { batchSize: 30 }));
    assert.ok(result.top1 > 0.9, `fine-tuned accuracy ${result.top1}`);
    assert.deepEqual(result.confusionMatrix.length, 3);

    unfreeze(model);
    assert.equal(trainableParameters(model).length, model.parameters().length);
    assert.throws(() => replaceModule(model, "classifier.9.x", new lt.nn.ReLU()), /no submodule "9"/);
  });
});
