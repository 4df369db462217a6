import { test } from "node:test";
import assert from "node:assert/strict";
import type { StridedView, UnaryOp, BinaryOp, Pool2dGeometry } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeBackend } from "../../src/backend/native/index.js";
import { assertClose, convAgainstReference, convGeometry, forEachIsa, poolGeometry, randomArray, randomInt, rng, type ConvCase } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

test("Winograd 3x3 convolutions match the reference: odd sizes, paddings, channel counts, batches, tiles across panels", { skip }, () => {
  const random = rng(21);
  const cases: ConvCase[] = [
    { batch: 1, inChannels: 8, outChannels: 8, height: 16, width: 16, kernel: [3, 3], pad: [1, 1, 1, 1] },
    { batch: 2, inChannels: 13, outChannels: 21, height: 17, width: 23, kernel: [3, 3], pad: [1, 1, 1, 1] },
    { batch: 3, inChannels: 16, outChannels: 40, height: 15, width: 34, kernel: [3, 3] },
    { batch: 1, inChannels: 24, outChannels: 9, height: 21, width: 19, kernel: [3, 3], pad: [2, 2, 2, 2] },
    { batch: 2, inChannels: 32, outChannels: 48, height: 14, width: 14, kernel: [3, 3], pad: [1, 2, 0, 1] },
    { batch: 1, inChannels: 70, outChannels: 33, height: 40, width: 37, kernel: [3, 3], pad: [1, 1, 1, 1] },
    // Narrow images (at most 7 tiles per row): chunks of tiles span several tile rows and images.
    { batch: 5, inChannels: 16, outChannels: 20, height: 7, width: 7, kernel: [3, 3], pad: [1, 1, 1, 1] },
    { batch: 3, inChannels: 12, outChannels: 9, height: 14, width: 14, kernel: [3, 3], pad: [1, 1, 1, 1] },
    { batch: 4, inChannels: 9, outChannels: 17, height: 9, width: 5, kernel: [3, 3], pad: [1, 0, 2, 1] },
    { batch: 7, inChannels: 8, outChannels: 8, height: 6, width: 15, kernel: [3, 3] },
    // One 7x7 image: 16 tiles, which the tall 28 x 16 GEMM tile takes (ResNet's last stage at batch 1).
    { batch: 1, inChannels: 64, outChannels: 60, height: 7, width: 7, kernel: [3, 3], pad: [1, 1, 1, 1] },
  ];
  forEachIsa((isa) => cases.forEach((c, i) => convAgainstReference(random, c, i % 2 === 0, `${isa} winograd case ${i} ${JSON.stringify(c)}`)));
});

