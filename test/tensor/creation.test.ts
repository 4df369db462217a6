import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("creation", {
  arange_int: () => lt.arange(0, 7, 2),
  arange_float: () => lt.arange(1, 2.5, 0.25),
  arange_negative_step: () => lt.arange(5, -1, -1.5),
  linspace_5: () => lt.linspace(0, 1, 5),
  linspace_7: () => lt.linspace(-1.3, 2.2, 7),
  linspace_float64: () => lt.linspace(-1, 1, 11, { dtype: "float64" }),
  eye_square: () => lt.eye(3),
  eye_rect: () => lt.eye(2, 4),
  full: () => lt.full([2, 3], 1.5),
  full_int: () => lt.full([2, 2], 7, { dtype: "int32" }),
});

describe("lt.tensor", () => {
  test("infers shape from nested arrays, float32 by default", () => {
    const t = lt.tensor([[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.strides, [3, 1]);
    assert.equal(t.dtype, "float32");
    assert.ok(t.data instanceof Float32Array);
    assert.deepEqual(t.tolist(), [[1, 2, 3], [4, 5, 6]]);
  });

  test("scalars are 0-d; booleans make bool tensors", () => {
    const s = lt.tensor(2.5);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 2.5);
    const b = lt.tensor([true, false, true]);
    assert.equal(b.dtype, "bool");
    assert.ok(b.data instanceof Uint8Array);
    assert.deepEqual(b.tolist(), [true, false, true]);
  });

  test("each dtype has its typed array, and values convert like PyTorch", () => {
    assert.ok(lt.tensor([1.5], { dtype: "float64" }).data instanceof Float64Array);
    const i = lt.tensor([1.9, -1.9, 3], { dtype: "int32" });
    assert.ok(i.data instanceof Int32Array);
    assert.deepEqual(i.tolist(), [1, -1, 3]);
    assert.deepEqual(lt.tensor([0, 2, -1], { dtype: "bool" }).tolist(), [false, true, true]);
    assert.equal(lt.tensor([0.1]).item(), Math.fround(0.1));
  });

  test("typed arrays keep their dtype and are copied", () => {
    const src = new Float64Array([1, 2, 3, 4]);
    const t = lt.tensor(src, { shape: [2, 2] });
    assert.equal(t.dtype, "float64");
    assert.deepEqual(t.shape, [2, 2]);
    src[0] = 99;
    assert.deepEqual(t.tolist(), [[1, 2], [3, 4]]);
    assert.equal(lt.tensor(new Int32Array([1, 2])).dtype, "int32");
  });

  test("empty and zero-size shapes", () => {
    assert.deepEqual(lt.tensor([]).shape, [0]);
    assert.deepEqual(lt.tensor([[], []]).shape, [2, 0]);
    assert.deepEqual(lt.zeros([3, 0]).toArray().length, 0);
  });

  test("a tensor argument is copied and detached", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const y = lt.tensor(x.mul(2));
    assert.equal(y.requiresGrad, false);
    y.data[0] = 7;
    assert.deepEqual(x.tolist(), [1, 2]);
  });

  test("errors name the op and what is wrong", () => {
    assertThrowsWith(() => lt.tensor([[1, 2], [3]]), "tensor", "ragged", "expected length 2", "got 1");
    assertThrowsWith(() => lt.tensor([1, [2]] as never), "tensor", "depth 1");
    assertThrowsWith(() => lt.tensor([1, "a"] as never), "tensor", "string");
    assertThrowsWith(() => lt.tensor([1, 2, 3], { shape: [2, 2] }), "tensor", "[2, 2]", "3");
    assertThrowsWith(() => lt.tensor([1], { dtype: "int64" as never }), "tensor", "int64", "float32, float64, int32 or bool");
    assertThrowsWith(() => lt.zeros([2]).to("float16" as never), "to", "float16");
    assertThrowsWith(() => lt.zeros([2, -1]), "zeros", "[2, -1]");
    assertThrowsWith(() => lt.ones([1.5]), "full", "[1.5]");
    assertThrowsWith(() => lt.arange(0, 3, 0), "arange", "step");
    assertThrowsWith(() => lt.linspace(0, 1, -2), "linspace", "-2");
    assertThrowsWith(() => lt.randint(3, 3, [2]), "randint", "3");
  });
});

