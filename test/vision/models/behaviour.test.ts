import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as io from "../../../src/io/index.js";
import {
  BasicBlock, efficientnetB0, getModel, googlenet, inceptionV3, lenet5, listModels, mobilenetV1, mobilenetV3Large, modelEntry, ResNet, resnet18,
  vgg11,
} from "../../../src/vision/models/index.js";
import { shapeOnlyBackend } from "../../../src/analysis/index.js";
import { StochasticDepth, stochasticDepth } from "../../../src/vision/ops/index.js";
import { LocalResponseNorm } from "../../../src/nn/modules/lrn.js";
import { localResponseNorm } from "../../../src/nn/functional/local-response-norm.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { architectures, fixturePath } from "./fixtures.js";
import { detInput, fillDeterministic } from "./deterministic.js";

const { skipInit } = lt.nn.init;

describe("training-mode behaviour", () => {
  test("GoogLeNet with auxLogits returns the three heads in training and the logits alone in eval", () => {
    const model = skipInit(() => googlenet({ auxLogits: true, numClasses: 7 }));
    fillDeterministic(model);
    const x = detInput([2, 3, 64, 64]);
    const heads = lt.noGrad(() => model.call(x)) as { logits: Tensor; aux1: Tensor; aux2: Tensor };
    assert.deepEqual([heads.logits.shape, heads.aux1.shape, heads.aux2.shape], [[2, 7], [2, 7], [2, 7]]);
    model.eval();
    assert.deepEqual((lt.noGrad(() => model.call(x)) as Tensor).shape, [2, 7]);
  });

  test("Inception v3 with auxLogits returns {logits, aux} in training (299x299, traced on the shape-only backend)", () => {
    const model = skipInit(() => inceptionV3({ auxLogits: true, numClasses: 5 }));
    const previous = lt.getBackend();
    lt.setBackend(shapeOnlyBackend);
    try {
      const out = lt.noGrad(() => model.call(lt.zeros([2, 3, 299, 299]))) as { logits: Tensor; aux: Tensor };
      assert.deepEqual([out.logits.shape, out.aux.shape], [[2, 5], [2, 5]]);
    } finally {
      lt.setBackend(previous);
    }
  });

  test("EfficientNet's stochastic depth grows linearly to 0.2 * 15/16 and acts only in training", () => {
    const model = skipInit(() => efficientnetB0());
    const probs = model.modules().filter((m): m is StochasticDepth => m instanceof StochasticDepth).map((m) => m.p);
    assert.equal(probs.length, 16);
    probs.forEach((p, i) => assert.ok(Math.abs(p - (0.2 * i) / 16) < 1e-12, `block ${i}: p = ${p}`));
    const x = lt.ones([4000, 1, 1, 1]);
    assert.equal(stochasticDepth(x, 0.25, "row", false), x);
    lt.manualSeed(3);
    const rows = stochasticDepth(x, 0.25, "row", true).toArray();
    const kept = rows.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6), "survivors are scaled by 1 / (1 - p)");
    assert.ok(Math.abs(kept.length / 4000 - 0.75) < 0.03, `${kept.length} of 4000 rows survive, expected about 3000`);
    const batch = new Set(stochasticDepth(lt.ones([50, 3]), 0.5, "batch", true).toArray());
    assert.equal(batch.size, 1, "batch mode keeps or drops the whole batch");
    assertThrowsWith(() => stochasticDepth(x, 1.5, "row"), "between 0 and 1");
  });

  test("dropout is the identity in eval mode: two eval passes agree, two training passes do not", () => {
    const model = skipInit(() => mobilenetV1({ widthMult: 0.25, numClasses: 10 }));
    fillDeterministic(model);
    const x = detInput([2, 3, 32, 32]);
    model.eval();
    assertClose(lt.noGrad(() => model.call(x)), lt.noGrad(() => model.call(x)), { rtol: 0, atol: 0 });
    const before = model.stateDict()["features.0.1.running_mean"].toArray().slice();
    model.train();
    const a = lt.noGrad(() => model.call(x)).toArray();
    const b = lt.noGrad(() => model.call(x)).toArray();
    assert.ok(a.some((v, i) => v !== b[i]), "training passes draw different dropout masks");
    assert.notDeepEqual(model.stateDict()["features.0.1.running_mean"].toArray(), before, "training updates the running statistics");
  });

  test("a backward pass reaches every parameter (ResNet-18, batch of 2)", () => {
    const model = skipInit(() => resnet18({ numClasses: 4 }));
    fillDeterministic(model);
    const loss = lt.F.crossEntropy(model.call(lt.randn([2, 3, 32, 32])), lt.tensor([1, 3], { dtype: "int32" }));
    loss.backward();
    const missing = model.namedParameters().filter(([, p]) => p.grad === null).map(([n]) => n);
    assert.deepEqual(missing, []);
  });
});

