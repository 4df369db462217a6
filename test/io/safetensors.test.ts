import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import * as lt from "../../src/index.js";
import * as io from "../../src/io/index.js";

const FIXTURE = new URL("../../../test/fixtures/lenet5.safetensors", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "lantern-io-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file from a header (object or raw text) and data bytes; `length` overrides the header length field. */
function build(header: object | string, data: ArrayLike<number> = [], length?: bigint): Uint8Array {
  const text = Buffer.from(typeof header === "string" ? header : JSON.stringify(header), "utf8");
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, length ?? BigInt(text.length), true);
  out.set(text, 8);
  out.set(Array.from(data), 8 + text.length);
  return out;
}

/** Little-endian bytes of `values` stored as `Array`'s element type. */
function bytesOf(values: ArrayLike<number> | ArrayLike<bigint>, Array: { new (v: never): ArrayBufferView }): number[] {
  const view = new Array(values as never);
  return [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
}

const entry = (dtype: string, shape: number[], begin: number, end: number) => ({ dtype, shape, data_offsets: [begin, end] });

function assertRejects(bytes: Uint8Array, key: string | null, ...fragments: string[]): void {
  assert.throws(() => io.loadSafetensors(bytes), (e: unknown) => {
    assert.ok(e instanceof io.SafetensorsError, `expected a SafetensorsError, got ${String(e)}`);
    assert.equal(e.key, key);
    assert.equal(e.file, "<bytes>");
    assert.ok(e.message.startsWith("<bytes>: "), e.message);
    for (const f of fragments) assert.ok(e.message.includes(f), `"${e.message}" does not mention "${f}"`);
    return true;
  });
}

describe("safetensors round trips", () => {
  test("every writable dtype, scalars, empty and non-contiguous tensors, with metadata, through a file", () => {
    const tensors = {
      f32: lt.tensor([[1.5, -2], [3, 4e-30]]),
      f64: lt.tensor([Math.PI, -1e300], { dtype: "float64" }),
      i32: lt.tensor([-2147483648, 0, 2147483647], { dtype: "int32" }),
      flags: lt.tensor([true, false, true]),
      scalar: lt.tensor(7),
      empty: lt.zeros([0, 3]),
      transposed: lt.arange(6).reshape([2, 3]).transpose(0, 1),
    };
    const path = join(dir, "all.safetensors");
    io.saveSafetensors(path, tensors, { format: "pt", note: "ünïcode ✓" });
    const { tensors: loaded, metadata } = io.loadSafetensorsWithMetadata(path);
    assert.deepEqual(metadata, { format: "pt", note: "ünïcode ✓" });
    assert.deepEqual(Object.keys(loaded).sort(), Object.keys(tensors).sort());
    for (const [key, t] of Object.entries(tensors)) {
      assert.equal(loaded[key].dtype, t.dtype, key);
      assert.deepEqual(loaded[key].shape, t.shape, key);
      assert.deepEqual(loaded[key].tolist(), t.tolist(), key);
    }
  });

  test("bytes are laid out as Hugging Face writes them (the PyTorch-written LeNet-5 file re-serialises identically)", () => {
    const original = readFileSync(FIXTURE);
    const rewritten = Buffer.concat(io.serializeSafetensors(io.loadSafetensors(original)));
    assert.equal(Buffer.compare(rewritten, original), 0);
  });

  test("widest dtype first, then names in byte order; header padded with spaces to 8 bytes", () => {
    const bytes = Buffer.concat(io.serializeSafetensors({
      b: lt.tensor([true]), "9": lt.zeros([1]), "10": lt.zeros([1]), a: lt.zeros([1], { dtype: "int32" }), z: lt.zeros([1], { dtype: "float64" }),
    }, { "2": "x", "1": "y" }));
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(n % 8, 0);
    const header = bytes.subarray(8, 8 + n).toString("utf8");
    assert.match(header, /^\{"__metadata__":\{"1":"y","2":"x"\},"z":.*"10":.*"9":.*"a":.*"b":\{"dtype":"BOOL","shape":\[1\],"data_offsets":\[20,21\]\}\} *$/);
  });

  test("readSafetensorsHeader reads dtypes, shapes and offsets without the data", () => {
    const header = io.readSafetensorsHeader(FIXTURE);
    assert.deepEqual(header.tensors["features.0.weight"], { dtype: "F32", shape: [6, 1, 5, 5], dataOffsets: [236560, 237160] });
    assert.equal(Object.keys(header.tensors).length, 10);
    assert.equal(header.dataStart, 8 + 816);
    assert.deepEqual(header.metadata, {});
  });
});

describe("safetensors dtypes on reading", () => {
  test("F16 widens to float32: normals, subnormals, the largest finite, infinities, NaN, -0", () => {
    const halves = [0x3c00, 0xc000, 0x0001, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000, 0x3555];
    const t = io.loadSafetensors(build({ h: entry("F16", [11], 0, 22) }, bytesOf(halves, Uint16Array))).h;
    assert.equal(t.dtype, "float32");
    const expected = [1, -2, 2 ** -24, 6.097555160522461e-5, 6.103515625e-5, 65504, Infinity, -Infinity, NaN, -0, 0.333251953125];
    [...t.toArray()].forEach((v, i) => assert.ok(Object.is(v, expected[i]), `element ${i}: ${v} vs ${expected[i]}`));
  });

  test("BF16 widens to float32 (the top 16 bits of a float32)", () => {
    const halves = [0x3f80, 0xc000, 0x7f80, 0xff80, 0x7fc0, 0x0001, 0x4049, 0x8000];
    const t = io.loadSafetensors(build({ b: entry("BF16", [2, 4], 0, 16) }, bytesOf(halves, Uint16Array))).b;
    const expected = [1, -2, Infinity, -Infinity, NaN, 9.183549615799121e-41, 3.140625, -0];
    [...t.toArray()].forEach((v, i) => assert.ok(Object.is(v, expected[i]), `element ${i}: ${v} vs ${expected[i]}`));
    assert.deepEqual(t.shape, [2, 4]);
  });

  test("integers land in int32, F64 stays float64, BOOL becomes bool", () => {
    const data = [
      ...bytesOf([-5n, 2147483647n, -2147483648n], BigInt64Array), // I64, 24 bytes
      ...bytesOf([0.1], Float64Array), // F64, 8
      ...bytesOf([-7, 9], Int32Array), // I32, 8
      ...bytesOf([-300, 300], Int16Array), // I16, 4
      ...bytesOf([65535], Uint16Array), // U16, 2
      0, 255, // U8
      0x80, // I8 = -128
      0, 1, 1, // BOOL
    ];
    const t = io.loadSafetensors(build({
      long: entry("I64", [3], 0, 24), double: entry("F64", [1], 24, 32), int: entry("I32", [2], 32, 40), short: entry("I16", [2], 40, 44),
      ushort: entry("U16", [1], 44, 46), byte: entry("U8", [2], 46, 48), sbyte: entry("I8", [1], 48, 49), mask: entry("BOOL", [3], 49, 52),
    }, data));
    assert.deepEqual(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, [v.dtype, v.tolist()]])), {
      long: ["int32", [-5, 2147483647, -2147483648]], double: ["float64", [0.1]], int: ["int32", [-7, 9]], short: ["int32", [-300, 300]],
      ushort: ["int32", [65535]], byte: ["int32", [0, 255]], sbyte: ["int32", [-128]], mask: ["bool", [false, true, true]],
    });
  });

  test("an I64 or U32 value outside int32 and a BOOL byte other than 0/1 are errors naming the tensor and element", () => {
    assertRejects(build({ ids: entry("I64", [2], 0, 16) }, bytesOf([1n, 2147483648n], BigInt64Array)), "ids", 'tensor "ids" (I64): element 1: value 2147483648 does not fit int32');
    assertRejects(build({ ids: entry("I64", [1], 0, 8) }, bytesOf([-2147483649n], BigInt64Array)), "ids", "value -2147483649 does not fit int32");
    assertRejects(build({ u: entry("U32", [1], 0, 4) }, bytesOf([4294967295], Uint32Array)), "u", "value 4294967295 does not fit int32");
    assertRejects(build({ m: entry("BOOL", [2], 0, 2) }, [1, 2]), "m", "element 1: byte 2 is not a bool");
  });
});