describe("creation functions", () => {
  test("zeros, ones, full with dtypes and requiresGrad", () => {
    const z = lt.zeros([2, 3]);
    assert.deepEqual(z.shape, [2, 3]);
    assert.deepEqual(Array.from(z.toArray()), [0, 0, 0, 0, 0, 0]);
    const o = lt.ones(3, { dtype: "int32" });
    assert.equal(o.dtype, "int32");
    assert.deepEqual(o.tolist(), [1, 1, 1]);
    assert.equal(lt.full([2], true).dtype, "bool");
    assert.equal(lt.ones([2], { requiresGrad: true }).requiresGrad, true);
    assert.deepEqual(lt.zeros([]).shape, []);
  });

  test("*Like functions copy shape and dtype, options override", () => {
    const x = lt.tensor([[1, 2, 3]], { dtype: "float64" });
    for (const t of [lt.zerosLike(x), lt.onesLike(x), lt.fullLike(x, 4), lt.randLike(x), lt.randnLike(x)]) {
      assert.deepEqual(t.shape, [1, 3]);
      assert.equal(t.dtype, "float64");
    }
    assert.deepEqual(lt.fullLike(x, 4).tolist(), [[4, 4, 4]]);
    assert.equal(lt.zerosLike(x, { dtype: "int32" }).dtype, "int32");
    const r = lt.randintLike(x, 0, 5);
    assert.equal(r.dtype, "float64");
    assert.ok(Array.from(r.toArray()).every((v) => Number.isInteger(v) && v >= 0 && v < 5));
  });

  test("arange: one argument, integer dtype only for integer arguments", () => {
    assert.deepEqual(lt.arange(4).tolist(), [0, 1, 2, 3]);
    assert.equal(lt.arange(4).dtype, "int32");
    assert.equal(lt.arange(0, 1, 0.5).dtype, "float32");
    assert.equal(lt.arange(3, 0).numel, 0);
    assert.equal(lt.arange(0, 4, 1, { dtype: "float64" }).dtype, "float64");
  });

  test("linspace with one step and eye with a dtype", () => {
    assert.deepEqual(lt.linspace(3, 7, 1).tolist(), [3]);
    assert.deepEqual(lt.linspace(3, 7, 0).shape, [0]);
    assert.deepEqual(lt.eye(2, 2, { dtype: "bool" }).tolist(), [[true, false], [false, true]]);
  });

  test("storage is an ordinary typed array the garbage collector owns", () => {
    const t = lt.randn([4, 4]);
    assert.ok(t.data instanceof Float32Array);
    assert.equal(t.data.length, 16);
    assert.equal(t.isDisposed, false);
  });
});

describe("random tensors", () => {
  test("manualSeed makes the default stream reproducible", () => {
    lt.manualSeed(123);
    const a = [lt.rand([5]), lt.randn([2, 3]), lt.randint(0, 10, [4])];
    lt.manualSeed(123);
    const b = [lt.rand([5]), lt.randn([2, 3]), lt.randint(0, 10, [4])];
    a.forEach((t, i) => assert.deepEqual(Array.from(t.toArray()), Array.from(b[i].toArray())));
    lt.manualSeed(124);
    assert.notDeepEqual(Array.from(lt.rand([5]).toArray()), Array.from(a[0].toArray()));
  });

  test("a Generator is its own stream: same seed, same samples; others unaffected", () => {
    const g1 = new lt.Generator(7);
    const g2 = new lt.Generator(7);
    lt.manualSeed(0);
    const x1 = lt.randn([8], { generator: g1 });
    lt.rand([100]); // drawing from the default generator must not disturb g2
    const x2 = lt.randn([8], { generator: g2 });
    assert.deepEqual(Array.from(x1.toArray()), Array.from(x2.toArray()));
    lt.manualSeed(0);
    const d1 = lt.rand([4]);
    lt.manualSeed(0);
    lt.randn([16], { generator: new lt.Generator(1) }); // a private generator must not disturb the default
    assert.deepEqual(Array.from(lt.rand([4]).toArray()), Array.from(d1.toArray()));
    assert.notDeepEqual(Array.from(lt.rand([8], { generator: new lt.Generator(8) }).toArray()), Array.from(lt.rand([8], { generator: new lt.Generator(7) }).toArray()));
  });

  test("generator state round-trips", () => {
    const g = new lt.Generator(42);
    lt.randn([3], { generator: g });
    const state = g.getState();
    const a = lt.randn([5], { generator: g });
    g.setState(state);
    assert.deepEqual(Array.from(lt.randn([5], { generator: g }).toArray()), Array.from(a.toArray()));
    assert.equal(g.initialSeed(), 42);
  });

  test("distributions: rand in [0, 1), randn standard normal, randint in [low, high)", () => {
    const g = new lt.Generator(2024);
    const u = Array.from(lt.rand([20000], { generator: g, dtype: "float64" }).toArray());
    assert.ok(u.every((v) => v >= 0 && v < 1));
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    // Standard errors: uniform mean 0.002, normal mean 0.007, normal variance 0.01 at n = 20000.
    assert.ok(Math.abs(mean(u) - 0.5) < 0.01);
    const z = Array.from(lt.randn([20000], { generator: g, dtype: "float64" }).toArray());
    assert.ok(Math.abs(mean(z)) < 0.04);
    assert.ok(Math.abs(mean(z.map((v) => v * v)) - 1) < 0.05);
    const k = lt.randint(-3, 4, [5000], { generator: g });
    assert.equal(k.dtype, "int32");
    const counts = new Map<number, number>();
    for (const v of k.toArray()) counts.set(v, (counts.get(v) ?? 0) + 1);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [-3, -2, -1, 0, 1, 2, 3]);
    assert.deepEqual(lt.randint(5, [3], { generator: g }).shape, [3]);
    assert.ok(Array.from(lt.randint(5, [50], { generator: g }).toArray()).every((v) => v >= 0 && v < 5));
  });

  test("randperm is a permutation", () => {
    const p = Array.from(lt.randperm(10, { generator: new lt.Generator(3) }).toArray()).sort((a, b) => a - b);
    assert.deepEqual(p, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test("random samples honour dtype and requiresGrad", () => {
    const x = lt.randn([2, 2], { dtype: "float64", requiresGrad: true });
    assert.equal(x.dtype, "float64");
    assert.equal(x.requiresGrad, true);
    assertClose(lt.rand([3], { generator: new lt.Generator(5) }), lt.rand([3], { generator: new lt.Generator(5) }), { rtol: 0, atol: 0 });
  });
});
