import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { transforms as T } from "../../src/data/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";

/** A 2x4x5 image with distinct values, so every move of a pixel shows. */
const image = () => lt.tensor(Array.from({ length: 40 }, (_, i) => i / 40), { shape: [2, 4, 5] });
const run = (t: T.Transform, seed: number, x = image()) => t.apply(x, new lt.Generator(seed)).toArray();

describe("transforms", () => {
  test("Normalize subtracts and divides per channel", () => {
    const out = new T.Normalize([0.5, 0], [0.25, 2]).apply(image());
    assertClose(out.select(0, 0), image().select(0, 0).sub(0.5).div(0.25));
    assertClose(out.select(0, 1), image().select(0, 1).div(2));
    assertThrowsWith(() => new T.Normalize([0.1, 0.2, 0.3], [1, 1, 1]).apply(image()), "3 means for an image of 2 channels");
    assertThrowsWith(() => new T.Normalize([0], [0]), "std must be positive");
  });

  test("RandomHorizontalFlip mirrors rows with probability p; p=0 and p=1 are exact", () => {
    assert.deepEqual(run(new T.RandomHorizontalFlip(0), 1), image().toArray());
    const flipped = new T.RandomHorizontalFlip(1).apply(image());
    assert.deepEqual(flipped.select(0, 0).select(0, 0).tolist(), [4, 3, 2, 1, 0].map((i) => i / 40).map(Math.fround));
    let count = 0;
    const g = new lt.Generator(3);
    for (let i = 0; i < 400; i++) if (new T.RandomHorizontalFlip(0.5).apply(image(), g).toArray()[0] !== image().toArray()[0]) count++;
    assert.ok(count > 150 && count < 250, `${count} flips of 400`);
  });

  test("RandomCrop with padding: a shifted window, zero outside, same seed same crop", () => {
    const t = new T.RandomCrop([4, 5], { padding: 2 });
    assert.deepEqual(run(t, 7), run(t, 7));
    const windows = new Set<string>();
    for (let s = 0; s < 30; s++) windows.add(run(t, s).join(","));
    assert.ok(windows.size > 5);
    for (let s = 0; s < 30; s++) {
      const out = run(t, s);
      // Every value is either padding or a pixel of the source.
      for (const v of out) assert.ok(v === 0 || image().toArray().includes(v));
    }
    assert.deepEqual(new T.RandomCrop(4).apply(lt.zeros([1, 4, 4])).shape, [1, 4, 4]);
    assertThrowsWith(() => new T.RandomCrop(9).apply(image()), "larger than the padded image");
  });

  test("RandomResizedCrop and Resize give the asked size; resizing to the same size is the identity", () => {
    assert.deepEqual(new T.RandomResizedCrop(3).apply(image(), new lt.Generator(1)).shape, [2, 3, 3]);
    assertClose(new T.Resize([4, 5]).apply(image()), image());
    // Halving a 2x2 checker by bilinear interpolation with half-pixel centres averages it.
    const checker = lt.tensor([0, 1, 1, 0], { shape: [1, 2, 2] });
    assertClose(new T.Resize(1).apply(checker), [[[0.5]]]);
    const t = new T.RandomResizedCrop([2, 2], { scale: [0.5, 1] });
    const [top, left, h, w] = t.window(4, 5, new lt.Generator(2));
    assert.ok(top >= 0 && left >= 0 && top + h <= 4 && left + w <= 5 && h * w >= 0.5 * 20 - 3);
  });

  test("ColorJitter stays in [0, 1], leaves one-channel hue alone and is seeded", () => {
    const rgb = lt.rand([3, 6, 6], { generator: new lt.Generator(0) });
    const t = new T.ColorJitter({ brightness: 0.8, contrast: 0.8, saturation: 0.8, hue: 0.3 });
    const out = run(t, 5, rgb);
    assert.deepEqual(out, run(t, 5, rgb));
    assert.notDeepEqual(out, rgb.toArray());
    assert.ok(out.every((v) => v >= 0 && v <= 1));
    assert.deepEqual(run(new T.ColorJitter({ hue: 0.5, saturation: 1 }), 1, image().narrow(0, 0, 1)), image().narrow(0, 0, 1).toArray());
    // Saturating a grey image leaves it grey (the luma weights add up to 0.9999, hence the tolerance).
    const grey = new T.Grayscale(3).apply(rgb);
    assertClose(new T.ColorJitter({ saturation: 1 }).apply(grey, new lt.Generator(1)), grey, { atol: 2e-4 });
  });

  test("CenterCrop takes the middle; RandomGrayscale keeps the channel count", () => {
    assert.deepEqual(new T.CenterCrop([2, 3]).apply(image()).select(0, 0).tolist(), [[6, 7, 8], [11, 12, 13]].map((r) => r.map((i) => Math.fround(i / 40))));
    const rgb = lt.rand([3, 2, 2], { generator: new lt.Generator(1) });
    const out = new T.RandomGrayscale(1).apply(rgb);
    assert.deepEqual(out.shape, [3, 2, 2]);
    assert.deepEqual(out.select(0, 0).tolist(), out.select(0, 2).tolist());
  });

  test("Grayscale uses ITU-R 601 luma", () => {
    const pixel = lt.tensor([1, 0.5, 0.25], { shape: [3, 1, 1] });
    assertClose(new T.Grayscale().apply(pixel), [[[0.2989 + 0.2935 + 0.0285]]]);
    assert.deepEqual(new T.Grayscale(3).apply(pixel).shape, [3, 1, 1]);
  });

  test("GaussianBlur keeps a constant image and spreads an impulse symmetrically", () => {
    const flat = lt.full([1, 5, 5], 0.3);
    assertClose(new T.GaussianBlur(3, 1).apply(flat), flat);
    const impulse = lt.zeros([1, 5, 5]);
    impulse.data[12] = 1;
    const out = new T.GaussianBlur(3, 1).apply(impulse).toArray();
    assertClose(Array.from(out).reduce((a, b) => a + b, 0), 1, { atol: 1e-6 });
    assert.equal(out[7], out[17]);
    assert.equal(out[11], out[13]);
    assert.ok(out[12] > out[7]);
    assertThrowsWith(() => new T.GaussianBlur(4), "odd positive");
  });

  test("RandomErasing fills one rectangle with the value", () => {
    const ones = lt.ones([1, 10, 10]);
    const out = new T.RandomErasing({ p: 1, value: 0 }).apply(ones, new lt.Generator(4)).toArray();
    const zeros = out.filter((v) => v === 0).length;
    assert.ok(zeros > 0 && zeros < 100);
    assert.deepEqual(run(new T.RandomErasing({ p: 0 }), 1), image().toArray());
  });

  test("Compose chains, and a spec rebuilds the same pipeline", () => {
    const pipeline = new T.Compose([new T.RandomCrop(4, { padding: 1 }), new T.RandomHorizontalFlip(), new T.Normalize([0.5], [0.5]), new T.RandomErasing({ p: 0.5 })]);
    const rebuilt = T.transformFromSpec(JSON.parse(JSON.stringify(pipeline.spec())));
    for (let s = 0; s < 5; s++) assert.deepEqual(run(rebuilt, s), run(pipeline, s));
    assert.throws(() => new T.Lambda((x) => x).spec(), /cannot be sent to a worker/);
  });

  test("toTensor turns HWC uint8 into CHW floats in [0, 1]; transforms refuse uint8 images", () => {
    const hwc = { data: Uint8Array.of(255, 0, 0, 0, 255, 51), width: 2, height: 1, channels: 3 };
    assertClose(T.toTensor(hwc), [[[1, 0]], [[0, 1]], [[0, 0.2]]]);
    assertThrowsWith(() => new T.RandomHorizontalFlip().apply(lt.zeros([1, 2, 2], { dtype: "int32" })), "convert uint8 HWC pixels with toTensor");
    assertThrowsWith(() => new T.RandomHorizontalFlip().apply(lt.zeros([2, 2])), "expected a [C, H, W] tensor");
  });
});