test("depthwise convolutions match the reference: strides 1-3, kernels 1-7, dilation, multipliers, rows wider than a vector block", { skip }, () => {
  const random = rng(22);
  const cases: ConvCase[] = [
    { batch: 2, inChannels: 5, outChannels: 5, height: 13, width: 130, kernel: [3, 3], pad: [1, 1, 1, 1], groups: 5 },
    { batch: 1, inChannels: 4, outChannels: 8, height: 11, width: 9, kernel: [5, 5], pad: [2, 2, 2, 2], groups: 4 },
    { batch: 3, inChannels: 6, outChannels: 6, height: 15, width: 15, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 6 },
    { batch: 1, inChannels: 3, outChannels: 3, height: 20, width: 71, kernel: [7, 7], stride: [3, 3], pad: [3, 3, 3, 3], groups: 3 },
    { batch: 2, inChannels: 4, outChannels: 4, height: 12, width: 17, kernel: [3, 3], pad: [2, 2, 2, 2], dilation: [2, 2], groups: 4 },
    { batch: 1, inChannels: 1, outChannels: 6, height: 28, width: 28, kernel: [5, 5], pad: [2, 2, 2, 2] },
    { batch: 2, inChannels: 7, outChannels: 7, height: 9, width: 33, kernel: [1, 1], groups: 7 },
    { batch: 1, inChannels: 2, outChannels: 2, height: 6, width: 6, kernel: [3, 3], stride: [1, 2], pad: [0, 0, 1, 0], groups: 2 },
    // 3x3 stride 2 read in place: rows of several vectors, odd widths, padding on one side only, multipliers.
    { batch: 2, inChannels: 3, outChannels: 3, height: 37, width: 70, kernel: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1], groups: 3 },
    { batch: 1, inChannels: 2, outChannels: 4, height: 9, width: 35, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 2 },
    { batch: 1, inChannels: 2, outChannels: 2, height: 4, width: 5, kernel: [3, 3], stride: [2, 2], pad: [2, 2, 2, 2], groups: 2 },
    // Rows of more than 256 outputs take several passes of the stride-2 kernel's column masks.
    { batch: 1, inChannels: 2, outChannels: 2, height: 5, width: 533, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 2 },
    // Output rows at most 7 wide, two to a vector: 7x7 from 14x14, odd and even row counts, one
    // row, one column, padding on one side, a multiplier.
    { batch: 2, inChannels: 6, outChannels: 6, height: 14, width: 14, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 6 },
    { batch: 1, inChannels: 3, outChannels: 6, height: 9, width: 5, kernel: [3, 3], stride: [2, 2], pad: [0, 1, 1, 0], groups: 3 },
    { batch: 3, inChannels: 4, outChannels: 4, height: 2, width: 13, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 4 },
    { batch: 1, inChannels: 2, outChannels: 2, height: 7, width: 3, kernel: [3, 3], stride: [2, 2], groups: 2 },
    { batch: 2, inChannels: 5, outChannels: 5, height: 16, width: 14, kernel: [3, 3], stride: [2, 2], pad: [0, 1, 0, 0], groups: 5 },
  ];
  forEachIsa((isa) => cases.forEach((c, i) => convAgainstReference(random, c, i % 2 === 1, `${isa} depthwise case ${i} ${JSON.stringify(c)}`)));
});

test("depthwise 3x3 unit-stride convolutions match the reference: widths 1-20 and wider, both paddings, multipliers, fused activations", { skip }, () => {
  const random = rng(25);
  const heights = [1, 2, 3, 7, 8, 14, 15];
  // [top, bottom, left, right]: MobileNet's padding 1, none, and uneven or wider ones.
  const pads: [number, number, number, number][] = [[0, 0, 0, 0], [1, 0, 0, 1], [0, 1, 1, 0], [2, 2, 2, 2], [2, 0, 0, 2]];
  const widths = [...Array.from({ length: 20 }, (_, i) => i + 1), 23, 31, 32, 33, 48, 65];
  const activations = ["none", "relu", "relu6"] as const;
  const cases: { c: ConvCase; bias: boolean; activation: (typeof activations)[number] }[] = [];
  widths.forEach((width, i) => {
    for (const pad of [[1, 1, 1, 1] as [number, number, number, number], pads[i % pads.length]]) {
      const k = cases.length;
      const height = heights[k % heights.length], og = 1 + (k % 2), channels = 2 + (k % 3);
      if (height + pad[0] + pad[1] < 3 || width + pad[2] + pad[3] < 3) continue;
      cases.push({
        c: { batch: k % 4 === 0 ? 3 : 1, inChannels: channels, outChannels: channels * og, height, width, kernel: [3, 3], pad, groups: channels },
        bias: k % 3 !== 1,
        activation: activations[Math.floor(k / 2) % 3],
      });
    }
  });
  forEachIsa((isa) => cases.forEach(({ c, bias, activation }, i) =>
    convAgainstReference(random, c, bias, `${isa} depthwise 3x3 case ${i} ${activation} ${JSON.stringify(c)}`, activation)));
});

