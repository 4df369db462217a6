import { test } from "node:test";
import assert from "node:assert/strict";
import type { ConvActivation } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeBackend } from "../../src/backend/native/index.js";
import * as lt from "../../src/index.js";
import { PreparedConv2dCache } from "../../src/nn/functional/prepared-conv.js";
import { assertClose, convGeometry, forEachIsa, randomArray, rng, type ConvCase } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

// One geometry per path conv2d can take: Winograd, the direct and polyphase stems, the padded GEMM (also
// grouped), strided im2col, pointwise (grouped too), and depthwise (nothing to prepare).
const CASES: [string, ConvCase][] = [
  ["winograd 3x3", { batch: 2, inChannels: 16, outChannels: 24, height: 20, width: 18, kernel: [3, 3], pad: [1, 1, 1, 1] }],
  ["polyphase 7x7/2", { batch: 2, inChannels: 3, outChannels: 20, height: 23, width: 19, kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3] }],
  // Outputs at least 64 wide: the direct stem kernel, channels in the lanes.
  ["direct stem 3x3/2", { batch: 1, inChannels: 3, outChannels: 40, height: 20, width: 131, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1] }],
  ["direct stem 7x7/2", { batch: 2, inChannels: 3, outChannels: 70, height: 9, width: 140, kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3] }],
  ["padded 5x5", { batch: 1, inChannels: 6, outChannels: 10, height: 9, width: 11, kernel: [5, 5], pad: [2, 2, 1, 1] }],
  // A product too large for L2 is computed a few output rows at a time.
  ["padded in row chunks", { batch: 1, inChannels: 2, outChannels: 64, height: 70, width: 70, kernel: [3, 3], pad: [1, 1, 1, 1] }],
  ["padded grouped", { batch: 3, inChannels: 8, outChannels: 12, height: 7, width: 6, kernel: [3, 3], pad: [1, 1, 1, 1], groups: 4 }],
  ["im2col 3x3/2", { batch: 2, inChannels: 12, outChannels: 17, height: 13, width: 15, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1] }],
  ["im2col dilated", { batch: 1, inChannels: 5, outChannels: 9, height: 12, width: 12, kernel: [3, 2], stride: [2, 1], dilation: [2, 3] }],
  ["pointwise", { batch: 2, inChannels: 40, outChannels: 600, height: 5, width: 7, kernel: [1, 1] }],
  ["pointwise, channels in lanes", { batch: 2, inChannels: 96, outChannels: 40, height: 7, width: 7, kernel: [1, 1] }],
  ["pointwise, strided", { batch: 2, inChannels: 64, outChannels: 40, height: 9, width: 8, kernel: [1, 1], stride: [2, 2] }],
  ["pointwise grouped", { batch: 1, inChannels: 12, outChannels: 18, height: 6, width: 6, kernel: [1, 1], groups: 3 }],
  ["large k", { batch: 1, inChannels: 130, outChannels: 30, height: 5, width: 5, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1] }],
];

function operands(c: ConvCase, bias: boolean, seed: number) {
  const random = rng(seed);
  const g = convGeometry(c);
  const x = randomArray(random, g.batch * g.inChannels * g.inHeight * g.inWidth);
  const w = randomArray(random, g.outChannels * (g.inChannels / (g.groups ?? 1)) * g.kernelHeight * g.kernelWidth);
  const b = bias ? randomArray(random, g.outChannels) : null;
  const out = () => new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth).fill(NaN);
  return { g, x, w, b, out };
}

test("conv2d with prepared weights gives exactly the unprepared result on every path and instruction set", { skip }, () => {
  forEachIsa((isa) => {
    CASES.forEach(([name, c], i) => {
      for (const bias of [true, false]) {
        for (const activation of ["none", "relu6"] as ConvActivation[]) {
          const { g, x, w, b, out } = operands(c, bias, 100 + i);
          const plain = out(), prepared = out(), expected = out();
          native.conv2d(x, w, b, plain, g, { activation });
          const handle = native.prepareConv2d!(w, b, g);
          native.conv2d(x, w, b, prepared, g, { activation, prepared: handle });
          const what = `${isa} ${name} bias=${bias} ${activation}`;
          assert.deepEqual(prepared, plain, what);
          jsBackend.conv2d(x, w, b, expected, g, { activation });
          assertClose(prepared, expected, 1e-4, what);
          // The panels are what the call reads: zeroed, they change the result.
          const zeroed = (handle as Float32Array).slice().fill(0, 16);
          const fromZeroed = out();
          native.conv2d(x, w, b, fromZeroed, g, { activation, prepared: zeroed });
          assert.notDeepEqual(fromZeroed, plain, `${what}: prepared panels unused`);
        }
      }
    });
  });
});

test("prepared weights start on a cache line, as cacheLineOffset reports addresses", { skip }, () => {
  const buffer = new ArrayBuffer(256);
  const base = native.cacheLineOffset!(new Uint8Array(buffer));
  for (const shift of [4, 60, 68]) assert.equal(native.cacheLineOffset!(new Float32Array(buffer, shift, 4)), (base + shift) % 64);
  for (const [name, c] of CASES) {
    const { g, w, b } = operands(c, true, 9);
    const handle = native.prepareConv2d!(w, b, g);
    if (handle) assert.equal(native.cacheLineOffset!(handle as Float32Array), 0, name);
  }
});

