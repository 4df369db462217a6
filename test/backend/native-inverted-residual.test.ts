import { test } from "node:test";
import assert from "node:assert/strict";
import type { Conv2dGeometry, ConvActivation, InvertedResidualGeometry, InvertedResidualWeights } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { assertClose, forEachIsa, randomArray, rng } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

type Case = [batch: number, inChannels: number, hidden: number, outChannels: number, height: number, width: number,
  kernel: number, stride: number, residual: boolean, activations?: [ConvActivation, ConvActivation], expand?: boolean];

function geometry([batch, inChannels, hidden, outChannels, height, width, kernel, stride, residual, activations, expand]: Case): InvertedResidualGeometry {
  const pad = (kernel - 1) / 2;
  const [expandActivation, depthwiseActivation] = activations ?? ["relu6", "relu6"];
  return {
    batch, inChannels, hidden, outChannels, height, width, kernel, stride, residual, expandActivation, depthwiseActivation,
    expand: expand ?? true,
    outHeight: Math.floor((height + 2 * pad - kernel) / stride) + 1, outWidth: Math.floor((width + 2 * pad - kernel) / stride) + 1,
  };
}

function convGeometry(g: InvertedResidualGeometry, layer: "expand" | "depthwise" | "project"): Conv2dGeometry {
  const depthwise = layer === "depthwise", project = layer === "project";
  const [inChannels, outChannels] = layer === "expand" ? [g.inChannels, g.hidden] : project ? [g.hidden, g.outChannels] : [g.hidden, g.hidden];
  const [inHeight, inWidth] = project ? [g.outHeight, g.outWidth] : [g.height, g.width];
  const k = depthwise ? g.kernel : 1, s = depthwise ? g.stride : 1, pad = depthwise ? (g.kernel - 1) / 2 : 0;
  return {
    batch: g.batch, inChannels, inHeight, inWidth, outChannels, kernelHeight: k, kernelWidth: k,
    outHeight: layer === "expand" ? g.height : g.outHeight, outWidth: layer === "expand" ? g.width : g.outWidth,
    strideH: s, strideW: s, padTop: pad, padLeft: pad, dilationH: 1, dilationW: 1, groups: depthwise ? g.hidden : 1,
  };
}

/** The block as the reference backend's convolutions. */
function reference(x: Float32Array, w: InvertedResidualWeights, g: InvertedResidualGeometry): Float32Array {
  let expanded = x;
  if (w.expandWeight) {
    expanded = new Float32Array(g.batch * g.hidden * g.height * g.width);
    jsBackend.conv2d(x, w.expandWeight, w.expandBias, expanded, convGeometry(g, "expand"), { activation: g.expandActivation });
  }
  const filtered = new Float32Array(g.batch * g.hidden * g.outHeight * g.outWidth);
  jsBackend.conv2d(expanded, w.depthwiseWeight, w.depthwiseBias, filtered, convGeometry(g, "depthwise"), { activation: g.depthwiseActivation });
  const out = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth);
  jsBackend.conv2d(filtered, w.projectWeight, w.projectBias, out, convGeometry(g, "project"), { residual: g.residual ? x : null });
  return out;
}

function randomWeights(random: () => number, g: InvertedResidualGeometry, biases: boolean): InvertedResidualWeights {
  const bias = (n: number) => (biases ? randomArray(random, n) : null);
  return {
    expandWeight: g.expand ? randomArray(random, g.hidden * g.inChannels, 0.5) : null, expandBias: g.expand ? bias(g.hidden) : null,
    depthwiseWeight: randomArray(random, g.hidden * g.kernel * g.kernel, 0.5), depthwiseBias: bias(g.hidden),
    projectWeight: randomArray(random, g.outChannels * g.hidden, 0.3), projectBias: bias(g.outChannels),
  };
}