test("depthwise convolutions pass a NaN through the fused ReLU6 to exactly the outputs whose window holds it", { skip }, () => {
  const random = rng(26);
  // 3x3 stride 1 and 2 have their own kernels; 5x5 and stride 3 take the generic ones.
  for (const [size, stride, kernel] of [[7, 1, 3], [14, 1, 3], [14, 2, 3], [15, 2, 3], [12, 1, 5], [16, 3, 3]]) {
    const g = convGeometry({ batch: 1, inChannels: 2, outChannels: 2, height: size, width: size, kernel: [kernel, kernel], stride: [stride, stride], pad: [1, 1, 1, 1], groups: 2 });
    const x = randomArray(random, 2 * size * size);
    x[size + 3] = NaN;
    const w = randomArray(random, 2 * kernel * kernel), b = randomArray(random, 2);
    const expected = new Float32Array(2 * g.outHeight * g.outWidth);
    jsBackend.conv2d(x, w, b, expected, g, { activation: "relu6" });
    forEachIsa((isa) => {
      const actual = new Float32Array(expected.length);
      native.conv2d(x, w, b, actual, g, { activation: "relu6" });
      assertClose(actual, expected, 1e-5, `${isa} ${size}x${size} stride ${stride}`);
    });
  }
});

test("unit-stride weight gradients over padded copies match the reference: groups, dilation, large kernels, batch 1 and large", { skip }, () => {
  const random = rng(23);
  const cases: ConvCase[] = [
    { batch: 1, inChannels: 3, outChannels: 5, height: 9, width: 11, kernel: [5, 5], pad: [2, 2, 2, 2] },
    { batch: 9, inChannels: 6, outChannels: 16, height: 14, width: 14, kernel: [5, 5] },
    { batch: 2, inChannels: 8, outChannels: 6, height: 10, width: 13, kernel: [3, 3], pad: [2, 2, 2, 2], dilation: [2, 2], groups: 2 },
    { batch: 3, inChannels: 4, outChannels: 4, height: 8, width: 7, kernel: [2, 3], pad: [0, 1, 1, 0] },
    // LeNet-5's layers at batch 64 (the inner-product path) and one too large for it (packed GEMM).
    { batch: 64, inChannels: 1, outChannels: 6, height: 28, width: 28, kernel: [5, 5], pad: [2, 2, 2, 2] },
    { batch: 64, inChannels: 6, outChannels: 16, height: 14, width: 14, kernel: [5, 5] },
    { batch: 2, inChannels: 16, outChannels: 33, height: 9, width: 10, kernel: [3, 3], pad: [1, 1, 1, 1] },
  ];
  cases.forEach((c, i) => convAgainstReference(random, c, false, `padded case ${i} ${JSON.stringify(c)}`));
});

test("strided convolutions over the input's phases match the reference: the stem, 3x3 and 1x1 stride 2, dilation, groups, uneven strides", { skip }, () => {
  const random = rng(24);
  const cases: ConvCase[] = [
    { batch: 2, inChannels: 3, outChannels: 16, height: 37, width: 41, kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3] },
    { batch: 1, inChannels: 2, outChannels: 5, height: 23, width: 20, kernel: [5, 5], stride: [2, 2], pad: [1, 2, 2, 0] },
    { batch: 1, inChannels: 4, outChannels: 7, height: 26, width: 29, kernel: [6, 6], stride: [3, 3], pad: [2, 2, 2, 2] },
    { batch: 3, inChannels: 1, outChannels: 4, height: 16, width: 16, kernel: [4, 4], stride: [2, 2] },
    // ResNet's downsampling: 3x3 and 1x1 at stride 2 (the 1x1 reads a single phase).
    { batch: 2, inChannels: 9, outChannels: 20, height: 28, width: 27, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1] },
    { batch: 1, inChannels: 16, outChannels: 30, height: 14, width: 15, kernel: [1, 1], stride: [2, 2] },
    // Stride 3 with a 2-wide kernel leaves a phase unread; dilation moves taps between phases.
    { batch: 1, inChannels: 3, outChannels: 6, height: 25, width: 31, kernel: [2, 2], stride: [3, 3], pad: [1, 0, 1, 0] },
    { batch: 2, inChannels: 4, outChannels: 8, height: 30, width: 30, kernel: [3, 3], stride: [2, 2], pad: [2, 2, 2, 2], dilation: [2, 2] },
    { batch: 1, inChannels: 5, outChannels: 4, height: 21, width: 33, kernel: [3, 5], stride: [1, 2], pad: [1, 1, 2, 2] },
    { batch: 2, inChannels: 8, outChannels: 12, height: 19, width: 19, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 4 },
    // Outputs too narrow for wide rows to pay take the im2col path.
    { batch: 1, inChannels: 6, outChannels: 5, height: 5, width: 5, kernel: [3, 3], stride: [2, 2] },
  ];
  forEachIsa((isa) => {
    cases.forEach((c, i) => convAgainstReference(random, c, i % 2 === 0, `${isa} strided case ${i} ${JSON.stringify(c)}`));
  });
});

