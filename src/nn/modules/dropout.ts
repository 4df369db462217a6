import type { Tensor } from "../../tensor/tensor.js";
import type { Generator } from "../../random/generator.js";
import * as F from "../functional/index.js";
import { Module } from "./module.js";

export interface DropoutOptions {
  /** Draw masks from this generator instead of the default one (reproducible training). */
  generator?: Generator;
}

function checkP(p: number, layer: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${layer}: dropout probability has to be between 0 and 1, got ${p}`);
}

/** The probability and generator every dropout layer keeps (torch's _DropoutNd). */
abstract class DropoutNd extends Module {
  readonly p: number;
  readonly generator: Generator | undefined;

  constructor(p = 0.5, opts: DropoutOptions = {}) {
    super();
    checkP(p, new.target.name);
    this.p = p;
    this.generator = opts.generator;
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/** Zeroes each element with probability p in training mode and scales the rest by 1/(1-p) (torch.nn.Dropout); identity in eval mode. */
export class Dropout extends DropoutNd {
  forward(input: Tensor): Tensor {
    return F.dropout(input, this.p, this.training, this.generator);
  }
}

/** Zeroes whole channels of [N, C, H, W] input (torch.nn.Dropout2d). */
export class Dropout2d extends DropoutNd {
  forward(input: Tensor): Tensor {
    return F.dropout2d(input, this.p, this.training, this.generator);
  }
}
