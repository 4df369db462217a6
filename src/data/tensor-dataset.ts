import { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import type { TypedArray } from "../tensor/dtype.js";
import { checkIndex, registerDatasetKind } from "./dataset.js";
import type { Dataset, DatasetSpec } from "./dataset.js";

/**
 * Samples are the i-th rows of tensors that share their first dimension
 * (torch.utils.data.TensorDataset): `get(i)` is `[x[i], y[i]]`, each row a view of the storage.
 */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0 || tensors.some((t) => !(t instanceof Tensor) || t.ndim === 0)) {
      throw new TypeError("TensorDataset: expected one or more tensors with at least one dimension");
    }
    const n = tensors[0].shape[0];
    const bad = tensors.find((t) => t.shape[0] !== n);
    if (bad) throw new RangeError(`TensorDataset: size mismatch between tensors: ${formatShape(tensors[0].shape)} and ${formatShape(bad.shape)} differ in dimension 0`);
    this.tensors = tensors.map((t) => t.detach());
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    checkIndex(index, this.length, "TensorDataset");
    return this.tensors.map((t) => t.select(0, index));
  }

  /** Dense copies in shared memory the first time, so workers read the rows without copying them. */
  workerSpec(): DatasetSpec {
    return { kind: "tensor", tensors: this.tensors.map((t) => ({ data: sharedCopy(t.denseData()), shape: t.shape })) };
  }
}

function sharedCopy(data: TypedArray): TypedArray {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const Ctor = data.constructor as new (buffer: SharedArrayBuffer) => TypedArray;
  const shared = new Ctor(new SharedArrayBuffer(data.byteLength));
  shared.set(data);
  return shared;
}

registerDatasetKind("tensor", (spec) => {
  const tensors = spec.tensors as { data: TypedArray; shape: number[] }[];
  return new TensorDataset(...tensors.map((t) => Tensor.fromTypedArray(t.data, t.shape)));
});