test("direct strided stems over at most 4 channels match the reference: 3x3 to 7x7, channel counts off the tile blocks, ragged rows, residual, activations, NaN", { skip }, () => {
  const random = rng(31);
  const cases: (ConvCase & { activation: "none" | "relu" | "relu6"; residual: boolean })[] = [
    // MobileNet's stem on a strip of rows; then channel counts that leave a tile part-full.
    { batch: 1, inChannels: 3, outChannels: 32, height: 9, width: 224, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], activation: "relu6", residual: false },
    { batch: 2, inChannels: 3, outChannels: 13, height: 7, width: 131, kernel: [3, 3], stride: [2, 2], pad: [1, 0, 1, 0], activation: "none", residual: true },
    { batch: 1, inChannels: 4, outChannels: 6, height: 8, width: 200, kernel: [3, 2], stride: [2, 2], activation: "relu", residual: true },
    // ResNet's 7x7 stem: 64 channels, 7 x 4 tiles; then 100 channels (blocks of 64 + 36), 48 (8 x 3 tiles).
    { batch: 1, inChannels: 3, outChannels: 64, height: 11, width: 224, kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3], activation: "relu", residual: false },
    { batch: 1, inChannels: 3, outChannels: 100, height: 9, width: 133, kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3], activation: "none", residual: true },
    { batch: 2, inChannels: 4, outChannels: 48, height: 6, width: 140, kernel: [5, 5], stride: [2, 2], pad: [2, 2, 2, 2], activation: "relu6", residual: false },
    // 148 columns; 79 columns: tiles that end past the row.
    { batch: 2, inChannels: 1, outChannels: 5, height: 6, width: 300, kernel: [5, 5], stride: [2, 2], pad: [2, 2, 2, 2], activation: "relu6", residual: true },
    { batch: 1, inChannels: 2, outChannels: 4, height: 10, width: 160, kernel: [4, 4], stride: [2, 2], activation: "none", residual: false },
  ];
  forEachIsa((isa) => {
    cases.forEach((c, i) => {
      const g = convGeometry(c);
      const outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
      const x = randomArray(random, g.batch * g.inChannels * g.inHeight * g.inWidth);
      if (i === 0) x[5 * g.inWidth + 100] = NaN;
      const w = randomArray(random, g.outChannels * g.inChannels * g.kernelHeight * g.kernelWidth);
      const bias = i % 2 === 0 ? randomArray(random, g.outChannels) : null;
      const residual = c.residual ? randomArray(random, outSize) : null;
      const expected = new Float32Array(outSize), actual = new Float32Array(outSize).fill(12345);
      jsBackend.conv2d(x, w, bias, expected, g, { activation: c.activation, residual });
      native.conv2d(x, w, bias, actual, g, { activation: c.activation, residual });
      for (let j = 0; j < outSize; j++) assert.equal(Number.isNaN(actual[j]), Number.isNaN(expected[j]), `${isa} stem case ${i}: NaN at ${j}`);
      assertClose(actual, expected, 1e-5, `${isa} stem case ${i} ${JSON.stringify(c)}`);
    });
  });
});

