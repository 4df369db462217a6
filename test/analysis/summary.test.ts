import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { summary } from "../../src/analysis/index.js";
import { getModel, lenet5, mobilenetV2 } from "../../src/vision/models/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { runCli } from "./cli.js";

describe("summary", () => {
  test("LeNet-5: rows, MACs per layer and totals (61,706 parameters, 416,520 MACs)", () => {
    const s = summary(lenet5(), [1, 1, 28, 28]);
    assert.deepEqual(s.layers.map((l) => l.macs), [117600, 0, 0, 240000, 0, 0, 0, 48000, 0, 10080, 0, 840]);
    assert.deepEqual([s.params, s.trainableParams, s.frozenParams, s.buffers, s.macs, s.flops], [61706, 61706, 0, 0, 416520, 833040]);
    assert.equal(s.paramBytes, 61706 * 4);
    // Leaf outputs: 2x 4704 + 1176, 2x 1600 + 400, 400, 2x 120, 2x 84, 10 floats.
    assert.equal(s.activationBytes, 4 * (2 * 4704 + 1176 + 2 * 1600 + 400 + 400 + 2 * 120 + 2 * 84 + 10));
  });

  test("frozen parameters are counted apart; the batch size scales MACs but not parameters", () => {
    const model = getModel("resnet18", { skipInit: true });
    (model as unknown as { layer1: lt.nn.Module }).layer1.requiresGrad_(false);
    const s = summary(model, [2, 3, 64, 64]);
    const layer1 = s.layers.filter((l) => l.name.startsWith("layer1.")).reduce((n, l) => n + l.trainableParams, 0);
    assert.equal(layer1, 0);
    assert.equal(s.frozenParams, 4 * (36864 + 128));
    assert.equal(s.trainableParams, 11689512 - s.frozenParams);
    assert.equal(summary(model, [1, 3, 64, 64]).macs * 2, s.macs);
  });

  test("the shape-only pass gives the same summary as computing, and leaves modes and statistics untouched", () => {
    const model = mobilenetV2({ widthMult: 0.5 });
    model.train();
    model.features.eval();
    const stats = model.stateDict()["features.1.conv.0.1.running_mean"].toArray().slice();
    const shapes = summary(model, [1, 3, 64, 64]);
    const computed = summary(model, [1, 3, 64, 64], { execution: "compute" });
    assert.deepEqual(shapes, computed);
    assert.equal(model.training, true);
    assert.equal(model.features.training, false);
    assert.deepEqual(model.stateDict()["features.1.conv.0.1.running_mean"].toArray(), stats);
    assert.equal(lt.backend(), lt.getBackend().name, "the backend is restored");
  });

  test("bad input shapes are refused, and the backend is restored after a failing pass", () => {
    const before = lt.getBackend();
    assertThrowsWith(() => summary(lenet5(), [1, 3, 28, 28]), "conv2d: input has 3 channels, weight expects 1");
    assert.equal(lt.getBackend(), before);
    assertThrowsWith(() => summary(lenet5(), [1, 0, 28]), "inputShape must be positive integers");
  });
});

describe("lantern summary", () => {
  test("--json: totals for VGG-16 at 224x224 (138,357,544 parameters, 15.47 GMACs) without drawing its weights", () => {
    const start = Date.now();
    const r = runCli(["summary", "vgg16", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual([doc.model, doc.inputShape, doc.outputShape, doc.params, doc.macs, doc.flops], ["vgg16", [1, 3, 224, 224], [1, 1000], 138357544, 15470264320, 30940528640]);
    assert.equal(doc.layers.length, 39);
    assert.ok(Date.now() - start < 20_000, `took ${Date.now() - start} ms`);
  });

  test("the table lists every layer and the totals; --input and --num-classes change them", () => {
    const r = runCli(["summary", "lenet5", "--input", "2x1x28x28", "--num-classes", "3"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /lenet5: input \[2, 1, 28, 28\] -> output \[2, 3\]/);
    assert.match(r.stdout, /classifier\.5\s+Linear\s+\[2, 3\]\s+255\s+504/);
    assert.match(r.stdout, /parameters\s+61,111/);
  });

  test("unknown models and shapes that do not fit exit 2 with one line", () => {
    const unknown = runCli(["summary", "resnet19"]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown model "resnet19" \(expected one of lenet5, alexnet/);
    const shape = runCli(["summary", "lenet5", "--input", "1x3x28x28"]);
    assert.equal(shape.status, 2);
    assert.match(shape.stderr, /--input \[1, 3, 28, 28\] does not fit lenet5/);
    assert.equal(runCli(["summary", "lenet5", "--input", "28x28"]).status, 2);
  });
});
