import { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/index.js";
import type { Generator } from "../../random/generator.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { initLinearLike } from "./init.js";

/** Whole numbers >= 1 for layer sizes; the error names the layer and argument. */
export function checkPositiveInt(value: number, layer: string, name: string, min = 1): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${layer}: ${name} must be an integer >= ${min}, got ${value}`);
}

export interface LinearOptions {
  bias?: boolean;
  /** Draws the initial weights from this generator instead of the default one. */
  generator?: Generator;
}

/** y = x W^T + b (torch.nn.Linear): weight [outFeatures, inFeatures], bias [outFeatures]. */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Parameter;
  bias: Parameter | null;

  constructor(inFeatures: number, outFeatures: number, opts: LinearOptions = {}) {
    super();
    checkPositiveInt(inFeatures, "Linear", "inFeatures", 0);
    checkPositiveInt(outFeatures, "Linear", "outFeatures", 0);
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = new Parameter(Tensor.empty([outFeatures, inFeatures]));
    this.bias = opts.bias ?? true ? new Parameter(Tensor.empty([outFeatures])) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    initLinearLike(this.weight, this.bias, generator);
  }

  forward(input: Tensor): Tensor {
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? "True" : "False"}`;
  }
}

/** Returns its input (torch.nn.Identity), a placeholder where an architecture drops a layer. */
export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}
