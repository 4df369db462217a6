import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateSync, gzipSync } from "node:zlib";
import { before, describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { cifar10, csvDataset, decodeImage, DataLoader, ImageFolder, readCifarBatches, TensorDataset, transforms as T } from "../../src/data/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";

const dir = mkdtempSync(join(tmpdir(), "lantern-datasets-"));
before(() => {
  process.env.LANTERN_HOME = join(dir, "home");
});

/** A PNG of HWC pixels (colour type 2 RGB or 0 grey), each row with a different filter to exercise the decoder. */
function png(width: number, height: number, channels: 1 | 3, pixels: Uint8Array): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, Buffer.from(type, "latin1"), data, Buffer.alloc(4)]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = channels === 3 ? 2 : 0;
  const stride = width * channels;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = y % 3 === 0 ? 0 : y % 3 === 1 ? 1 : 2;
    raw[y * (stride + 1)] = filter;
    for (let x = 0; x < stride; x++) {
      const v = pixels[y * stride + x];
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      raw[y * (stride + 1) + 1 + x] = (v - (filter === 1 ? left : filter === 2 ? up : 0)) & 0xff;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
}

/** A ustar archive of regular files. */
function tar(files: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, data] of Object.entries(files)) {
    const header = Buffer.alloc(512);
    header.write(name, 0, "latin1");
    header.write(data.length.toString(8).padStart(11, "0"), 124, "latin1");
    header[156] = 0x30;
    header.write("ustar", 257, "latin1");
    parts.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  return Buffer.concat([...parts, Buffer.alloc(1024)]);
}

function cifarBatch(n: number, firstLabel: number): Uint8Array {
  const out = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    out[i * 3073] = (firstLabel + i) % 10;
    out.fill(i + 1, i * 3073 + 1, i * 3073 + 1 + 1024);
  }
  return out;
}

