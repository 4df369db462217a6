import type { Tensor } from "../../tensor/tensor.js";
import { formatShape, normalizeDim } from "../../tensor/shape.js";
import { Module } from "./module.js";

/** Flattens dims startDim..endDim into one (torch.nn.Flatten: by default all but the batch dim). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Splits dim `dim` into `sizes` (torch.nn.Unflatten), the inverse of Flatten. */
export class Unflatten extends Module {
  readonly dim: number;
  readonly sizes: readonly number[];

  constructor(dim: number, sizes: readonly number[]) {
    super();
    this.dim = dim;
    this.sizes = [...sizes];
  }

  forward(input: Tensor): Tensor {
    const d = normalizeDim(this.dim, input.ndim, "Unflatten");
    const known = this.sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    if (input.shape[d] % known !== 0) throw new RangeError(`Unflatten: dim ${this.dim} of input ${formatShape(input.shape)} cannot be split into ${formatShape(this.sizes)}`);
    return input.reshape([...input.shape.slice(0, d), ...this.sizes, ...input.shape.slice(d + 1)]);
  }

  override extraRepr(): string {
    return `dim=${this.dim}, unflattened_size=(${this.sizes.join(", ")})`;
  }
}