test("1x1 convolutions match the reference: channels in the lanes on 7x7, 14x14 and ragged planes, partial channel blocks, strides, fused residuals, NaN", { skip }, () => {
  const random = rng(32);
  // Layers that project (in >= out) or read 256 channels or more take this path on AVX-512; the
  // others (and other instruction sets) check the GEMM path against the same reference.
  const cases: (ConvCase & { activation: "none" | "relu" | "relu6"; residual: boolean; bias: boolean })[] = [
    // 7x7: tiles of 7 positions, blocks of 64 channels then 32 (160 = 64 + 64 + 32).
    { batch: 2, inChannels: 200, outChannels: 160, height: 7, width: 7, kernel: [1, 1], activation: "none", residual: true, bias: true },
    // 14x14: tiles of 14, blocks of 32 and a last block of one vector holding 6 channels.
    { batch: 1, inChannels: 96, outChannels: 70, height: 14, width: 14, kernel: [1, 1], activation: "relu6", residual: false, bias: true },
    // Planes that 7 does not divide (45 and 100 positions), so the last tile is part-full.
    { batch: 3, inChannels: 64, outChannels: 33, height: 5, width: 9, kernel: [1, 1], activation: "relu", residual: true, bias: false },
    { batch: 1, inChannels: 48, outChannels: 48, height: 10, width: 10, kernel: [1, 1], activation: "relu6", residual: true, bias: true },
    // 28 positions (two tiles of 14), and 1x1 planes as squeeze-and-excitation layers have.
    { batch: 2, inChannels: 40, outChannels: 32, height: 4, width: 7, kernel: [1, 1], activation: "none", residual: false, bias: true },
    { batch: 4, inChannels: 120, outChannels: 40, height: 1, width: 1, kernel: [1, 1], activation: "relu", residual: false, bias: true },
    // Wide k and many channels: weights too large to stay in L2 with the images, so blocks run first.
    { batch: 2, inChannels: 512, outChannels: 1000, height: 7, width: 7, kernel: [1, 1], activation: "relu6", residual: false, bias: true },
    // An expansion over 256 channels (320 -> 1280 at the end of MobileNetV2).
    { batch: 1, inChannels: 320, outChannels: 400, height: 7, width: 7, kernel: [1, 1], activation: "relu6", residual: false, bias: true },
    // Strided 1x1 layers (ResNet's downsampling shortcuts), their input subsampled first: stride 2
    // on odd sizes, and stride 3 by 2.
    { batch: 2, inChannels: 64, outChannels: 96, height: 15, width: 13, kernel: [1, 1], stride: [2, 2], activation: "none", residual: false, bias: true },
    { batch: 1, inChannels: 80, outChannels: 40, height: 10, width: 17, kernel: [1, 1], stride: [3, 2], activation: "relu", residual: true, bias: false },
    // Layers the GEMM path takes (under 32 outputs, or expansions), with the residual added as
    // AVX-512 tiles are stored (and copied in first on other instruction sets).
    { batch: 2, inChannels: 144, outChannels: 24, height: 9, width: 13, kernel: [1, 1], activation: "none", residual: true, bias: true },
    { batch: 1, inChannels: 20, outChannels: 40, height: 11, width: 11, kernel: [1, 1], activation: "relu6", residual: true, bias: false },
  ];
  cases.forEach((c, i) => {
    const g = convGeometry(c);
    const outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
    const x = randomArray(random, g.batch * g.inChannels * g.inHeight * g.inWidth);
    if (i === 1) x[3 * g.inHeight * g.inWidth + 17] = NaN;
    const w = randomArray(random, g.outChannels * g.inChannels);
    const bias = c.bias ? randomArray(random, g.outChannels) : null;
    const residual = c.residual ? randomArray(random, outSize) : null;
    const expected = new Float32Array(outSize);
    jsBackend.conv2d(x, w, bias, expected, g, { activation: c.activation, residual });
    forEachIsa((isa) => {
      const actual = new Float32Array(outSize).fill(12345);
      native.conv2d(x, w, bias, actual, g, { activation: c.activation, residual });
      for (let j = 0; j < outSize; j++) assert.equal(Number.isNaN(actual[j]), Number.isNaN(expected[j]), `${isa} pointwise case ${i}: NaN at ${j}`);
      assertClose(actual, expected, 1e-4, `${isa} pointwise case ${i} ${JSON.stringify(c)}`);
    });
    // Both backward passes of such layers (the input gradient is itself a 1x1 convolution).
    convAgainstReference(random, { ...c, batch: Math.min(c.batch, 2) }, c.bias, `pointwise case ${i} with gradients`);
  });
});