describe("options", () => {
  test("zeroInitResidual zeroes the last BN weight of every block; torchvision-style init draws kaiming fan_out", () => {
    lt.manualSeed(0);
    // One block per stage keeps the (real) initialisation cheap; resnet18..152 share the code.
    const model = new ResNet(BasicBlock, [1, 1, 1, 1], { zeroInitResidual: true });
    const lastBns = model.namedParameters().filter(([name]) => /layer\d\.\d+\.bn2\.weight$/.test(name));
    assert.equal(lastBns.length, 4);
    for (const [name, p] of lastBns) assert.equal(p.abs().sum().item(), 0, name);
    assert.equal(model.layer1.stateDict()["0.bn1.weight"].sum().item(), 64, "other BN weights start at 1");
    const w = model.conv1.weight;
    const std = Math.sqrt(w.square().mean().item());
    assert.ok(Math.abs(std - Math.sqrt(2 / (64 * 49))) < 0.002, `conv1 std ${std}, kaiming fan_out gives ${Math.sqrt(2 / (64 * 49))}`);
  });

  test("vgg11({lrn}) inserts LocalResponseNorm after the first ReLU; widths and class counts follow the options", () => {
    const model = skipInit(() => vgg11({ lrn: true, numClasses: 3 }));
    assert.deepEqual(model.features.children().slice(0, 4).map((m) => m.constructor.name), ["Conv2d", "ReLU", "LocalResponseNorm", "MaxPool2d"]);
    assert.deepEqual(model.stateDict()["classifier.6.weight"].shape, [3, 4096]);
    const wide = skipInit(() => mobilenetV3Large({ widthMult: 0.75, reducedTail: true, dilated: true }));
    assert.deepEqual((lt.noGrad(() => wide.eval().call(lt.zeros([1, 3, 64, 64]))) as Tensor).shape, [1, 1000]);
  });

  test("bad options are refused with the argument named", () => {
    assertThrowsWith(() => resnet18({ numClasses: 0 }), "numClasses must be a positive integer, got 0");
    assertThrowsWith(() => googlenet({ dropout: 2 }), "googlenet: dropout must be between 0 and 1, got 2");
    assertThrowsWith(() => mobilenetV1({ widthMult: -1 }), "widthMult must be positive");
    assertThrowsWith(() => getModel("resnet19"), 'unknown model "resnet19"', "resnet18");
  });

  test("the registry accepts torchvision and camelCase names", () => {
    assert.ok(listModels().includes("efficientnet_b7"));
    assert.equal(modelEntry("mobilenetV3Small").name, "mobilenet_v3_small");
    assert.equal(modelEntry("vgg16Bn").name, "vgg16_bn");
    assert.equal(modelEntry("inceptionV3").inputShape[1], 299);
    assert.deepEqual(modelEntry("efficientnet_b3").imagenet, { cropSize: 300, resizeSize: 320, interpolation: "bicubic" });
  });
});

describe("LocalResponseNorm", () => {
  for (const c of architectures.local_response_norm) {
    test(`equals torch.nn.LocalResponseNorm(${c.size}, alpha=${c.alpha}, beta=${c.beta}, k=${c.k})`, () => {
      const y = new LocalResponseNorm(c.size, c.alpha, c.beta, c.k).call(lt.tensor(c.input, { shape: c.shape }));
      assertClose(y.toArray(), c.output, { rtol: 1e-5, atol: 1e-6 });
    });
  }

  test("matches the definition b = a / (k + alpha/n * sum of squares over the window)^beta", () => {
    const x = detInput([2, 7, 3, 2]);
    const y = new LocalResponseNorm(3, 0.5, 0.75, 2).call(x);
    const a = x.toArray();
    const at = (n: number, c: number, i: number) => a[(n * 7 + c) * 6 + i];
    const expected = new Float32Array(a.length);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 7; c++) for (let i = 0; i < 6; i++) {
      let sum = 0;
      for (let j = c - 1; j <= c + 1; j++) if (j >= 0 && j < 7) sum += at(n, j, i) ** 2;
      expected[(n * 7 + c) * 6 + i] = at(n, c, i) / (2 + (0.5 / 3) * sum) ** 0.75;
    }
    assertClose(y, expected, { rtol: 1e-5, atol: 1e-6 });
    assertThrowsWith(() => localResponseNorm(lt.zeros([3, 4]), 2), "expected input of shape [N, C, ...]");
  });
});

describe("checkpoints", () => {
  for (const dtype of ["F16", "BF16"] as const) {
    test(`${dtype} storage loads (widened to float32) and reproduces PyTorch's logits`, () => {
      const ref = architectures.half_precision[dtype];
      const model = skipInit(() => lenet5());
      model.loadStateDict(io.loadSafetensors(fixturePath(ref.file)));
      const logits = lt.noGrad(() => model.eval().call(detInput(ref.input)));
      assertClose(logits.toArray(), ref.logits, { rtol: 0, atol: 1e-5 });
    });
  }

  test("save then load round-trips a model (BN statistics included) and logits are unchanged", () => {
    const dir = mkdtempSync(join(tmpdir(), "lantern-vision-"));
    try {
      const model = skipInit(() => mobilenetV1({ widthMult: 0.25 }));
      fillDeterministic(model);
      model.eval();
      const x = detInput([1, 3, 32, 32]);
      const expected = lt.noGrad(() => model.call(x));
      io.saveModel(join(dir, "m.safetensors"), model);
      const copy = skipInit(() => mobilenetV1({ widthMult: 0.25 })).eval();
      io.loadModel(join(dir, "m.safetensors"), copy);
      assertClose(lt.noGrad(() => copy.call(x)), expected, { rtol: 0, atol: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a checkpoint for another architecture is refused with missing, unexpected and mismatched keys named", () => {
    const dict = skipInit(() => googlenet({ auxLogits: true })).stateDict();
    assertThrowsWith(() => skipInit(() => googlenet()).loadStateDict(dict), "unexpected keys: aux1.conv.conv.weight");
    const resnet = skipInit(() => resnet18()).stateDict();
    assertThrowsWith(() => skipInit(() => resnet18({ numClasses: 10 })).loadStateDict(resnet), "shape mismatch for fc.weight ([1000, 512] in the dict, [10, 512] in the model)");
    delete resnet["layer4.1.bn2.running_var"];
    assertThrowsWith(() => skipInit(() => resnet18()).loadStateDict(resnet), "missing keys: layer4.1.bn2.running_var");
  });
});
