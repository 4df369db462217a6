/**
 * The memory plan of a traced forward pass: every intermediate buffer the recording allocated is
 * given a place in a few arena buffers that the plan owns, shared between buffers whose lifetimes
 * (first to last kernel call that touches them) do not overlap, as onnxruntime plans a session's
 * memory. Replays then touch the same few buffers every time, which stay in cache.
 */
import type { TypedArray } from "../tensor/dtype.js";

/** One recorded backend call: the method and its arguments as the recording saw them. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/** Where an intermediate's views live: its arena buffer. */
export interface Placement {
  arena: ArrayBuffer;
}

/** An intermediate allocation: its bytes in use and its lifetime in call indices. */
interface Lifetime {
  buffer: ArrayBuffer;
  bytes: number;
  first: number;
  last: number;
}

type TypedArrayConstructor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Visits every typed array in a call's arguments: directly, in arrays, or in plain objects (a StridedView, options). */
export function forEachArray(value: unknown, visit: (array: TypedArray) => void): void {
  if (isTypedArray(value)) visit(value);
  else if (Array.isArray(value)) for (const v of value) forEachArray(v, visit);
  else if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) forEachArray(v, visit);
  }
}

/** A copy of `value` with every typed array replaced by `swap(array)` (the same value where nothing changes). */
export function mapArrays(value: unknown, swap: (array: TypedArray) => TypedArray): unknown {
  if (isTypedArray(value)) return swap(value);
  if (Array.isArray(value)) return value.map((v) => mapArrays(v, swap));
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) copy[key] = mapArrays(v, swap);
    return copy;
  }
  return value;
}

/** The same elements of `array`'s buffer, viewed in `buffer` at the same offset. */
export function rebase(array: TypedArray, buffer: ArrayBuffer, byteDelta = 0): TypedArray {
  const Ctor = array.constructor as TypedArrayConstructor;
  return new Ctor(buffer, array.byteOffset + byteDelta, array.length);
}

/**
 * Places the intermediates (the buffers in `allocated`) of `calls` in shared arena buffers and
 * returns, per intermediate buffer, its arena. `keepUntilEnd` (the output's buffer) lives past the
 * last call. Greedy by first use: each takes the smallest free arena that holds it, or grows the
 * largest free one, or opens a new one.
 */
export function planArenas(calls: RecordedCall[], allocated: Set<ArrayBuffer>, keepUntilEnd: ArrayBuffer | null): Map<ArrayBuffer, Placement> {
  const lifetimes = new Map<ArrayBuffer, Lifetime>();
  calls.forEach((call, index) => {
    forEachArray(call.args, (array) => {
      const buffer = array.buffer as ArrayBuffer;
      if (!allocated.has(buffer)) return;
      const end = array.byteOffset + array.byteLength;
      const known = lifetimes.get(buffer);
      if (known) {
        known.last = index;
        known.bytes = Math.max(known.bytes, end);
      } else {
        lifetimes.set(buffer, { buffer, bytes: end, first: index, last: index });
      }
    });
  });
  if (keepUntilEnd) {
    const out = lifetimes.get(keepUntilEnd);
    if (out) out.last = calls.length;
  }
  interface Arena { bytes: number; freeAfter: number; members: ArrayBuffer[] }
  const arenas: Arena[] = [];
  const sorted = [...lifetimes.values()].sort((a, b) => a.first - b.first || b.bytes - a.bytes);
  for (const life of sorted) {
    let best: Arena | null = null;
    let largestFree: Arena | null = null;
    for (const arena of arenas) {
      if (arena.freeAfter >= life.first) continue;
      if (arena.bytes >= life.bytes && (best === null || arena.bytes < best.bytes)) best = arena;
      if (largestFree === null || arena.bytes > largestFree.bytes) largestFree = arena;
    }
    const arena = best ?? largestFree ?? { bytes: 0, freeAfter: -1, members: [] };
    if (arena === largestFree || arena.members.length === 0) arena.bytes = Math.max(arena.bytes, life.bytes);
    if (arena.members.length === 0) arenas.push(arena);
    arena.freeAfter = life.last;
    arena.members.push(life.buffer);
  }
  const placements = new Map<ArrayBuffer, Placement>();
  for (const arena of arenas) {
    const placement = { arena: new ArrayBuffer(arena.bytes) };
    for (const member of arena.members) placements.set(member, placement);
  }
  return placements;
}

/** Total bytes of the arenas in a plan. */
export function arenaBytes(placements: Map<ArrayBuffer, Placement>): number {
  let total = 0;
  for (const placement of new Set(placements.values())) total += placement.arena.byteLength;
  return total;
}
