import type { Backend, Conv2dGeometry, InvertedResidualGeometry, InvertedResidualWeights, PreparedConv2d } from "../../backend/backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { storageVersion } from "../../tensor/version.js";

interface Entry<T> {
  backend: Backend;
  key: string;
  sources: (TypedArray | null)[];
  versions: number[];
  value: T;
}

/**
 * Geometries remembered per layer: two input sizes used in turn (training and validation batches)
 * both stay prepared, while the extra memory stays bounded at twice the weights.
 */
const CAPACITY = 2;

/**
 * Values a backend derived from some arrays (weights packed for its kernels), per geometry key. An
 * entry is used only while its source arrays are the same storages at the same write count (see
 * tensor/version.ts), so an optimizer step, copy_ or loadStateDict makes the next call prepare afresh.
 */
class VersionedCache<T> {
  #entries: Entry<T>[] = [];

  get(backend: Backend, key: string, sources: (TypedArray | null)[], make: () => T): T {
    const versions = sources.map((s) => (s ? storageVersion(s) : 0));
    const index = this.#entries.findIndex((e) => e.backend === backend && e.key === key);
    if (index >= 0) {
      const e = this.#entries[index];
      if (e.sources.every((s, i) => s === sources[i] && e.versions[i] === versions[i])) return e.value;
      this.#entries.splice(index, 1);
    }
    const value = make();
    this.#entries.unshift({ backend, key, sources, versions, value });
    if (this.#entries.length > CAPACITY) this.#entries.pop();
    return value;
  }

  clear(): void {
    this.#entries = [];
  }

  get size(): number {
    return this.#entries.length;
  }
}

function geometryKey(g: Conv2dGeometry | InvertedResidualGeometry): string {
  return Object.values(g).join();
}

/**
 * The weights of one convolution layer as the backend prepared them for inference (packed for its
 * kernels once, instead of on every call), per geometry, while the weight and bias are unchanged.
 * nn.Conv2d keeps one and uses it in eval mode when no gradient is needed.
 */
export class PreparedConv2dCache {
  readonly #cache = new VersionedCache<PreparedConv2d | null>();

  /** The prepared weights for this call, made now if needed; null when the backend has none. */
  lookup(backend: Backend, weight: TypedArray, bias: TypedArray | null, g: Conv2dGeometry): PreparedConv2d | null {
    if (!backend.prepareConv2d) return null;
    return this.#cache.get(backend, geometryKey(g), [weight, bias], () => backend.prepareConv2d!(weight, bias, g));
  }

  /** Drops every entry (their memory goes with them). */
  clear(): void {
    this.#cache.clear();
  }

  get size(): number {
    return this.#cache.size;
  }
}

/**
 * An inverted residual block's weights packed for the backend's fused kernel, per geometry, while
 * its six weight and bias arrays are unchanged; null when the backend has no such kernel.
 */
export class PreparedInvertedResidualCache {
  readonly #cache = new VersionedCache<PreparedConv2d | null>();

  lookup(backend: Backend, w: InvertedResidualWeights, g: InvertedResidualGeometry): PreparedConv2d | null {
    if (!backend.prepareInvertedResidual || !backend.invertedResidual) return null;
    const sources = [w.expandWeight, w.expandBias, w.depthwiseWeight, w.depthwiseBias, w.projectWeight, w.projectBias];
    return this.#cache.get(backend, geometryKey(g), sources, () => backend.prepareInvertedResidual!(w, g));
  }

  clear(): void {
    this.#cache.clear();
  }
}
