import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { GemmParams } from "../../src/backend/backend.js";
import { backend } from "../../src/backend/index.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { assertClose, convAgainstReference, forEachIsa, randomArray, randomInt, rng, type ConvCase } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

function gemmCase(random: () => number, p: GemmParams, what: string): void {
  const aSize = p.aOffset + (p.batch - 1) * p.aBatchStride + p.m * p.k;
  const bSize = p.bOffset + (p.batch - 1) * p.bBatchStride + p.k * p.n;
  const a = randomArray(random, aSize);
  const b = randomArray(random, bSize);
  const initial = randomArray(random, p.batch * p.m * p.n);
  const expected = initial.slice();
  const actual = initial.slice();
  jsBackend.gemm(a, b, expected, p);
  native.gemm(a, b, actual, p);
  assertClose(actual, expected, 1e-4, what);
}

test("native gemm matches the reference for every transpose, odd sizes, offsets, batches and alpha/beta", { skip }, () => {
  forEachIsa((isa) => {
    const random = rng(1);
    for (let trial = 0; trial < 24; trial++) {
      const m = randomInt(random, 1, 70), n = randomInt(random, 1, 90), k = randomInt(random, 1, 80);
      const batch = randomInt(random, 1, 3);
      const p: GemmParams = {
        batch, m, n, k, transA: trial % 2 === 1, transB: (trial >> 1) % 2 === 1,
        aOffset: randomInt(random, 0, 5), bOffset: randomInt(random, 0, 5),
        aBatchStride: trial % 5 === 0 ? 0 : m * k + randomInt(random, 0, 3), bBatchStride: trial % 7 === 0 ? 0 : k * n,
        alpha: trial % 3 === 0 ? 1 : 0.75, beta: trial % 4 === 0 ? 0.5 : 0,
      };
      if (batch * m * n * k < 4096) p.m = Math.max(m, Math.ceil(4096 / (batch * n * k)));
      gemmCase(random, p, `${isa} gemm trial ${trial} ${JSON.stringify(p)}`);
    }
  });
});

test("native gemm handles blocked sizes: k beyond one block, m beyond one panel block, threads, narrow products", { skip }, () => {
  forEachIsa((isa) => {
    const random = rng(2);
    const shapes: [number, number, number, boolean, boolean][] = [
      [700, 37, 9, false, false], [33, 300, 1100, false, true], [130, 129, 520, true, false], [5, 3000, 3, true, true],
      // At most 16 columns: the tall 28 x 16 tile, with ragged panels and more rows than one A block.
      [61, 16, 600, false, false], [400, 13, 70, true, true], [29, 9, 33, false, true],
    ];
    for (const [m, n, k, transA, transB] of shapes) {
      const p: GemmParams = { batch: 1, m, n, k, transA, transB, aOffset: 0, bOffset: 0, aBatchStride: 0, bBatchStride: 0, alpha: 1, beta: 1 };
      gemmCase(random, p, `${isa} gemm ${m}x${n}x${k}`);
    }
  });
});

test("native gemm with k = 0 scales the output by beta", { skip }, () => {
  const out = Float32Array.from({ length: 64 * 80 }, (_, i) => i);
  nativeAddon!.gemm(new Float32Array(0), new Float32Array(0), out, 1, 64, 80, 0, false, false, 0, 0, 0, 0, 1, 0.5);
  assert.equal(out[10], 5);
  nativeAddon!.gemm(new Float32Array(0), new Float32Array(0), out, 1, 64, 80, 0, false, false, 0, 0, 0, 0, 1, 0);
  assert.ok(out.every((v) => v === 0));
});

