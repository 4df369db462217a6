#!/usr/bin/env node
// GFLOP/s of the native SGEMM and the time of a ResNet-style convolution layer.
// Run after `npm install`: node bench/native-gemm.mjs   (LANTERN_NUM_THREADS=1 for one core)
import { nativeAddon } from "../dist/src/backend/native/index.js";

if (!nativeAddon) {
  console.error("native core not built");
  process.exit(1);
}
const addon = nativeAddon;
const info = addon.info();
console.log(`isa ${info.isa}, kernel ${info.gemmKernel}, threads ${info.threads}`);

/** Best of `rounds` timings of fn, each averaged over enough calls to take ~0.2 s. */
function bestSeconds(fn, rounds = 7) {
  const start = performance.now();
  fn();
  const once = Math.max((performance.now() - start) / 1000, 1e-6);
  const reps = Math.max(1, Math.round(0.2 / once));
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (performance.now() - t0) / 1000 / reps);
  }
  return best;
}

const random = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5);

for (const size of [256, 512, 1024, 2048]) {
  const a = random(size * size), b = random(size * size), c = new Float32Array(size * size);
  const s = bestSeconds(() => addon.gemm(a, b, c, 1, size, size, size, false, false, 0, 0, 0, 0, 1, 0));
  console.log(`sgemm ${size}x${size}x${size}: ${((2 * size ** 3) / s / 1e9).toFixed(1)} GFLOP/s`);
}

// conv2d 3x3, 64 -> 64 channels, 56x56, batch 8, padding 1 (a ResNet-18 stage-1 layer).
const [n, ch, hw] = [8, 64, 56];
const geometry = Float64Array.of(n, ch, hw, hw, ch, 3, 3, hw, hw, 1, 1, 1, 1, 1, 1, 1);
const x = random(n * ch * hw * hw), w = random(ch * ch * 9), out = new Float32Array(n * ch * hw * hw);
const gradW = new Float32Array(ch * ch * 9), gradIn = new Float32Array(n * ch * hw * hw);
const flops = 2 * n * ch * hw * hw * ch * 9;
const report = (name, s) => console.log(`conv2d 3x3 64->64 56x56 batch 8 ${name}: ${(s * 1000).toFixed(2)} ms (${(flops / s / 1e9).toFixed(1)} GFLOP/s)`);
report("forward", bestSeconds(() => addon.conv2d(x, w, null, out, geometry), 5));
report("backward input", bestSeconds(() => addon.conv2dBackwardInput(out, w, gradIn, geometry), 5));
report("backward weight", bestSeconds(() => addon.conv2dBackwardWeight(out, x, gradW, geometry), 5));
