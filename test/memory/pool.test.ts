import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { nativeAddon } from "../../src/backend/native/index.js";

// Large enough to be pooled (4096 elements and up).
const N = 8192;

afterEach(() => {
  lt.setMemoryPoolLimit(512 * 1024 * 1024);
  lt.emptyMemoryPool();
});

describe("dispose and the storage pool", () => {
  test("a disposed tensor's storage comes back zeroed for the next tensor of that size", () => {
    const a = lt.full([N], 3);
    const storage = a.data;
    a.dispose();
    assert.equal(a.isDisposed, true);
    assert.equal(lt.memory().pooledBuffers, 1);
    const b = lt.zeros([N]);
    assert.equal(b.data.buffer, storage.buffer);
    assert.ok(b.data.every((v) => v === 0));
    assert.equal(lt.memory().pooledBuffers, 0);
  });

  test("an op's output reuses recycled storage and is still computed exactly", () => {
    const x = lt.randn([2, 4, 16, 16]);
    const w = lt.randn([8, 4, 3, 3]);
    const expected = lt.noGrad(() => lt.F.conv2d(x, w, null, { padding: 1 })).toArray();
    const first = lt.noGrad(() => lt.F.conv2d(x, w, null, { padding: 1 }));
    const storage = first.data;
    storage.fill(Number.NaN);
    first.dispose();
    const second = lt.noGrad(() => lt.F.conv2d(x, w, null, { padding: 1 }));
    assert.equal(second.data.buffer, storage.buffer);
    assert.deepEqual(second.toArray(), expected);
  });

  test("storage shared by a view is recycled only once every view is disposed", () => {
    const a = lt.randn([N]);
    const view = a.reshape([64, 128]);
    const values = a.toArray();
    a.dispose();
    assert.notEqual(lt.zeros([N]).data.buffer, view.data.buffer);
    const flat = view.reshape([N]);
    assert.deepEqual(flat.toArray(), values);
    const storage = view.data;
    view.dispose();
    assert.notEqual(lt.zeros([N]).data.buffer, storage.buffer, "the flat view still holds it");
    flat.dispose();
    assert.equal(lt.zeros([N]).data.buffer, storage.buffer);
  });

  test("arrays the caller handed in are never recycled", () => {
    const mine = new Float32Array(N).fill(7);
    const t = lt.Tensor.fromTypedArray(mine);
    t.dispose();
    assert.equal(lt.memory().pooledBuffers, 0);
    assert.notEqual(lt.zeros([N]).data.buffer, mine.buffer);
    assert.ok(mine.every((v) => v === 7));
  });

  test("tensors of other sizes and dtypes share released memory up to twice their size", () => {
    const big = lt.randn([2 * N]);
    const memory = big.data.buffer;
    big.dispose();
    const tooSmall = lt.zeros([N / 2]);
    assert.notEqual(tooSmall.data.buffer, memory, "a buffer over twice the request stays for larger tensors");
    const smaller = lt.zeros([N - 1], { dtype: "float64" });
    assert.equal(smaller.data.buffer, memory);
    assert.equal(smaller.data.length, N - 1);
    assert.ok(smaller.data.every((v) => v === 0));
    // Among the buffers that fit, the smallest is taken.
    const larger = lt.randn([3 * N]);
    const largerMemory = larger.data.buffer;
    smaller.dispose();
    larger.dispose();
    assert.equal(lt.memory().pooledBuffers, 2);
    assert.equal(lt.zeros([2 * N]).data.buffer, memory);
    assert.equal(lt.zeros([2 * N]).data.buffer, largerMemory);
  });

  test("storage moved to another thread is not pooled when its tensor is disposed", () => {
    const t = lt.randn([N]);
    structuredClone(t.data.buffer, { transfer: [t.data.buffer as ArrayBuffer] });
    t.dispose();
    assert.equal(lt.memory().pooledBuffers, 0);
  });

  test("using a disposed tensor throws an error saying so; disposing twice is harmless", () => {
    const t = lt.ones([3, 4]);
    t.dispose();
    t.dispose();
    assertThrowsWith(() => t.add(1), "tensor of shape [3, 4] was disposed");
    assertThrowsWith(() => t.toArray(), "was disposed");
  });

  test("the pool keeps to its byte limit, and 0 turns recycling off", () => {
    lt.setMemoryPoolLimit(N * 4);
    lt.randn([N]).dispose();
    lt.randn([N]).dispose();
    assert.deepEqual(lt.memory(), { pooledBytes: N * 4, pooledBuffers: 1, poolLimitBytes: N * 4 });
    lt.setMemoryPoolLimit(0);
    assert.equal(lt.memory().pooledBuffers, 0);
    lt.randn([N]).dispose();
    assert.equal(lt.memory().pooledBytes, 0);
    assertThrowsWith(() => lt.setMemoryPoolLimit(-1), "setMemoryPoolLimit: expected a byte count >= 0, got -1");
  });

  test("with the native core, pooled storage starts on a cache line, fresh or recycled, zeroed or not", { skip: nativeAddon ? false : "native core not built" }, () => {
    const lineOffset = (t: lt.Tensor) => nativeAddon!.cacheLineOffset(t.data);
    const x = lt.randn([N + 3]);
    assert.equal(lineOffset(x), 0, "zero-filled (allocate)");
    const y = lt.noGrad(() => x.add(1));
    assert.equal(lineOffset(y), 0, "unzeroed (uninitialized)");
    const values = y.toArray();
    y.dispose();
    const z = lt.noGrad(() => x.mul(2));
    assert.equal(lineOffset(z), 0, "recycled");
    assert.deepEqual(z.toArray(), x.toArray().map((v) => Math.fround(v * 2)));
    assert.equal(values.length, N + 3);
  });

  test("emptyMemoryPool drops what the pool holds", () => {
    lt.randn([N]).dispose();
    lt.randn([2 * N]).dispose();
    assert.equal(lt.memory().pooledBytes, 3 * N * 4);
    lt.emptyMemoryPool();
    assert.deepEqual(lt.memory().pooledBuffers, 0);
  });
});