test("native kernels reject arrays too short for the requested sizes instead of overrunning them", { skip }, () => {
  assert.throws(() => nativeAddon!.gemm(new Float32Array(10), new Float32Array(100), new Float32Array(100), 1, 10, 10, 10, false, false, 0, 0, 0, 0, 1, 0), RangeError);
  assert.throws(() => nativeAddon!.softmax(new Float32Array(10), 2, 10, 1, false, new Float32Array(20)), RangeError);
  assert.throws(() => nativeAddon!.unary(0, new Float64Array(4) as unknown as Float32Array, 0, Float64Array.of(4, 1), new Float32Array(4)), TypeError);
});

const CONV_CASES: ConvCase[] = [
  { batch: 2, inChannels: 5, outChannels: 7, height: 9, width: 11, kernel: [3, 3], pad: [1, 1, 1, 1] },
  { batch: 1, inChannels: 3, outChannels: 4, height: 13, width: 10, kernel: [5, 3], stride: [2, 3], pad: [2, 1, 0, 2], dilation: [1, 2] },
  { batch: 3, inChannels: 4, outChannels: 6, height: 8, width: 8, kernel: [3, 3], pad: [2, 2, 2, 2], dilation: [2, 2], groups: 2 },
  { batch: 2, inChannels: 6, outChannels: 6, height: 10, width: 9, kernel: [3, 3], pad: [1, 1, 1, 1], groups: 6 },
  { batch: 2, inChannels: 4, outChannels: 8, height: 11, width: 7, kernel: [3, 5], stride: [2, 2], pad: [1, 0, 2, 1], groups: 4 },
  { batch: 1, inChannels: 3, outChannels: 3, height: 7, width: 7, kernel: [7, 7], pad: [3, 3, 3, 3], groups: 3, dilation: [1, 1] },
  { batch: 2, inChannels: 16, outChannels: 24, height: 6, width: 5, kernel: [1, 1] },
  { batch: 2, inChannels: 12, outChannels: 8, height: 9, width: 9, kernel: [1, 1], stride: [2, 2] },
  { batch: 2, inChannels: 6, outChannels: 2, height: 8, width: 9, kernel: [3, 2], pad: [1, 0, 1, 0], groups: 2 },
  { batch: 1, inChannels: 2, outChannels: 3, height: 6, width: 6, kernel: [2, 2], pad: [0, 1, 0, 1] },
  { batch: 2, inChannels: 64, outChannels: 40, height: 12, width: 13, kernel: [3, 3], pad: [1, 1, 1, 1] },
  { batch: 1, inChannels: 20, outChannels: 30, height: 15, width: 15, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1] },
];

test("native conv2d forward and both backward passes match the reference (groups, depthwise, 1x1, stride, dilation, padding)", { skip }, () => {
  forEachIsa((isa) => {
    const random = rng(3);
    CONV_CASES.forEach((c, i) => convAgainstReference(random, c, i % 2 === 0, `${isa} conv case ${i} ${JSON.stringify(c)}`));
  });
});

test("native conv2d handles batch 1 and batches split across threads the same way", { skip }, () => {
  const random = rng(4);
  for (const batch of [1, 2, 5]) {
    convAgainstReference(random, { batch, inChannels: 8, outChannels: 16, height: 14, width: 14, kernel: [3, 3], pad: [1, 1, 1, 1] }, true, `batch ${batch}`);
    convAgainstReference(random, { batch, inChannels: 8, outChannels: 8, height: 14, width: 14, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], groups: 8 }, false, `depthwise batch ${batch}`);
  }
});

test("the native backend is the default when built, and LANTERN_BACKEND=js selects the reference", () => {
  if (process.env.LANTERN_BACKEND !== "js") assert.equal(backend(), nativeBackend ? "native" : "js");
  const indexModule = fileURLToPath(new URL("../../src/backend/index.js", import.meta.url));
  const script = `import(${JSON.stringify(indexModule)}).then((m) => process.stdout.write(m.backend()))`;
  const child = spawnSync(process.execPath, ["-e", script], { env: { ...process.env, LANTERN_BACKEND: "js" }, encoding: "utf8" });
  assert.equal(child.stdout, "js");
  assert.equal(child.stderr, "");
});
