import assert from "node:assert/strict";
import type { Conv2dGeometry, ConvActivation, Pool2dGeometry } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";

/** mulberry32: a small seeded generator, so every failure reproduces. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomArray(random: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (random() * 2 - 1) * scale;
  return out;
}

export function randomInt(random: () => number, lo: number, hi: number): number {
  return lo + Math.floor(random() * (hi - lo + 1));
}

/**
 * Element-wise agreement to `tol` relative to each value, with the mean magnitude of `expected`
 * as the floor (so sums that cancel to near zero are judged on the scale of their terms). NaN must
 * meet NaN and infinities must match exactly.
 */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let mean = 0;
  for (let i = 0; i < expected.length; i++) if (Number.isFinite(expected[i])) mean += Math.abs(expected[i]);
  mean = Math.max(mean / Math.max(expected.length, 1), 1e-6);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      assert.ok(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${what}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    const err = Math.abs(a - e);
    assert.ok(err <= tol * Math.max(Math.abs(e), mean), `${what}[${i}]: got ${a}, expected ${e} (error ${err.toExponential(2)})`);
  }
}

/** PyTorch's output size for a window of `kernel` taps. */
export function outSize(input: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((input + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

export interface ConvCase {
  batch: number; inChannels: number; outChannels: number; height: number; width: number;
  kernel: [number, number]; stride?: [number, number]; pad?: [number, number, number, number];
  dilation?: [number, number]; groups?: number;
}

/** Geometry of a test case; pad is [top, bottom, left, right]. */
export function convGeometry(c: ConvCase): Conv2dGeometry {
  const [kh, kw] = c.kernel;
  const [sh, sw] = c.stride ?? [1, 1];
  const [pt, pb, pl, pr] = c.pad ?? [0, 0, 0, 0];
  const [dh, dw] = c.dilation ?? [1, 1];
  return {
    batch: c.batch, inChannels: c.inChannels, inHeight: c.height, inWidth: c.width, outChannels: c.outChannels,
    kernelHeight: kh, kernelWidth: kw, outHeight: outSize(c.height, kh, sh, pt, pb, dh), outWidth: outSize(c.width, kw, sw, pl, pr, dw),
    strideH: sh, strideW: sw, padTop: pt, padLeft: pl, dilationH: dh, dilationW: dw, groups: c.groups ?? 1,
  };
}

export function poolGeometry(
  planes: number, height: number, width: number, kernel: number, stride: number, pad: number, dilation = 1, ceil = false,
): Pool2dGeometry {
  const size = (n: number) => {
    const span = n + 2 * pad - dilation * (kernel - 1) - 1;
    let out = (ceil ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
    // PyTorch drops a last window that would start inside the right padding.
    if (ceil && (out - 1) * stride >= n + pad) out--;
    return out;
  };
  return {
    planes, inHeight: height, inWidth: width, outHeight: size(height), outWidth: size(width), kernelHeight: kernel,
    kernelWidth: kernel, strideH: stride, strideW: stride, padTop: pad, padLeft: pad, dilationH: dilation, dilationW: dilation,
  };
}

/** Runs body once per instruction set this CPU supports, restoring the best one afterwards. */
export function forEachIsa(body: (isa: string) => void): void {
  const best = nativeAddon!.info().isa;
  try {
    for (const isa of ["avx512", "avx2", "neon", "scalar"]) {
      if (nativeAddon!.setIsa(isa)) body(isa);
    }
  } finally {
    nativeAddon!.setIsa(best);
  }
}

/**
 * The native conv2d forward (with `activation` fused) and both backward passes against the
 * reference backend on random data.
 */
export function convAgainstReference(random: () => number, c: ConvCase, bias: boolean, what: string, activation: ConvActivation = "none"): void {
  const native = nativeBackend!;
  const g = convGeometry(c);
  const inSize = g.batch * g.inChannels * g.inHeight * g.inWidth;
  const outSize = g.batch * g.outChannels * g.outHeight * g.outWidth;
  const wSize = g.outChannels * (g.inChannels / g.groups) * g.kernelHeight * g.kernelWidth;
  const x = randomArray(random, inSize);
  const w = randomArray(random, wSize);
  const b = bias ? randomArray(random, g.outChannels) : null;
  const expected = new Float32Array(outSize), actual = new Float32Array(outSize).fill(NaN);
  jsBackend.conv2d(x, w, b, expected, g, { activation });
  native.conv2d(x, w, b, actual, g, { activation });
  assertClose(actual, expected, 1e-4, `${what} forward`);

  const gradOut = randomArray(random, outSize);
  const gradInExpected = new Float32Array(inSize), gradIn = new Float32Array(inSize).fill(NaN);
  jsBackend.conv2dBackwardInput(gradOut, w, gradInExpected, g);
  native.conv2dBackwardInput(gradOut, w, gradIn, g);
  assertClose(gradIn, gradInExpected, 1e-4, `${what} backward input`);

  // The weight gradient accumulates: start both from the same non-zero values.
  const start = randomArray(random, wSize);
  const gradWExpected = start.slice(), gradW = start.slice();
  jsBackend.conv2dBackwardWeight(gradOut, x, gradWExpected, g);
  native.conv2dBackwardWeight(gradOut, x, gradW, g);
  assertClose(gradW, gradWExpected, 1e-4, `${what} backward weight`);
}
