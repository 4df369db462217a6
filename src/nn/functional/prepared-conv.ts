import type { Backend, Conv2dGeometry, PreparedConv2d } from "../../backend/backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { storageVersion } from "../../tensor/version.js";

interface Entry {
  backend: Backend;
  key: string;
  weight: TypedArray;
  bias: TypedArray | null;
  weightVersion: number;
  biasVersion: number;
  prepared: PreparedConv2d | null;
}

/**
 * Geometries remembered per layer: two input sizes used in turn (training and validation batches)
 * both stay prepared, while the extra memory stays bounded at twice the weights.
 */
const CAPACITY = 2;

function geometryKey(g: Conv2dGeometry): string {
  return [g.batch, g.inChannels, g.inHeight, g.inWidth, g.outChannels, g.kernelHeight, g.kernelWidth, g.outHeight, g.outWidth,
    g.strideH, g.strideW, g.padTop, g.padLeft, g.dilationH, g.dilationW, g.groups].join();
}

/**
 * The weights of one convolution layer as the backend prepared them for inference (packed for its
 * kernels once, instead of on every call), per geometry. An entry is used only while the weight and
 * bias storages are the same arrays at the same write count (see tensor/version.ts), so an
 * optimizer step, copy_ or loadStateDict makes the next call prepare afresh. nn.Conv2d keeps one
 * and uses it in eval mode when no gradient is needed.
 */
export class PreparedConv2dCache {
  #entries: Entry[] = [];

  /** The prepared weights for this call, made now if needed; null when the backend has none. */
  lookup(backend: Backend, weight: TypedArray, bias: TypedArray | null, g: Conv2dGeometry): PreparedConv2d | null {
    if (!backend.prepareConv2d) return null;
    const key = geometryKey(g);
    const weightVersion = storageVersion(weight);
    const biasVersion = bias ? storageVersion(bias) : 0;
    const index = this.#entries.findIndex((e) => e.backend === backend && e.key === key);
    if (index >= 0) {
      const e = this.#entries[index];
      if (e.weight === weight && e.bias === bias && e.weightVersion === weightVersion && e.biasVersion === biasVersion) {
        return e.prepared;
      }
      this.#entries.splice(index, 1);
    }
    const prepared = backend.prepareConv2d(weight, bias, g);
    this.#entries.unshift({ backend, key, weight, bias, weightVersion, biasVersion, prepared });
    if (this.#entries.length > CAPACITY) this.#entries.pop();
    return prepared;
  }

  /** Drops every entry (their memory goes with them). */
  clear(): void {
    this.#entries = [];
  }

  get size(): number {
    return this.#entries.length;
  }
}