describe("datasets", () => {
  test("TensorDataset rows, and its size check", () => {
    const ds = new TensorDataset(lt.arange(6).reshape([3, 2]), lt.tensor([0, 1, 0], { dtype: "int32" }));
    assert.deepEqual(ds.get(1).map((t) => t.tolist()), [[2, 3], 1]);
    assertThrowsWith(() => new TensorDataset(lt.zeros([3]), lt.zeros([4])), "size mismatch");
  });

  test("csvDataset: header detection, class names to indices, and cell errors with line numbers", () => {
    const path = join(dir, "iris.csv");
    writeFileSync(path, 'sepal,petal,species\n5.1,1.4,setosa\n6.3,4.9,"virginica"\n5.8,4.1,versicolor\n');
    const { dataset, featureNames, classes } = csvDataset(path);
    assert.deepEqual(featureNames, ["sepal", "petal"]);
    assert.deepEqual(classes, ["setosa", "versicolor", "virginica"]);
    assert.deepEqual(dataset.tensors[1].tolist(), [0, 2, 1]);
    assertClose(dataset.get(1)[0], [6.3, 4.9]);
    writeFileSync(path, "a,b,y\n1,2,0.5\n3,4,1.5\n");
    const reg = csvDataset(path, { target: "y", task: "regression" });
    assert.deepEqual([reg.dataset.tensors[1].dtype, reg.dataset.tensors[1].tolist()], ["float32", [0.5, 1.5]]);
    writeFileSync(path, "a,b,y\n1,2,0\n1,x,1\n");
    assertThrowsWith(() => csvDataset(path), "iris.csv:3", "column b", '"x"');
    assertThrowsWith(() => csvDataset(path, { target: "z" }), 'target column "z" not found');
  });

  test("ImageFolder decodes PNG (filtered rows) and PGM into CHW tensors with sorted classes", () => {
    const root = join(dir, "folder");
    const pixels = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => (i * 37) % 256);
    mkdirSync(join(root, "cat"), { recursive: true });
    mkdirSync(join(root, "ant"), { recursive: true });
    writeFileSync(join(root, "cat", "1.png"), png(4, 3, 3, pixels));
    writeFileSync(join(root, "ant", "a.pgm"), Buffer.concat([Buffer.from("P5\n# comment\n4 3\n255\n"), pixels.subarray(0, 12)]));
    writeFileSync(join(root, "ant", "notes.txt"), "ignored");
    const decoded = decodeImage(png(4, 3, 3, pixels), "x.png");
    assert.deepEqual([decoded.width, decoded.height, decoded.channels, [...decoded.data]], [4, 3, 3, [...pixels]]);
    const ds = new ImageFolder(root);
    assert.deepEqual(ds.classes, ["ant", "cat"]);
    assert.equal(ds.length, 2);
    const [img, label] = ds.get(1);
    assert.deepEqual([img.shape, label], [[3, 3, 4], 1]);
    assertClose(img.select(0, 0).select(0, 0), [0, 111, 222, 77].map((v) => v / 255));
    const [grey] = new ImageFolder(root, { mode: "L" }).get(0);
    assertClose(grey.flatten(), Array.from(pixels.subarray(0, 12), (v) => v / 255));
    assertThrowsWith(() => decodeImage(Uint8Array.of(0xff, 0xd8, 0xff), "photo.jpg"), "photo.jpg", "JPEG", "loader");
    assertThrowsWith(() => decodeImage(png(4, 3, 3, pixels).subarray(0, 40), "cut.png"), "cut.png", "corrupt PNG");
  });

  test("ImageFolder batches through worker threads like on the main thread", async () => {
    const ds = new ImageFolder(join(dir, "folder"), { transform: new T.Compose([new T.Resize(4), new T.RandomHorizontalFlip()]) });
    const inline = [...new DataLoader(ds, { batchSize: 2, generator: new lt.Generator(1) })].map((b) => b[0].toArray());
    const loader = new DataLoader(ds, { batchSize: 2, generator: new lt.Generator(1), numWorkers: 1 });
    const threaded: Float32Array[] = [];
    for await (const b of loader) threaded.push(b[0].toArray());
    await loader.close();
    assert.deepEqual(threaded, inline);
  });

  test("CIFAR-10 binary batches: records, a truncated file, a bad label, and extraction from the archive", async () => {
    const batchDir = join(dir, "cifar", "cifar-10-batches-bin");
    mkdirSync(batchDir, { recursive: true });
    const path = join(batchDir, "b.bin");
    writeFileSync(path, cifarBatch(3, 4));
    const ds = readCifarBatches([path]);
    assert.deepEqual([ds.length, ds.imageShape, [...ds.labels]], [3, [3, 32, 32], [4, 5, 6]]);
    assertClose(ds.get(2)[0].select(0, 0).select(0, 0).narrow(0, 0, 2), [3 / 255, 3 / 255]);
    assertClose(ds.get(2)[0].select(0, 1).select(0, 0).narrow(0, 0, 1), [0]);
    writeFileSync(path, cifarBatch(3, 4).subarray(0, 3073 * 2 + 100));
    assertThrowsWith(() => readCifarBatches([path]), "b.bin", "not a whole number of 3073-byte");
    const bad = cifarBatch(1, 0);
    bad[0] = 10;
    writeFileSync(path, bad);
    assertThrowsWith(() => readCifarBatches([path]), "label 10 of record 0");

    const names = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"];
    const archiveDir = join(dir, "archive");
    mkdirSync(archiveDir, { recursive: true });
    writeFileSync(join(archiveDir, "cifar-10-binary.tar.gz"), gzipSync(tar(Object.fromEntries(names.map((n, i) => [`cifar-10-batches-bin/${n}`, cifarBatch(2, i)])))));
    // A synthetic archive cannot have the published md5: checked by default, extracted when told not to check.
    await assert.rejects(cifar10({ root: archiveDir }), /cifar-10-binary.tar.gz: md5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530/);
    const fromArchive = await cifar10({ root: archiveDir, verify: false, train: false });
    assert.deepEqual([...fromArchive.labels], [5, 6]);
    for (const [i, n] of names.entries()) writeFileSync(join(batchDir, n), cifarBatch(2, i));
    const train = await cifar10({ root: join(dir, "cifar") });
    assert.deepEqual([train.length, [...train.labels]], [10, [0, 1, 1, 2, 2, 3, 3, 4, 4, 5]]);
  });
});