test("depthwise geometries have nothing to prepare", { skip }, () => {
  const { g, w, b } = operands({ batch: 1, inChannels: 8, outChannels: 8, height: 9, width: 9, kernel: [3, 3], pad: [1, 1, 1, 1], groups: 8 }, true, 7);
  assert.equal(native.prepareConv2d!(w, b, g), null);
});

test("prepared weights made for something else are ignored, not misread", { skip }, () => {
  const c = CASES[0][1];
  const { g, x, w, b, out } = operands(c, true, 5);
  const expected = out();
  native.conv2d(x, w, b, expected, g);
  // Another input size, the bias dropped, and a truncated buffer.
  const other = operands({ ...c, height: c.height + 2 }, true, 5).g;
  const stale = [native.prepareConv2d!(w, b, other), native.prepareConv2d!(w, null, g)];
  const full = native.prepareConv2d!(w, b, g) as Float32Array;
  stale.push(full.subarray(0, full.length - 1), new Float32Array(16));
  for (const [i, handle] of stale.entries()) {
    const actual = out();
    native.conv2d(x, w, b, actual, g, { prepared: handle });
    assert.deepEqual(actual, expected, `stale preparation ${i}`);
  }
  // Made under another instruction set.
  forEachIsa((isa) => {
    const made = native.prepareConv2d!(w, b, g);
    forEachIsa((other) => {
      const want = out(), got = out();
      native.conv2d(x, w, b, want, g);
      native.conv2d(x, w, b, got, g, { prepared: made });
      assert.deepEqual(got, want, `made under ${isa}, run under ${other}`);
    });
  });
});

test("an eval-mode Conv2d keeps prepared weights and rebuilds them after every write to the weights", { skip }, () => {
  lt.manualSeed(3);
  const conv = new lt.nn.Conv2d(8, 16, 3, { padding: 1 });
  conv.eval();
  const x = lt.randn([2, 8, 12, 12]);
  const reference = () => lt.noGrad(() => lt.F.conv2d(x, conv.weight, conv.bias, { padding: 1 }));
  const close = (what: string) => assertClose(lt.noGrad(() => conv.call(x)).data, reference().data, 1e-5, what);
  close("first call");
  close("cached call");
  // An optimizer step, copy_, fill_ and a loaded state dict each change the weights in place.
  const optimizer = new lt.optim.SGD(conv.parameters(), { lr: 0.5 });
  lt.F.conv2d(x, conv.weight, conv.bias, { padding: 1 }).sum().backward();
  optimizer.step();
  close("after an optimizer step");
  lt.noGrad(() => conv.weight.copy_(lt.randn(conv.weight.shape)));
  close("after copy_");
  lt.noGrad(() => conv.bias!.fill_(0.25));
  close("after fill_ of the bias");
  const state = new lt.nn.Conv2d(8, 16, 3, { padding: 1 }).stateDict();
  conv.loadStateDict(state);
  close("after loadStateDict");
  // Another input size is another geometry.
  const y = lt.randn([1, 8, 7, 9]);
  assertClose(lt.noGrad(() => conv.call(y)).data, lt.noGrad(() => lt.F.conv2d(y, conv.weight, conv.bias, { padding: 1 })).data, 1e-5, "new size");
});

test("the prepared-weights cache keeps a few geometries and follows the backend", { skip }, () => {
  const cache = new PreparedConv2dCache();
  const c = CASES[4][1];
  const { g, w, b } = operands(c, true, 9);
  const first = cache.lookup(native, w, b, g);
  assert.ok(first !== null);
  assert.equal(cache.lookup(native, w, b, g), first, "the same geometry reuses the entry");
  cache.lookup(native, w, b, { ...g, inHeight: g.inHeight + 2, outHeight: g.outHeight + 1 });
  assert.equal(cache.lookup(native, w, b, g), first, "two geometries in turn both stay prepared");
  for (let h = 1; h <= 3; h++) cache.lookup(native, w, b, { ...g, inHeight: g.inHeight + 2 * h, outHeight: g.outHeight + h });
  assert.equal(cache.size, 2);
  assert.notEqual(cache.lookup(native, w, b, g), first, "the oldest geometry was dropped");
  assert.equal(cache.lookup(jsBackend, w, b, g), null, "the reference backend prepares nothing");
  cache.clear();
  assert.equal(cache.size, 0);
});

test("conv2d adds a residual before the activation on every path, prepared or not", { skip }, () => {
  const depthwise: [string, ConvCase] = ["depthwise", { batch: 2, inChannels: 6, outChannels: 6, height: 9, width: 10, kernel: [3, 3], pad: [1, 1, 1, 1], groups: 6 }];
  forEachIsa((isa) => {
    [...CASES, depthwise].forEach(([name, c], i) => {
      for (const activation of ["none", "relu", "relu6"] as ConvActivation[]) {
        const { g, x, w, b, out } = operands(c, i % 2 === 0, 300 + i);
        const residual = randomArray(rng(i), g.batch * g.outChannels * g.outHeight * g.outWidth, 3);
        const expected = out(), actual = out(), prepared = out();
        jsBackend.conv2d(x, w, b, expected, g, { activation, residual });
        native.conv2d(x, w, b, actual, g, { activation, residual });
        native.conv2d(x, w, b, prepared, g, { activation, residual, prepared: native.prepareConv2d!(w, b, g) });
        assertClose(actual, expected, 1e-4, `${isa} ${name} ${activation}`);
        assert.deepEqual(prepared, actual, `${isa} ${name} ${activation} prepared`);
      }
    });
  });
});
