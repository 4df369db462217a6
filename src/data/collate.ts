import { Tensor } from "../tensor/tensor.js";
import { allocate } from "../tensor/dtype.js";
import { formatShape, sameShape } from "../tensor/shape.js";
import type { TypedArray } from "../tensor/dtype.js";

/**
 * torch.utils.data.default_collate: tensors are stacked along a new first dimension, numbers
 * become a tensor (int32 when all are integers, else float32), and arrays and plain objects are
 * collated position by position / key by key, so [image, label] samples give [images, labels].
 */
export function defaultCollate(samples: readonly unknown[]): any {
  if (samples.length === 0) throw new RangeError("defaultCollate: cannot collate an empty batch");
  const first = samples[0];
  if (first instanceof Tensor) return stackSamples(samples as Tensor[]);
  if (typeof first === "number") {
    const values = samples as number[];
    return Tensor.fromTypedArray(values.every(Number.isInteger) ? Int32Array.from(values) : Float32Array.from(values), [values.length]);
  }
  if (Array.isArray(first)) {
    return first.map((_, i) => defaultCollate(samples.map((s) => (s as unknown[])[i])));
  }
  if (first !== null && typeof first === "object") {
    return Object.fromEntries(Object.keys(first).map((key) => [key, defaultCollate(samples.map((s) => (s as Record<string, unknown>)[key]))]));
  }
  throw new TypeError(`defaultCollate: samples must be tensors, numbers, arrays or objects of them, got ${typeof first}`);
}

function stackSamples(tensors: readonly Tensor[]): Tensor {
  const { shape, dtype } = tensors[0];
  const size = tensors[0].numel;
  const out = allocate(dtype, size * tensors.length) as TypedArray;
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, shape) || t.dtype !== dtype) {
      throw new RangeError(`defaultCollate: sample ${i} is ${t.dtype} ${formatShape(t.shape)}, but sample 0 is ${dtype} ${formatShape(shape)}; resize images to one size (a transform) or pass a collate function`);
    }
    (out as Float32Array).set(t.denseData() as Float32Array, i * size);
  });
  return Tensor.fromTypedArray(out, [tensors.length, ...shape]);
}

/** A batch as structured-clone data: tensors as {data, shape}, with the buffers that can be moved listed. */
export function encodeBatch(value: unknown, transfer: ArrayBuffer[] = []): { value: unknown; transfer: ArrayBuffer[] } {
  const encode = (v: unknown): unknown => {
    if (v instanceof Tensor) {
      let data = v.denseData();
      // Only a buffer the tensor owns whole may move; a view into a dataset's storage is copied.
      if (data.buffer instanceof SharedArrayBuffer || data.byteLength !== data.buffer.byteLength) data = data.slice();
      transfer.push(data.buffer as ArrayBuffer);
      return { __tensor: true, data, shape: v.shape };
    }
    if (Array.isArray(v)) return v.map(encode);
    if (v !== null && typeof v === "object" && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encode(x)]));
    return v;
  };
  return { value: encode(value), transfer };
}

export function decodeBatch(value: unknown): any {
  if (Array.isArray(value)) return value.map(decodeBatch);
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value)) {
    const record = value as Record<string, unknown>;
    if (record.__tensor === true) return Tensor.fromTypedArray(record.data as TypedArray, record.shape as number[]);
    return Object.fromEntries(Object.entries(record).map(([k, x]) => [k, decodeBatch(x)]));
  }
  return value;
}
