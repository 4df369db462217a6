import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import {
  centerCrop, decodeImage, ImageDecodeError, imagenetTransform, resize, resizeShorterSide, toNormalizedTensor,
} from "../../src/vision/index.js";
import type { RGBImage } from "../../src/vision/index.js";
import { assertClose } from "../helpers/assert.js";
import { architectures, fixturePath } from "./models/fixtures.js";

const { images } = architectures;

const cropOf = (image: RGBImage, c: (typeof images.crops)[number]) => centerCrop(resizeShorterSide(image, c.resize, c.interpolation), c.crop);

describe("image decoding", () => {
  test("PNG, JPEG and lossless WebP decode to the same 300x200 RGB test card", async () => {
    const png = await decodeImage(fixturePath(images.files.png));
    const webp = await decodeImage(readFileSync(fixturePath(images.files.webp)));
    const jpeg = await decodeImage(fixturePath(images.files.jpeg));
    assert.deepEqual([png.width, png.height, png.data.length], [300, 200, 300 * 200 * 3]);
    assert.deepEqual(webp.data, png.data);
    // JPEG is lossy (quality 92, 4:2:0 chroma, and the checkerboard's edges are its worst case):
    // close to the original, not equal. The crops below compare the decoded JPEG with PIL's.
    const meanError = jpeg.data.reduce((s, v, i) => s + Math.abs(v - png.data[i]), 0) / png.data.length;
    assert.ok(meanError > 0 && meanError < 12, `JPEG mean absolute error ${meanError}`);
  });

  test("unreadable and non-image files fail with the file named", async () => {
    await assert.rejects(decodeImage("/no/such/cat.jpg"), (e: unknown) => e instanceof ImageDecodeError && /\/no\/such\/cat\.jpg: cannot read the file \(no such file\)/.test(e.message));
    await assert.rejects(decodeImage(fixturePath("vision-architectures.json")), /not a JPEG, PNG or WebP image/);
    const truncated = readFileSync(fixturePath(images.files.png)).subarray(0, 300);
    await assert.rejects(decodeImage(truncated), /image data: cannot decode this PNG file/);
  });
});

describe("ImageNet preprocessing reproduces torchvision on PIL images", () => {
  for (const c of images.crops) {
    test(`${c.file}: resize ${c.resize} (${c.interpolation}), centre-crop ${c.crop}`, async () => {
      const crop = cropOf(await decodeImage(fixturePath(c.file)), c);
      assert.deepEqual([crop.width, crop.height], [c.crop, c.crop]);
      const expectedBytes = c.bytes === null ? null : Buffer.from(c.bytes, "base64");
      if (c.file.endsWith(".jpg")) {
        // libjpeg versions may round the IDCT differently; allow one level.
        assert.ok(expectedBytes);
        const worst = crop.data.reduce((m, v, i) => Math.max(m, Math.abs(v - expectedBytes[i])), 0);
        assert.ok(worst <= 1, `JPEG crop differs from PIL's by up to ${worst} levels`);
        return;
      }
      if (expectedBytes) {
        const differing = crop.data.reduce((n, v, i) => n + (v !== expectedBytes[i] ? 1 : 0), 0);
        assert.equal(differing, 0, `${differing} bytes differ from PIL's`);
      }
      assert.equal(createHash("sha256").update(crop.data).digest("hex"), c.sha256);
      const tensor = imagenetTransform(await decodeImage(fixturePath(c.file)), { resizeSize: c.resize, cropSize: c.crop, interpolation: c.interpolation });
      assert.deepEqual(tensor.shape, [3, c.crop, c.crop]);
      assertClose(tensor.toArray().slice(0, 16), c.tensor_head, { rtol: 0, atol: 0 });
      // float32 sums of 150k values accumulate in different orders here and in torch.
      assert.ok(Math.abs(tensor.sum().item() - c.tensor_sum) <= 1e-4 * Math.max(1, Math.abs(c.tensor_sum)), `sum ${tensor.sum().item()} vs ${c.tensor_sum}`);
    });
  }

  test("resize keeps the aspect ratio of the shorter side as torchvision (truncated long side)", () => {
    const image: RGBImage = { width: 301, height: 200, data: new Uint8Array(301 * 200 * 3).fill(77) };
    const r = resizeShorterSide(image, 128);
    assert.deepEqual([r.width, r.height], [Math.trunc((128 * 301) / 200), 128]);
    assert.ok(r.data.every((v) => v === 77), "a flat image stays flat");
    assert.deepEqual(resize(image, 301, 200).data, image.data);
  });

  test("normalisation: (x / 255 - mean) / std in float32, channels first", () => {
    const t = toNormalizedTensor({ width: 1, height: 1, data: new Uint8Array([255, 0, 128]) });
    assertClose(t, [[[(1 - 0.485) / 0.229]], [[(0 - 0.456) / 0.224]], [[(128 / 255 - 0.406) / 0.225]]], { rtol: 1e-6, atol: 1e-6 });
  });
});
