import type { TypedArray } from "./dtype.js";

/**
 * Write counts of tensor storages, bumped by the in-place paths that change values a cache may
 * have been built from: Tensor's in-place methods, optimizer steps, initialisers, loadStateDict.
 * Caches derived from weights (prepared convolution panels) compare the count they saw. Writes
 * made straight into `tensor.data` are not seen: bump the storage after them.
 */
const versions = new WeakMap<TypedArray, number>();

export function storageVersion(data: TypedArray): number {
  return versions.get(data) ?? 0;
}

export function bumpStorageVersion(data: TypedArray): void {
  versions.set(data, (versions.get(data) ?? 0) + 1);
}
