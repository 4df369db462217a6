import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, test } from "node:test";
import { parseIdx, readIdx, readIdxImageSplit, DatasetError } from "../../src/data/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { idxBytes, syntheticDigits } from "./synthetic.js";

const dir = mkdtempSync(join(tmpdir(), "lantern-idx-"));
const file = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

describe("IDX files", () => {
  test("parses uint8 and big-endian int32/float32 payloads with their shapes", () => {
    const u8 = parseIdx(idxBytes(0x08, [2, 3], Uint8Array.of(1, 2, 3, 4, 5, 6)), "u8");
    assert.deepEqual([u8.type, u8.shape, [...u8.data]], ["uint8", [2, 3], [1, 2, 3, 4, 5, 6]]);
    const ints = Buffer.alloc(8);
    ints.writeInt32BE(-7, 0);
    ints.writeInt32BE(65536, 4);
    assert.deepEqual([...parseIdx(idxBytes(0x0c, [2], ints), "i32").data], [-7, 65536]);
    const floats = Buffer.alloc(4);
    floats.writeFloatBE(1.5, 0);
    assert.deepEqual([...parseIdx(idxBytes(0x0d, [1], floats), "f32").data], [1.5]);
  });

  test("reads gzipped and plain files alike, whatever their names", () => {
    const bytes = idxBytes(0x08, [3], Uint8Array.of(7, 8, 9));
    assert.deepEqual([...readIdx(file("plain.idx", bytes)).data], [7, 8, 9]);
    assert.deepEqual([...readIdx(file("zipped.gz", gzipSync(bytes))).data], [7, 8, 9]);
  });

  test("truncated, padded and malformed files are errors naming the file, never tensors", () => {
    const good = idxBytes(0x08, [2, 28, 28], new Uint8Array(2 * 784));
    assertThrowsWith(() => parseIdx(good.subarray(0, good.length - 1), "short.idx"), "short.idx", "truncated", "1584 bytes");
    assertThrowsWith(() => parseIdx(Buffer.concat([good, Buffer.from([0])]), "long.idx"), "long.idx", "1 unexpected bytes");
    assertThrowsWith(() => parseIdx(good.subarray(0, 10), "header.idx"), "header.idx", "header declares 3 dimensions");
    assertThrowsWith(() => parseIdx(Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0), "magic.idx"), "magic.idx", "magic number");
    assertThrowsWith(() => parseIdx(Uint8Array.of(0, 0, 0x42, 1, 0, 0, 0, 0), "type.idx"), "type code 0x42");
    assertThrowsWith(() => parseIdx(Uint8Array.of(0, 0), "tiny.idx"), "tiny.idx", "shorter than the 4-byte magic");
    const zipped = gzipSync(good);
    const path = file("cut.gz", zipped.subarray(0, zipped.length - 20));
    assert.throws(() => readIdx(path), (e: unknown) => e instanceof DatasetError && e.message.includes("cut.gz") && e.message.includes("gzip"));
  });

  test("an image/label pair is checked for kinds, counts and label range", () => {
    const { images, labels } = syntheticDigits(4);
    const img = file("img.idx", idxBytes(0x08, [4, 28, 28], images));
    const lab = file("lab.idx", idxBytes(0x08, [4], labels));
    const ds = readIdxImageSplit(img, lab);
    assert.equal(ds.length, 4);
    assert.deepEqual(ds.classCounts(), [1, 1, 1, 1]);
    const [x, y] = ds.get(3);
    assert.deepEqual([x.shape, x.dtype, y], [[1, 28, 28], "float32", 3]);
    assert.ok(Math.max(...x.toArray()) <= 1);
    assertThrowsWith(() => readIdxImageSplit(img, file("lab3.idx", idxBytes(0x08, [3], labels.subarray(0, 3)))), "4 images", "3 labels");
    assertThrowsWith(() => readIdxImageSplit(lab, lab), "expected an IDX file of uint8 images");
    assertThrowsWith(() => readIdxImageSplit(img, file("bad.idx", idxBytes(0x08, [4], Uint8Array.of(0, 1, 12, 3)))), "label 12 at index 2");
    assertThrowsWith(() => readIdxImageSplit(img, img), "expected an IDX file of uint8 labels");
  });
});
