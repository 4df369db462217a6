import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import * as io from "../../src/io/index.js";
import type { Tensor } from "../../src/index.js";
import { classify, decodeImage, IMAGENET_CLASSES, imagenetTransform, topPredictions } from "../../src/vision/index.js";
import { mobilenetV2, mobilenetV3Small } from "../../src/vision/models/index.js";
import { assertClose } from "../helpers/assert.js";
import { runCli } from "../analysis/cli.js";
import { architectures, fixturePath, mobilenetV2Weights, NEEDS_MOBILENET_V2 } from "./models/fixtures.js";
import { fillDeterministic } from "./models/deterministic.js";

const ref = architectures.images.mobilenet_v2;
const deterministic = architectures.images.mobilenet_v3_small_deterministic;
const weights = mobilenetV2Weights ?? "";
const image = fixturePath(ref.image);

/** MobileNetV3-Small with gen_vision.py's deterministic weights: its logits follow the image. */
function deterministicModel() {
  const model = lt.nn.init.skipInit(() => mobilenetV3Small());
  fillDeterministic(model);
  return model.eval();
}

describe("classify", () => {
  test("1000 ImageNet class names in torchvision's order", () => {
    assert.equal(IMAGENET_CLASSES.length, 1000);
    assert.deepEqual([IMAGENET_CLASSES[0], IMAGENET_CLASSES[281], IMAGENET_CLASSES[999]], ["tench", "tabby", "toilet tissue"]);
  });

  test("topPredictions: softmax probabilities, best first, labelled", () => {
    const top = topPredictions(lt.tensor([[0, 2, 1], [5, 5, 0]]), 2, ["a", "b", "c"]);
    assert.deepEqual(top[0].map((p) => p.label), ["b", "c"]);
    assert.ok(Math.abs(top[0][0].probability - Math.exp(2) / (1 + Math.exp(1) + Math.exp(2))) < 1e-6);
    assert.equal(top[1][0].probability.toFixed(6), top[1][1].probability.toFixed(6));
  });

  test("decode + ImageNet transform + forward reproduce torchvision's logits on the test card to 1e-4", async () => {
    const x = imagenetTransform(await decodeImage(image)).unsqueeze(0);
    const logits = lt.noGrad(() => deterministicModel().call(x)) as Tensor;
    assertClose(logits.toArray().slice(0, 16), deterministic.logits_head, { rtol: 0, atol: 1e-4 });
    const [top] = await classify(deterministicModel(), [image]);
    assert.deepEqual(top.map((p) => p.index), deterministic.top5.map((p) => p.index));
  });

  test("the shared MobileNetV2 checkpoint on the test card gives torchvision's top-5 (decode, resize, crop, normalise, forward)", { skip: NEEDS_MOBILENET_V2 }, async () => {
    const model = lt.nn.init.skipInit(() => mobilenetV2());
    model.loadStateDict(io.loadSafetensors(weights));
    const [top] = await classify(model, [image]);
    assert.deepEqual(top.map((p) => p.index), ref.top5.map((p) => p.index));
    top.forEach((p, i) => assert.ok(Math.abs(p.probability - ref.top5[i].probability) < 1e-5, `rank ${i + 1}: ${p.probability} vs ${ref.top5[i].probability}`));
  });
});

describe("lantern classify", () => {
  test("a checkpoint saved by Lantern classifies as the library does (text output)", () => {
    const dir = mkdtempSync(join(tmpdir(), "lantern-classify-"));
    try {
      const file = join(dir, "mobilenet_v3_small.safetensors");
      io.saveModel(file, deterministicModel());
      const r = runCli(["classify", "--model", "mobilenet_v3_small", "--weights", file, image]);
      assert.equal(r.status, 0, r.stderr);
      const first = deterministic.top5[0];
      const line = r.stdout.split("\n")[1].trim().replace(/\s+/g, " ");
      assert.equal(line, `1. ${(first.probability * 100).toFixed(2)}% ${IMAGENET_CLASSES[first.index]} (${first.index})`);
      assert.equal(r.stdout.trim().split("\n").length, 6, "the image name and five predictions");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("--json: one result per image, in order, with labels", { skip: NEEDS_MOBILENET_V2 }, () => {
    const r = runCli(["classify", "--model", "mobilenet_v2", "--weights", weights, image, fixturePath(architectures.images.files.webp), "--top-k", "3", "--json"]);
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.results.length, 2);
    for (const result of doc.results) {
      assert.deepEqual(result.predictions.map((p: { index: number }) => p.index), ref.top5.slice(0, 3).map((p) => p.index));
      assert.equal(result.predictions[0].label, IMAGENET_CLASSES[ref.top5[0].index]);
    }
  });

  test("bad images, checkpoints and models exit 2 with one line naming the culprit", { skip: NEEDS_MOBILENET_V2 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "lantern-classify-"));
    try {
      const notImage = join(dir, "notes.txt");
      writeFileSync(notImage, "not an image");
      const badImage = runCli(["classify", "--model", "mobilenet_v2", "--weights", weights, image, notImage]);
      assert.equal(badImage.status, 2);
      assert.match(badImage.stderr, /notes\.txt: not a JPEG, PNG or WebP image/);
      const wrongModel = runCli(["classify", "--model", "resnet18", "--weights", weights, image]);
      assert.equal(wrongModel.status, 2);
      assert.match(wrongModel.stderr, /mobilenet_v2\.safetensors: loadStateDict: cannot load into ResNet: .*missing keys: conv1\.weight/);
      const missing = runCli(["classify", "--model", "mobilenet_v2", "--weights", join(dir, "none.safetensors"), image]);
      assert.equal(missing.status, 2);
      assert.match(missing.stderr, /none\.safetensors/);
      assert.equal(runCli(["classify", "--model", "lenet5", "--weights", weights, image]).status, 2);
      assert.equal(runCli(["classify", "--model", "mobilenet_v2", "--weights", weights, image, "--top-k", "0"]).status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