test("matrix-vector products (one output row or column) match the reference for every transpose", { skip }, () => {
  const random = rng(24);
  for (const [m, n, k] of [[1, 1000, 300], [1, 37, 2050], [700, 1, 90], [129, 1, 1]]) {
    for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]]) {
      const a = randomArray(random, m * k + 3), b = randomArray(random, k * n + 2);
      const initial = randomArray(random, m * n);
      const expected = initial.slice(), actual = initial.slice();
      const p = { batch: 1, m, n, k, transA, transB, aOffset: 3, bOffset: 2, aBatchStride: 0, bBatchStride: 0, alpha: 0.5, beta: m === 1 ? 0 : 2 };
      jsBackend.gemm(a, b, expected, p);
      native.gemm(a, b, actual, p);
      assertClose(actual, expected, 1e-4, `gemv ${JSON.stringify(p)}`);
    }
  }
});

test("products of a few rows with contiguous columns of B (a Linear layer at a small batch) match the reference", { skip }, () => {
  const random = rng(33);
  // Up to 8 rows against transposed B, k from 64 (with a masked tail) to long, column counts off the 4-wide blocks.
  for (const [m, n, k] of [[1, 9, 64], [2, 37, 100], [5, 1000, 129], [8, 6, 1280], [8, 3, 64]]) {
    for (const beta of [0, 2]) {
      const a = randomArray(random, m * k + 1), b = randomArray(random, k * n + 3);
      const initial = randomArray(random, m * n);
      const expected = initial.slice(), actual = initial.slice();
      const p = { batch: 1, m, n, k, transA: false, transB: true, aOffset: 1, bOffset: 3, aBatchStride: 0, bBatchStride: 0, alpha: 0.5, beta };
      jsBackend.gemm(a, b, expected, p);
      forEachIsa((isa) => {
        const out = actual.slice();
        native.gemm(a, b, out, p);
        assertClose(out, expected, 1e-4, `${isa} rows-by-columns ${JSON.stringify(p)}`);
      });
    }
  }
});

test("batch norm inference and layer norm match the reference, with and without affine parameters", { skip }, () => {
  const random = rng(25);
  for (const [outer, channels, inner] of [[1, 3, 5000], [4, 17, 49], [2, 64, 1], [3, 1, 3001]]) {
    const x = randomArray(random, outer * channels * inner, 3);
    const mean = randomArray(random, channels), variance = randomArray(random, channels).map(Math.abs);
    for (const affine of [true, false]) {
      const w = affine ? randomArray(random, channels) : null, b = affine ? randomArray(random, channels) : null;
      const expected = new Float32Array(x.length), actual = new Float32Array(x.length).fill(NaN);
      jsBackend.batchNormInference(x, mean, variance, w, b, 1e-5, outer, channels, inner, expected);
      native.batchNormInference(x, mean, variance, w, b, 1e-5, outer, channels, inner, actual);
      assertClose(actual, expected, 1e-6, `batchNormInference ${outer}x${channels}x${inner} affine ${affine}`);
    }
  }
  for (const [rows, size] of [[128, 768], [3, 5001], [1000, 7], [5, 1]]) {
    const x = randomArray(random, rows * size, 5).map((v, i) => v + (i % size === 0 ? 100 : 0));
    for (const [w, b] of [[randomArray(random, size), randomArray(random, size)], [randomArray(random, size), null], [null, randomArray(random, size)], [null, null]]) {
      const expected = new Float32Array(x.length), actual = new Float32Array(x.length).fill(NaN);
      const meanE = new Float32Array(rows), meanA = new Float32Array(rows), rstdE = new Float32Array(rows), rstdA = new Float32Array(rows);
      jsBackend.layerNorm(x, w, b, rows, size, 1e-5, expected, meanE, rstdE);
      native.layerNorm(x, w, b, rows, size, 1e-5, actual, meanA, rstdA);
      assertClose(actual, expected, 1e-5, `layerNorm ${rows}x${size}`);
      assertClose(meanA, meanE, 1e-6, `layerNorm mean ${rows}x${size}`);
      assertClose(rstdA, rstdE, 1e-6, `layerNorm rstd ${rows}x${size}`);
    }
  }
});