test("fused inverted residual blocks match the reference's convolutions: strides, kernels 3/5/7, shortcuts, ragged rows and channels, no expansion", { skip }, () => {
  const random = rng(41);
  const cases: Case[] = [
    [1, 16, 96, 24, 28, 28, 3, 2, false], // MobileNetV2's second block, smaller
    [2, 24, 144, 24, 14, 14, 3, 1, true],
    [1, 32, 192, 64, 14, 14, 3, 2, false],
    [1, 40, 240, 40, 7, 7, 3, 1, true], // 7-wide rows: 7 x 64 expansion tiles
    [1, 40, 240, 100, 7, 7, 3, 1, false], // projection blocks of 64 + 36 channels
    [3, 13, 40, 13, 9, 13, 5, 1, true], // hidden 40 (not a whole number of vectors), ragged rows
    [2, 8, 24, 17, 15, 11, 3, 2, false, ["relu", "none"]],
    [1, 6, 36, 6, 10, 9, 7, 1, true, ["none", "relu"]],
    [1, 5, 16, 3, 1, 1, 3, 2, false], // one pixel: every tap but the centre is padding
    // Without an expansion (MobileNetV2's first block): x copied channels-last, 16 x 16 at a time.
    [1, 32, 32, 16, 28, 28, 3, 1, false, ["none", "relu6"], false],
    [2, 20, 20, 20, 9, 19, 3, 1, true, ["none", "relu"], false],
    [1, 40, 40, 24, 13, 10, 5, 2, false, ["none", "none"], false],
  ];
  let fused = 0;
  forEachIsa((isa) => {
    for (const [i, c] of cases.entries()) {
      const g = geometry(c);
      const w = randomWeights(random, g, i % 3 !== 2);
      const x = randomArray(random, g.batch * g.inChannels * g.height * g.width, 2);
      const prepared = native.prepareInvertedResidual!(w, g);
      if (isa !== "avx512") {
        assert.equal(prepared, null, `${isa}: no fused kernel off AVX-512`);
        continue;
      }
      const out = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth).fill(Number.NaN);
      native.invertedResidual!(x, prepared!, out, g);
      assertClose(out, reference(x, w, g), 1e-4, `${isa} case ${i} ${JSON.stringify(c)}`);
      fused++;
    }
  });
  if (nativeAddon!.info().isa === "avx512") assert.equal(fused, cases.length);
});

test("a NaN in the block's input reaches exactly the outputs whose windows read it, as in the reference", { skip }, () => {
  if (nativeAddon!.info().isa !== "avx512") return;
  const random = rng(42);
  const g = geometry([1, 8, 32, 8, 9, 9, 3, 1, true]);
  const w = randomWeights(random, g, true);
  const x = randomArray(random, 8 * 81);
  x[3 * 81 + 4 * 9 + 4] = Number.NaN;
  const out = new Float32Array(8 * 81);
  native.invertedResidual!(x, native.prepareInvertedResidual!(w, g)!, out, g);
  const expected = reference(x, w, g);
  assertClose(out, expected, 1e-4, "NaN case");
  assert.equal(expected.filter(Number.isNaN).length, 8 * 9, "the reference's NaNs: every channel of the 3x3 window");
});

test("the fused kernel rejects geometries it cannot run, naming what is wrong", { skip }, () => {
  const random = rng(43);
  const g = geometry([1, 8, 16, 8, 6, 6, 3, 1, true]);
  const w = randomWeights(random, g, true);
  const x = randomArray(random, 8 * 36), out = new Float32Array(8 * 36);
  const prepared = native.prepareInvertedResidual!(w, g);
  if (prepared === null) return;
  assert.throws(() => native.invertedResidual!(x, prepared, out, { ...g, outHeight: 5 }), /output size does not follow/);
  assert.throws(() => native.invertedResidual!(x, prepared, out, { ...g, kernel: 4 }), /odd kernel up to 7/);
  assert.throws(() => native.invertedResidual!(x, prepared, out, { ...g, outChannels: 6 }), /shortcut needs as many output channels/);
  assert.throws(() => native.invertedResidual!(x, prepared, out, { ...g, expand: false }), /without an expansion the hidden channels are the input channels/);
  assert.throws(() => native.invertedResidual!(x.subarray(1), prepared, out, g), /argument 0: expected at least 288 elements/);
  assert.throws(() => native.invertedResidual!(x, (prepared as Float32Array).subarray(16), out, g), /argument 1: expected at least/);
});
