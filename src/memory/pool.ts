import type { DType, TypedArray } from "../tensor/dtype.js";

/**
 * Storage handed back by `dispose()`/`lt.tidy`, kept for the next tensor of the same type and
 * length. A buffer written moments ago is still in cache and mapped, where a fresh one must come
 * from memory: a 25 MB convolution output costs twice as long in a new buffer as in a reused one.
 * Only storage Lantern allocated itself is recycled (never an array the caller handed in), and only
 * once no undisposed tensor views it; anything never disposed is left to the garbage collector.
 */

/** Below this many elements, allocation is cheap and pooling is not worth its bookkeeping. */
export const POOLED_MIN_LENGTH = 4096;

/** Undisposed tensors per Lantern-allocated storage; an array absent from the map is not ours. */
const liveViews = new WeakMap<TypedArray, number>();
/** Recycled storage by dtype and length, most recently released last. */
const freeLists = new Map<string, TypedArray[]>();
let pooledBytes = 0;
let pooledBuffers = 0;
let limitBytes = 512 * 1024 * 1024;

const keyOf = (dtype: DType, length: number) => `${dtype}:${length}`;

/** Records `data` as Lantern's own storage, which dispose() may recycle. */
export function markOwned(data: TypedArray): void {
  if (data.length >= POOLED_MIN_LENGTH && !liveViews.has(data)) liveViews.set(data, 0);
}

/** A released buffer of exactly this type and length, as its last user left it; null if none. */
export function takeRecycled(dtype: DType, length: number): TypedArray | null {
  if (length < POOLED_MIN_LENGTH || pooledBuffers === 0) return null;
  const list = freeLists.get(keyOf(dtype, length));
  const data = list?.pop();
  if (!data) return null;
  pooledBytes -= data.byteLength;
  pooledBuffers--;
  return data;
}

/** A tensor now views `data`. */
export function retainStorage(data: TypedArray): void {
  if (data.length < POOLED_MIN_LENGTH) return;
  const views = liveViews.get(data);
  if (views !== undefined) liveViews.set(data, views + 1);
}

/** A tensor viewing `data` was disposed: the last one hands the storage to the pool. */
export function releaseStorage(data: TypedArray, dtype: DType): void {
  if (data.length < POOLED_MIN_LENGTH) return;
  const views = liveViews.get(data);
  if (views === undefined) return;
  if (views > 1) {
    liveViews.set(data, views - 1);
    return;
  }
  liveViews.set(data, 0);
  if (pooledBytes + data.byteLength > limitBytes) return;
  const key = keyOf(dtype, data.length);
  let list = freeLists.get(key);
  if (!list) freeLists.set(key, (list = []));
  list.push(data);
  pooledBytes += data.byteLength;
  pooledBuffers++;
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
  return { pooledBytes, pooledBuffers, poolLimitBytes: limitBytes };
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
  freeLists.clear();
  pooledBytes = 0;
  pooledBuffers = 0;
}
