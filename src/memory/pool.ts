import type { DType, TypedArray } from "../tensor/dtype.js";

/**
 * Storage handed back by `dispose()`/`lt.tidy`, kept for the next tensors that fit in it. A buffer
 * written moments ago is still in cache and mapped, where a fresh one must come from memory: a
 * 25 MB convolution output costs twice as long in a new buffer as in a reused one.
 * Only storage Lantern allocated itself is recycled (never an array the caller handed in), and only
 * once no undisposed tensor views it; anything never disposed is left to the garbage collector.
 */

/** Below this many elements, allocation is cheap and pooling is not worth its bookkeeping. */
export const POOLED_MIN_LENGTH = 4096;

/** Undisposed tensors per Lantern-allocated storage; an array absent from the map is not ours. */
const liveViews = new WeakMap<TypedArray, number>();
/**
 * Released memory, sorted by size (equal sizes most recently released last). A tensor takes the
 * smallest buffer that holds it, so tensors of different sizes whose lifetimes do not overlap share
 * memory, as an arena planner would arrange: a network's working set is then the few activations
 * alive at once rather than one buffer per distinct shape.
 */
const free: ArrayBuffer[] = [];
let pooledBytes = 0;
let limitBytes = 512 * 1024 * 1024;

/** A buffer up to this many times the request serves it; a larger one stays for larger tensors. */
const MAX_SLACK = 2;

export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** Called with every storage allocate() and uninitialized() hand out, while one is installed (lt.jit.trace). */
let allocationObserver: ((data: TypedArray) => void) | null = null;

/** Installs `observer` (null: none) and returns the one it replaces. */
export function observeAllocations(observer: ((data: TypedArray) => void) | null): ((data: TypedArray) => void) | null {
  const previous = allocationObserver;
  allocationObserver = observer;
  return previous;
}

/** Storage was just allocated for a tensor. */
export function noteAllocation(data: TypedArray): void {
  allocationObserver?.(data);
}

/**
 * Where the views of a buffer Lantern allocated start: its first cache line, when the backend can
 * say where that is (vector loads and stores that straddle two lines cost two accesses, and a
 * buffer of its own starts only 16-byte aligned); 0 for the others.
 */
const starts = new WeakMap<ArrayBuffer, number>();
/** The bytes asked for when such a buffer was made (it holds up to 64 more, before its start). */
const asked = new WeakMap<ArrayBuffer, number>();
let cacheLineOffsetOf: ((data: Uint8Array) => number) | null = null;

/** Installs the backend's probe of how far past a 64-byte boundary memory starts (the native core has one). */
export function setCacheLineProbe(probe: ((data: Uint8Array) => number) | null): void {
  cacheLineOffsetOf = probe;
}

function startOf(buffer: ArrayBuffer): number {
  return starts.get(buffer) ?? 0;
}

/** Bytes a view of `buffer` can use from its start, as the pool counts them. */
function capacity(buffer: ArrayBuffer): number {
  return asked.get(buffer) ?? buffer.byteLength;
}

/** A new buffer of at least `bytes` from `allocate`, whose views (viewOf) start on a cache line when that can be known. */
export function freshBuffer(bytes: number, allocate: (bytes: number) => ArrayBuffer): ArrayBuffer {
  if (!cacheLineOffsetOf) return allocate(bytes);
  const buffer = allocate(bytes + 64);
  starts.set(buffer, (64 - cacheLineOffsetOf(new Uint8Array(buffer, 0, 1))) % 64);
  asked.set(buffer, bytes);
  return buffer;
}

/** Records `data` as Lantern's own storage, which dispose() may recycle. */
export function markOwned(data: TypedArray): void {
  if (data.length >= POOLED_MIN_LENGTH && data.byteOffset === startOf(data.buffer as ArrayBuffer) && !liveViews.has(data)) {
    liveViews.set(data, 0);
  }
}

/** Index of the first free buffer of at least `bytes`. */
function firstFitting(bytes: number): number {
  let lo = 0;
  let hi = free.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (capacity(free[mid]) < bytes) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first `length` elements of `buffer` (from where its views start) as a typed array of `dtype`. */
export function viewOf(dtype: DType, buffer: ArrayBuffer, length: number): TypedArray {
  const start = startOf(buffer);
  switch (dtype) {
    case "float32": return new Float32Array(buffer, start, length);
    case "float64": return new Float64Array(buffer, start, length);
    case "int32": return new Int32Array(buffer, start, length);
    case "bool": return new Uint8Array(buffer, start, length);
  }
}

/** Released memory viewed as `length` elements of `dtype`, holding what its last user left; null if none fits. */
export function takeRecycled(dtype: DType, length: number): TypedArray | null {
  if (length < POOLED_MIN_LENGTH || free.length === 0) return null;
  const bytes = length * BYTES_PER_ELEMENT[dtype];
  let i = firstFitting(bytes);
  if (i === free.length || capacity(free[i]) > MAX_SLACK * bytes) return null;
  // Among buffers of that size, the one released last is likeliest to be in cache.
  while (i + 1 < free.length && capacity(free[i + 1]) === capacity(free[i])) i++;
  const [buffer] = free.splice(i, 1);
  pooledBytes -= capacity(buffer);
  const data = viewOf(dtype, buffer, length);
  liveViews.set(data, 0);
  return data;
}

/** A tensor now views `data`. */
export function retainStorage(data: TypedArray): void {
  if (data.length < POOLED_MIN_LENGTH) return;
  const views = liveViews.get(data);
  if (views !== undefined) liveViews.set(data, views + 1);
}

/**
 * A tensor viewing `data` was disposed: the last one hands its memory to the pool. (Storage moved
 * to a worker is detached, length 0, and so never pooled.)
 */
export function releaseStorage(data: TypedArray): void {
  if (data.length < POOLED_MIN_LENGTH) return;
  const views = liveViews.get(data);
  if (views === undefined) return;
  if (views > 1) {
    liveViews.set(data, views - 1);
    return;
  }
  // The memory now belongs to the pool; this array must never be recycled a second time.
  liveViews.delete(data);
  const buffer = data.buffer as ArrayBuffer;
  if (pooledBytes + capacity(buffer) > limitBytes) return;
  free.splice(firstFitting(capacity(buffer) + 1), 0, buffer);
  pooledBytes += capacity(buffer);
}

export interface MemoryInfo {
  /** Bytes of released storage held for reuse. */
  pooledBytes: number;
  pooledBuffers: number;
  /** The most the pool holds; storage released beyond it is left to the garbage collector. */
  poolLimitBytes: number;
}

/** What the storage pool holds (tf.memory's counterpart for the part Lantern manages). */
export function memory(): MemoryInfo {
  return { pooledBytes, pooledBuffers: free.length, poolLimitBytes: limitBytes };
}

/**
 * Sets the pool's capacity in bytes (default 512 MiB) and drops what no longer fits; 0 turns
 * recycling off.
 */
export function setMemoryPoolLimit(bytes: number): void {
  if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`setMemoryPoolLimit: expected a byte count >= 0, got ${bytes}`);
  limitBytes = bytes;
  if (pooledBytes > limitBytes) emptyMemoryPool();
}

/** Drops every pooled buffer, leaving them to the garbage collector (torch.cuda.empty_cache's role). */
export function emptyMemoryPool(): void {
  free.length = 0;
  pooledBytes = 0;
}