describe("safetensors validation", () => {
  const ok = { w: entry("F32", [2], 0, 8) };
  const data = new Array(8).fill(0);

  test("file and header length", () => {
    assertRejects(new Uint8Array(5), null, "file is 5 bytes, too short");
    assertRejects(build(ok, data, 1000n), null, "header length 1000 goes beyond the end of the file");
    assertRejects(build(ok, data, 200_000_000n), null, "exceeds the 100000000-byte limit");
    assert.throws(() => io.loadSafetensors(join(dir, "missing.safetensors")), /ENOENT.*missing\.safetensors/);
  });

  test("header text: UTF-8, JSON, an object, string metadata", () => {
    const badUtf8 = build(ok, data);
    badUtf8[9] = 0xff;
    assertRejects(badUtf8, null, "header is not valid UTF-8");
    assertRejects(build('{"w": ', data), null, "header is not valid JSON");
    assertRejects(build("[1, 2]", data), null, 'must be a JSON object starting with "{"');
    assertRejects(build({ __metadata__: { epoch: 3 }, ...ok }, data), null, '__metadata__ value for "epoch" must be a string');
  });

  test("entries: dtype, shape and offsets are well-formed and match in size", () => {
    assertRejects(build({ w: entry("F17", [2], 0, 8) }, data), "w", 'tensor "w": unknown dtype "F17"');
    assertRejects(build({ w: entry("F8_E4M3", [8], 0, 8) }, data), "w", "dtype F8_E4M3 is not supported");
    assertRejects(build({ w: entry("F32", [-2], 0, 8) }, data), "w", "shape must be an array of non-negative integers");
    assertRejects(build({ w: { dtype: "F32", shape: [2] } }, data), "w", "data_offsets must be [begin, end]");
    assertRejects(build({ w: entry("F32", [2], 8, 0) }, data), "w", "data_offsets must be [begin, end] with 0 <= begin <= end");
    assertRejects(build({ w: entry("F32", [3], 0, 8) }, data), "w", "F32 [3] needs 12 bytes but data_offsets [0, 8] hold 8");
    assertRejects(build({ w: "F32" }, data), "w", "header entry must be an object");
  });

  test("offsets: inside the data, no overlap, no gap, full coverage", () => {
    assertRejects(build({ w: entry("F32", [4], 0, 16) }, data), "w", "data_offsets [0, 16] go beyond the data section (8 bytes)");
    assertRejects(build({ a: entry("F32", [2], 0, 8), b: entry("F32", [1], 4, 8) }, data), "b", 'tensor "b": data_offsets [4, 8] overlap tensor "a"');
    assertRejects(build({ a: entry("F32", [1], 0, 4), b: entry("F32", [1], 6, 10) }, new Array(10).fill(0)), "b", "leaving bytes 4..6 of the data section unused");
    assertRejects(build({ a: entry("F32", [1], 0, 4) }, data), null, "the tensors cover 4 bytes but the data section has 8");
  });

  test("errors for a path name the path", () => {
    const path = join(dir, "corrupt.safetensors");
    writeFileSync(path, build({ w: entry("F32", [3], 0, 8) }, data));
    assert.throws(() => io.loadSafetensors(path), (e: unknown) => e instanceof io.SafetensorsError && e.file === path && e.message.startsWith(`${path}: tensor "w"`));
    assert.throws(() => io.readSafetensorsHeader(path), /needs 12 bytes/);
  });
});

describe("safetensors saving", () => {
  test("saving is atomic: the old file survives a failed save and no temporary file is left", () => {
    const path = join(dir, "atomic.safetensors");
    io.saveSafetensors(path, { a: lt.ones([2]) });
    const before = readFileSync(path);
    assert.throws(() => io.saveSafetensors(path, { a: lt.zeros([2]) }, { epoch: 3 as unknown as string }), /metadata value for "epoch" must be a string/);
    assert.throws(() => io.saveSafetensors(path, { __metadata__: lt.zeros([1]) }), /invalid tensor name "__metadata__"/);
    assert.throws(() => io.saveSafetensors(join(dir, "no-such-dir", "x.safetensors"), { a: lt.zeros([1]) }), /ENOENT/);
    assert.deepEqual(readFileSync(path), before);
    io.saveSafetensors(path, { a: lt.full([2], 5) });
    assert.deepEqual(io.loadSafetensors(path).a.tolist(), [5, 5]);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".tmp")), []);
  });
});
