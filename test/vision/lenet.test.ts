import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as io from "../../src/io/index.js";
import { lenet5, LeNet5 } from "../../src/vision/models/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";

const F = nn.functional;
const fixture = (name: string) => new URL(`../../../test/fixtures/${name}`, import.meta.url).pathname;
const reference = JSON.parse(readFileSync(fixture("lenet5-reference.json"), "utf8")) as {
  input: number[];
  input_shape: number[];
  logits: number[];
  logits_shape: number[];
  argmax: number[];
};

/** torchvision-style keys of the CONTRACT.md layout, in PyTorch's state_dict order. */
const KEYS: [string, number[]][] = [
  ["features.0.weight", [6, 1, 5, 5]], ["features.0.bias", [6]], ["features.3.weight", [16, 6, 5, 5]], ["features.3.bias", [16]],
  ["classifier.1.weight", [120, 400]], ["classifier.1.bias", [120]], ["classifier.3.weight", [84, 120]], ["classifier.3.bias", [84]],
  ["classifier.5.weight", [10, 84]], ["classifier.5.bias", [10]],
];

/** Per-layer output shapes for a [1, 1, 28, 28] input (the fixture's `summaries.lenet5`). */
const LAYER_OUTPUTS: [string, string, number[]][] = [
  ["features.0", "Conv2d", [1, 6, 28, 28]], ["features.1", "ReLU", [1, 6, 28, 28]], ["features.2", "MaxPool2d", [1, 6, 14, 14]],
  ["features.3", "Conv2d", [1, 16, 10, 10]], ["features.4", "ReLU", [1, 16, 10, 10]], ["features.5", "MaxPool2d", [1, 16, 5, 5]],
  ["classifier.0", "Flatten", [1, 400]], ["classifier.1", "Linear", [1, 120]], ["classifier.2", "ReLU", [1, 120]],
  ["classifier.3", "Linear", [1, 84]], ["classifier.4", "ReLU", [1, 84]], ["classifier.5", "Linear", [1, 10]],
];

describe("LeNet-5", () => {
  test("layout: torchvision-style names, 61,706 parameters, per-layer output shapes", () => {
    const model = lenet5();
    assert.ok(model instanceof LeNet5);
    assert.deepEqual(model.namedParameters().map(([n, p]) => [n, p.shape]), KEYS);
    assert.equal(model.numParameters(), 61706);
    const seen: [string, string, number[]][] = [];
    for (const [name, m] of model.namedModules()) {
      if (m.children().length === 0) m.registerForwardHook((mod, _, out) => void seen.push([name, mod.constructor.name, (out as Tensor).shape]));
    }
    assert.deepEqual(model.call(lt.randn([1, 1, 28, 28])).shape, [1, 10]);
    assert.deepEqual(seen, LAYER_OUTPUTS);
  });

  test("loads the PyTorch checkpoint (strict) and reproduces its eval-mode logits to 1e-4", () => {
    const model = lenet5();
    model.loadStateDict(io.loadSafetensors(fixture("lenet5.safetensors")));
    model.eval();
    const x = lt.tensor(reference.input, { shape: reference.input_shape });
    const logits = lt.noGrad(() => model.call(x));
    assert.deepEqual(logits.shape, reference.logits_shape);
    assertClose(logits, lt.tensor(reference.logits, { shape: reference.logits_shape }), { rtol: 0, atol: 1e-4 });
    assert.deepEqual(logits.argmax(1).tolist(), reference.argmax);
  });

  test("the classic variant (tanh, average pooling) has the same parameters; numClasses resizes the head", () => {
    const classic = lenet5({ variant: "classic" });
    assert.deepEqual(classic.namedParameters().map(([n, p]) => [n, p.shape]), KEYS);
    assert.deepEqual(classic.features.children().map((m) => m.constructor.name), ["Conv2d", "Tanh", "AvgPool2d", "Conv2d", "Tanh", "AvgPool2d"]);
    classic.loadStateDict(io.loadSafetensors(fixture("lenet5.safetensors")));
    const three = lenet5({ numClasses: 3 });
    assert.deepEqual(three.call(lt.randn([2, 1, 28, 28])).shape, [2, 3]);
    assertThrowsWith(
      () => three.loadStateDict(io.loadSafetensors(fixture("lenet5.safetensors"))),
      "shape mismatch for classifier.5.weight ([10, 84] in the dict, [3, 84] in the model), classifier.5.bias ([10] in the dict, [3] in the model)",
    );
    assertThrowsWith(() => lenet5({ variant: "modern" as "relu" }), 'variant must be "relu" or "classic"');
  });

  test("trains on a small synthetic task: the loss falls by 10x", () => {
    lt.manualSeed(0);
    // Four classes: a bright 10x10 block in one quadrant of a noisy 28x28 image.
    const count = 64;
    const images = lt.randn([count, 1, 28, 28]).mul(0.3);
    const labels = lt.randint(0, 4, [count]);
    const pixels = images.data;
    for (let i = 0; i < count; i++) {
      const c = labels.data[i];
      const [top, left] = [c < 2 ? 2 : 16, c % 2 === 0 ? 2 : 16];
      for (let y = top; y < top + 10; y++) for (let x = left; x < left + 10; x++) pixels[i * 784 + y * 28 + x] += 1;
    }
    const model = lenet5({ numClasses: 4 });
    const params = model.parameters();
    const velocity = params.map((p) => lt.zerosLike(p));
    const loss = () => lt.noGrad(() => F.crossEntropy(model.call(images), labels).item());
    const initial = loss();
    for (let step = 0; step < 40; step++) {
      const start = (step * 16) % count;
      const batch = F.crossEntropy(model.call(images.narrow(0, start, 16)), labels.narrow(0, start, 16));
      model.zeroGrad();
      batch.backward();
      // SGD with momentum 0.9 (torch.optim.SGD's update: v = 0.9 v + g; p -= lr v).
      lt.noGrad(() => params.forEach((p, i) => {
        velocity[i].copy_(velocity[i].mul(0.9).add(p.grad!));
        p.sub_(velocity[i].mul(0.02));
      }));
    }
    const final = loss();
    assert.ok(final < initial / 10, `loss went from ${initial} to ${final}`);
  });
});