test("softmax along the last and inner axes (float32 rows on AVX-512) handles NaN, -Infinity rows, large magnitudes and ragged rows like the reference", { skip }, () => {
  const random = rng(26);
  for (const [outer, size, inner] of [[300, 128, 1], [60, 37, 1], [3, 1000, 1], [7, 33, 40], [2, 1000, 3]]) {
    const x = randomArray(random, outer * size * inner, 30);
    x[5] = NaN;
    for (let s = 0; s < size; s++) x[(1 * size + s) * inner] = -Infinity;
    x[2 * size * inner] = 1e30;
    for (const log of [false, true]) {
      const expected = new Float32Array(x.length), actual = new Float32Array(x.length);
      jsBackend.softmax(x, outer, size, inner, log, expected);
      native.softmax(x, outer, size, inner, log, actual);
      assertClose(actual, expected, 1e-5, `softmax ${outer}x${size}x${inner} log ${log}`);
    }
  }
});

test("vectorised exp, tanh, sigmoid, erf and GELU agree with the reference at extreme and tiny arguments", { skip }, () => {
  const random = rng(27);
  const special = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 0.004, -0.009, 0.5, 1.99, 2.01, -2.01, 5.99, 6.01, -6.01, 20, -20, 88, 89, -88, -104, -110, 700, -750, Infinity, -Infinity, NaN];
  const values = Float32Array.from([...special, ...Array.from({ length: 5000 }, () => (random() * 2 - 1) * 10 ** randomInt(random, -3, 2))]);
  const view: StridedView = { data: values, shape: [values.length], strides: [1], offset: 0 };
  for (const op of ["exp", "tanh", "sigmoid", "erf", "gelu", "geluTanh", "silu"] as UnaryOp[]) {
    const expected = new Float32Array(values.length), actual = new Float32Array(values.length);
    jsBackend.unary(op, view, expected);
    native.unary(op, view, actual);
    for (let i = 0; i < values.length; i++) {
      // Element-wise: relative to the value itself, with a floor at the smallest normal float.
      assertClose([actual[i]], [expected[i]], 1e-6, `${op}(${values[i]})`);
    }
  }
  const grads = randomArray(random, values.length, 2);
  const gradView: StridedView = { data: grads, shape: [values.length], strides: [1], offset: 0 };
  for (const op of ["geluGrad", "geluTanhGrad", "tanhGrad", "sigmoidGrad", "siluGrad"] as BinaryOp[]) {
    const expected = new Float32Array(values.length), actual = new Float32Array(values.length);
    jsBackend.binary(op, gradView, view, expected);
    native.binary(op, gradView, view, actual);
    for (let i = 0; i < values.length; i++) assertClose([actual[i]], [expected[i]], 1e-6, `${op}(${values[i]})`);
  }
});

test("max pooling matches the reference values and argmax: narrow and wide rows, padding, dilation, NaN windows", { skip }, () => {
  const random = rng(28);
  const cases: [number, number, number, number, number, number, number][] = [
    // planes, height, width, kernel, stride, pad, dilation
    [384, 28, 28, 2, 2, 0, 1], [64, 10, 10, 2, 2, 0, 1], [8, 112, 112, 3, 2, 1, 1], [5, 9, 40, 3, 1, 1, 1],
    [3, 17, 70, 3, 3, 1, 2], [4, 7, 7, 5, 1, 2, 1], [2, 33, 33, 2, 1, 0, 1],
  ];
  forEachIsa((isa) => {
    for (const [planes, height, width, kernel, stride, pad, dilation] of cases) {
      const g = poolGeometry(planes, height, width, kernel, stride, pad, dilation);
      const x = randomArray(random, planes * height * width);
      for (let i = 0; i < x.length; i += 97) x[i] = NaN;
      for (let i = 13; i < x.length; i += 101) x[i] = x[i - 1];
      const n = planes * g.outHeight * g.outWidth;
      const expected = new Float32Array(n), actual = new Float32Array(n);
      const expectedIndex = new Int32Array(n), actualIndex = new Int32Array(n).fill(-7);
      jsBackend.maxPool2d(x, expected, expectedIndex, g);
      native.maxPool2d(x, actual, actualIndex, g);
      assert.deepEqual(actualIndex, expectedIndex, `${isa} maxPool2d argmax ${JSON.stringify(g)}`);
      assertClose(actual, expected, 0, `${isa} maxPool2d ${JSON.stringify(g)}`);
    }
  });
});

