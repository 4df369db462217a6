/**
 * The memory plan of a traced forward pass: every intermediate buffer the recording allocated is
 * given a place in one arena that the plan owns, shared between buffers whose lifetimes (first to
 * last kernel call that touches them) do not overlap, as onnxruntime plans a session's memory.
 * Replays then touch the same memory every time.
 */
import type { TypedArray } from "../tensor/dtype.js";

/** One recorded backend call: the method and its arguments as the recording saw them. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/** Where an intermediate's views live: the arena, and what to add to their byte offsets there. */
export interface Placement {
  arena: ArrayBuffer;
  offset: number;
}

/** An intermediate allocation: its bytes in use and its lifetime in call indices. */
interface Lifetime {
  buffer: ArrayBuffer;
  low: number;   // the lowest byte any view of it starts at
  high: number;  // the byte past the highest any view ends at
  first: number;
  last: number;
}

type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Visits every typed array in a call's arguments: directly, in arrays, or in plain objects (a StridedView, options). */
export function forEachArray(value: unknown, visit: (array: TypedArray) => void): void {
  mapLeaves(value, (leaf) => {
    if (isTypedArray(leaf)) visit(leaf);
    return leaf;
  });
}

/**
 * A copy of `value` with every leaf (anything but an array or a plain object, which are walked
 * into) replaced by `swap(leaf)`.
 */
export function mapLeaves(value: unknown, swap: (leaf: unknown) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, swap));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = mapLeaves(v, swap);
    return copy;
  }
  return swap(value);
}

/** A copy of `value` with every typed array replaced by `swap(array)`. */
export function mapArrays(value: unknown, swap: (array: TypedArray) => TypedArray): unknown {
  return mapLeaves(value, (leaf) => (isTypedArray(leaf) ? swap(leaf) : leaf));
}

/** The same elements of `array`'s buffer, viewed in `buffer` at the same offset. */
export function rebase(array: TypedArray, buffer: ArrayBuffer, byteDelta = 0): TypedArray {
  const Ctor = array.constructor as TypedArrayConstructor;
  return new Ctor(buffer, array.byteOffset + byteDelta, array.length);
}

/**
 * Places the intermediates (the buffers in `allocated`) of `calls` in one arena and returns, per
 * intermediate buffer, the arena and its offset there. `keepUntilEnd` (the output's buffer) lives
 * past the last call. Largest first, each at the lowest 64-byte-aligned offset where it overlaps
 * nothing alive at the same time, as TensorFlow Lite's arena planner places tensors: the arena
 * comes out near the most memory alive at once.
 */
export function planArenas(
  calls: RecordedCall[],
  allocated: Set<ArrayBuffer>,
  keepUntilEnd: ArrayBuffer | null,
  cacheLineOffset: (data: Uint8Array) => number = () => 0,
): Map<ArrayBuffer, Placement> {
  const lifetimes = new Map<ArrayBuffer, Lifetime>();
  calls.forEach((call, index) => {
    forEachArray(call.args, (array) => {
      const buffer = array.buffer as ArrayBuffer;
      if (!allocated.has(buffer)) return;
      const end = array.byteOffset + array.byteLength;
      const known = lifetimes.get(buffer);
      if (known) {
        known.last = index;
        known.low = Math.min(known.low, array.byteOffset);
        known.high = Math.max(known.high, end);
      } else {
        lifetimes.set(buffer, { buffer, low: array.byteOffset, high: end, first: index, last: index });
      }
    });
  });
  if (keepUntilEnd) {
    const out = lifetimes.get(keepUntilEnd);
    if (out) out.last = calls.length;
  }
  const align = (bytes: number) => Math.ceil(bytes / 64) * 64;
  const span = (life: Lifetime) => life.high - life.low;
  const placed: (Lifetime & { offset: number })[] = [];
  let size = 0;
  const bySize = [...lifetimes.values()].sort((a, b) => span(b) - span(a) || a.first - b.first);
  for (const life of bySize) {
    const alive = placed.filter((p) => p.first <= life.last && life.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of alive) {
      if (p.offset - offset >= span(life)) break;
      offset = Math.max(offset, align(p.offset + span(p)));
    }
    placed.push({ ...life, offset });
    size = Math.max(size, offset + span(life));
  }
  // 64 bytes more, so that every offset can move to where the arena's cache lines start.
  const arena = new ArrayBuffer(align(size) + 64);
  const shift = (64 - cacheLineOffset(new Uint8Array(arena, 0, 1))) % 64;
  // The lowest view of each buffer (pooled views start past the buffer's start) lands on the line.
  return new Map(placed.map((p) => [p.buffer, { arena, offset: p.offset + shift - p.low }]));
}

/** Total bytes of the arenas in a plan. */
export function arenaBytes(placements: Map<ArrayBuffer, Placement>): number {
  let total = 0;
  for (const arena of new Set([...placements.values()].map((p) => p.arena))) total += arena.byteLength;
  return total;
}
