import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { setCacheLineProbe } from "../../src/memory/pool.js";

afterEach(() => lt.emptyMemoryPool());

const { nn } = lt;

/** A small CNN with what the zoo's models use: conv, batch norm, ReLU, pooling, a residual sum, a classifier. */
class SmallNet extends nn.Module {
  stem = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.MaxPool2d(2));
  branch = new nn.Sequential(new nn.Conv2d(8, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8));
  head = new nn.Sequential(new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 5));
  forward(x: lt.Tensor): lt.Tensor {
    const h = this.stem.forward(x);
    return this.head.forward(h.add(this.branch.forward(h)).relu());
  }
}

function eager(model: lt.nn.Module, x: lt.Tensor): Float32Array {
  const y = lt.tidy(() => lt.noGrad(() => model.forward(x)));
  const values = y.toArray() as Float32Array;
  y.dispose();
  return values;
}

describe("lt.jit.trace", () => {
  test("replays a CNN's kernels on new inputs and gives exactly the eager output", () => {
    lt.manualSeed(1);
    const model = new SmallNet().eval();
    const traced = lt.jit.trace(model, lt.randn([2, 3, 12, 12]));
    assert.deepEqual(traced.inputShape, [2, 3, 12, 12]);
    assert.deepEqual(traced.outputShape, [2, 5]);
    assert.ok(traced.ops >= 8, `${traced.ops} kernel calls recorded`);
    for (let i = 0; i < 3; i++) {
      const x = lt.randn([2, 3, 12, 12]);
      const y = traced.forward(x);
      assert.deepEqual(y.shape, [2, 5]);
      assert.deepEqual(y.toArray(), eager(model, x));
    }
  });

  test("folded MobileNetV2 (fused activations, residual sums, prepared weights) replays exactly", () => {
    lt.manualSeed(2);
    const model = lt.vision.models.mobilenetV2({ numClasses: 10 }).eval();
    const example = lt.randn([1, 3, 32, 32]);
    lt.nn.utils.fuseConvBn(model, example);
    const traced = lt.jit.trace(model, example);
    const x = lt.randn([1, 3, 32, 32]);
    assert.deepEqual(traced.forward(x).toArray(), eager(model, x));
  });

  test("each output owns its memory: a later replay does not change an earlier result", () => {
    const model = new SmallNet().eval();
    const traced = lt.jit.trace(model, lt.randn([1, 3, 8, 8]));
    const a = lt.randn([1, 3, 8, 8]), b = lt.randn([1, 3, 8, 8]);
    const first = traced.forward(a);
    const before = first.toArray();
    traced.forward(b);
    assert.deepEqual(first.toArray(), before);
  });

  test("intermediates share planned memory: a deep stack of same-sized layers needs a few buffers, not one per layer", () => {
    const layers: lt.nn.Module[] = [];
    for (let i = 0; i < 12; i++) layers.push(new nn.Conv2d(16, 16, 3, { padding: 1 }), new nn.ReLU());
    const model = new nn.Sequential(...layers).eval();
    const traced = lt.jit.trace(model, lt.randn([2, 16, 16, 16]));
    const activation = 2 * 16 * 16 * 16 * 4;
    assert.ok(traced.arenaBytes <= 3 * activation, `arena ${traced.arenaBytes} bytes for activations of ${activation}`);
    const x = lt.randn([2, 16, 16, 16]);
    assert.deepEqual(traced.forward(x).toArray(), eager(model, x));
  });

  test("with the native core, every intermediate the replay hands a kernel starts on a cache line", { skip: nativeBackend && lt.backend() === "native" ? false : "native core not active" }, () => {
    const base = lt.getBackend();
    const offsets: number[] = [];
    let replaying = false;
    // A backend that notes where each convolution's output starts, active while tracing so that
    // the replay calls it too.
    const spy = Object.create(base) as typeof base;
    spy.conv2d = (...args: Parameters<typeof base.conv2d>) => {
      if (replaying) offsets.push(nativeAddon!.cacheLineOffset(args[3]));
      return base.conv2d(...args);
    };
    lt.setBackend(spy);
    // While recording, storage is told it starts 16 bytes past a line, so its views start 48 bytes
    // into their buffers: the plan must place the views, not the buffers, on lines.
    setCacheLineProbe(() => 16);
    try {
      const layers: lt.nn.Module[] = [];
      for (let i = 0; i < 6; i++) layers.push(new nn.Conv2d(8, 8, 3, { padding: 1 }), new nn.ReLU());
      const example = lt.randn([1, 8, 33, 33]);
      const model = new nn.Sequential(...layers).eval();
      const traced = lt.jit.trace(model, example);
      setCacheLineProbe((data) => nativeAddon!.cacheLineOffset(data));
      replaying = true;
      traced.forward(lt.randn([1, 8, 33, 33]));
    } finally {
      setCacheLineProbe((data) => nativeAddon!.cacheLineOffset(data));
      lt.setBackend(base);
    }
    assert.equal(offsets.length, 6);
    assert.deepEqual(offsets, [0, 0, 0, 0, 0, 0]);
  });

  test("takes strided inputs, functions as well as modules, and an identity", () => {
    const scale = (x: lt.Tensor) => x.mul(2).add(1);
    const traced = lt.jit.trace(scale, lt.randn([3, 4]));
    const wide = lt.randn([4, 3]).transpose(0, 1);
    assert.deepEqual(traced.forward(wide).toArray(), lt.noGrad(() => scale(wide)).toArray());
    const identity = lt.jit.trace((x: lt.Tensor) => x, lt.randn([5]));
    const x = lt.randn([5]);
    const y = identity.forward(x);
    assert.deepEqual(y.toArray(), x.toArray());
    assert.notEqual(y.data, x.data, "the output is a copy");
  });

  test("inside lt.tidy the outputs are collected like any op's", () => {
    const traced = lt.jit.trace(new SmallNet().eval(), lt.randn([1, 3, 8, 8]));
    let inner: lt.Tensor | null = null;
    lt.tidy(() => {
      inner = traced.forward(lt.randn([1, 3, 8, 8]));
    });
    assert.equal(inner!.isDisposed, true);
  });

  test("refuses a training-mode model, a non-tensor result, and inputs of another shape or dtype", () => {
    assertThrowsWith(() => lt.jit.trace(new SmallNet(), lt.randn([1, 3, 8, 8])), "training mode", "model.eval()");
    assertThrowsWith(() => lt.jit.trace((x: lt.Tensor) => [x.mul(2)] as unknown as lt.Tensor, lt.randn([2])), "must return one Tensor", "an array");
    assertThrowsWith(() => lt.jit.trace({} as never, lt.randn([2])), "expected a module or a function");
    assertThrowsWith(() => lt.jit.trace((x: lt.Tensor) => x, [1, 2] as never), "example input must be a Tensor");
    const traced = lt.jit.trace((x: lt.Tensor) => x.relu(), lt.randn([2, 3]));
    assertThrowsWith(() => traced.forward(lt.randn([3, 2])), "traced for float32 input of shape [2, 3]", "got float32 [3, 2]");
    assertThrowsWith(() => traced.forward(lt.zeros([2, 3], { dtype: "float64" })), "got float64 [2, 3]");
    assertThrowsWith(() => traced.forward("x" as never), "expected a Tensor");
  });

  test("refuses a forward pass that computes its result in JavaScript rather than through the backend", () => {
    const inJs = (x: lt.Tensor) => lt.tensor(Array.from(x.toArray(), (v) => v * 2), { dtype: "float32" }).reshape(x.shape);
    assertThrowsWith(() => lt.jit.trace(inJs, lt.randn([6])), "jit.trace: replaying the recorded kernel calls", "outside the backend");
  });
});
