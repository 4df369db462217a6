import { Tensor } from "../../../src/index.js";
import type { Module } from "../../../src/nn/index.js";

/**
 * The deterministic weights of test/fixtures/gen_vision.py, so the fixture stores logits only: each
 * tensor is filled from a counter-based hash (murmur3's fmix32) seeded by the FNV-1a hash of its
 * state-dict key. Everything is exact uint32 arithmetic and one double multiply-add per value, so
 * Python and JavaScript produce identical float32 weights.
 */

function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

/** Fills `out` with U(lo, hi) values exactly as gen_vision.py's det_values. */
export function detValues(key: string, out: Float32Array | Float64Array, lo: number, hi: number): void {
  const seed = fnv1a32(key);
  for (let i = 0; i < out.length; i++) {
    let h = (seed + Math.imul(i + 1, 0x9e3779b9)) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    out[i] = lo + (hi - lo) * (h / 4294967296);
  }
}

/** gen_vision.py's det_range: the interval each kind of tensor is drawn from (null: leave it). */
function detRange(key: string, shape: readonly number[]): [number, number] | null {
  if (key.endsWith("num_batches_tracked")) return null;
  if (key.endsWith("running_mean") || key.endsWith("bias")) return [-0.1, 0.1];
  if (key.endsWith("running_var") || shape.length === 1) return [0.8, 1.2];
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  const bound = Math.sqrt(6 / fanIn);
  return [-bound, bound];
}

/** Overwrites every parameter and buffer of `model` with the fixture's deterministic values. */
export function fillDeterministic(model: Module): void {
  for (const [key, t] of Object.entries(model.stateDict())) {
    const range = detRange(key, t.shape);
    if (range === null) continue;
    if (!t.isContiguous() || t.dtype !== "float32") throw new Error(`fillDeterministic: ${key} is not a contiguous float32 tensor`);
    detValues(key, (t.data as Float32Array).subarray(t.offset, t.offset + t.numel), ...range);
  }
}

/** The fixture's input: U(-2, 2) under the key "input". */
export function detInput(shape: number[]): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  detValues("input", data, -2, 2);
  return Tensor.fromTypedArray(data, shape);
}