/** Exact agreement: the same float in every element, the sign of zero included; NaN meets NaN. */
function assertSameFloats(actual: Float32Array, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i], e = expected[i];
    const show = (v: number) => (Object.is(v, -0) ? "-0" : String(v));
    if (!(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)))) assert.fail(`${what}[${i}]: got ${show(a)}, expected ${show(e)}`);
  }
}

/** Window geometry with its own kernel, stride, padding and dilation per axis. */
function rectPoolGeometry(
  planes: number, height: number, width: number, k: number[], s: number[], p: number[], d: number[], ceil: boolean,
): Pool2dGeometry {
  const rows = poolGeometry(planes, height, width, k[0], s[0], p[0], d[0], ceil);
  const cols = poolGeometry(planes, height, width, k[1], s[1], p[1], d[1], ceil);
  return { ...rows, outWidth: cols.outWidth, kernelWidth: k[1], strideW: s[1], padLeft: p[1], dilationW: d[1] };
}

test("max pooling without argmax gives the reference's values exactly: strides 1-4, kernels 2/3/5, dilation, NaN, -inf, ±0", { skip }, () => {
  const random = rng(29);
  const pick = <T>(values: T[]) => values[randomInt(random, 0, values.length - 1)];
  // ResNet's stem pooling and LeNet's, then random windows over odd sizes.
  const cases = [
    rectPoolGeometry(8, 112, 112, [3, 3], [2, 2], [1, 1], [1, 1], false),
    rectPoolGeometry(3, 28, 28, [2, 2], [2, 2], [0, 0], [1, 1], false),
  ];
  while (cases.length < 80) {
    const k = [pick([2, 3, 5]), pick([2, 3, 5])], s = [randomInt(random, 1, 3), pick([1, 2, 2, 3, 4])];
    const p = k.map((kk) => randomInt(random, 0, Math.floor(kk / 2))), d = [randomInt(random, 1, 2), randomInt(random, 1, 3)];
    const g = rectPoolGeometry(randomInt(random, 1, 4), randomInt(random, 1, 30), randomInt(random, 1, 150), k, s, p, d, random() < 0.3);
    if (g.outHeight >= 1 && g.outWidth >= 1) cases.push(g);
  }
  // Uniform values, or few distinct ones so that windows tie between -0 and +0 or hold only -inf;
  // NaN nowhere, in a few rows, or in most windows.
  const draw = (mode: number, nanRate: number) => {
    if (random() < nanRate) return NaN;
    if (mode === 0) return random() < 0.05 ? -Infinity : random() * 2 - 1;
    return pick([-Infinity, -Infinity, -2, -1, -0, 0, -0, 0]);
  };
  const inputs = cases.map((g, i) => {
    const size = g.planes * g.inHeight * g.inWidth;
    return Float32Array.from({ length: size }, () => draw(i % 2, [0, 0.001, 0.02][i % 3]));
  });
  forEachIsa((isa) => {
    cases.forEach((g, i) => {
      const n = g.planes * g.outHeight * g.outWidth;
      const expected = new Float32Array(n), reference = new Float32Array(n).fill(7), actual = new Float32Array(n).fill(7);
      jsBackend.maxPool2d(inputs[i], expected, new Int32Array(n), g);
      jsBackend.maxPool2d(inputs[i], reference, null, g);
      native.maxPool2d(inputs[i], actual, null, g);
      assertSameFloats(reference, expected, `reference without argmax ${JSON.stringify(g)}`);
      assertSameFloats(actual, expected, `${isa} maxPool2d without argmax ${JSON.stringify(g)}`);
    });
  });
});
