import type { Tensor } from "../../tensor/tensor.js";
import { localResponseNorm } from "../functional/local-response-norm.js";
import { Module } from "./module.js";

/**
 * Local response normalisation across channels (torch.nn.LocalResponseNorm), the layer AlexNet
 * used and VGG's configuration A-LRN tests (Simonyan & Zisserman 2015, Table 1). No parameters.
 */
export class LocalResponseNorm extends Module {
  constructor(readonly size: number, readonly alpha = 1e-4, readonly beta = 0.75, readonly k = 1) {
    super();
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`LocalResponseNorm: size must be a positive integer, got ${size}`);
  }

  forward(input: Tensor): Tensor {
    return localResponseNorm(input, this.size, this.alpha, this.beta, this.k);
  }

  override extraRepr(): string {
    return `${this.size}, alpha=${this.alpha}, beta=${this.beta}, k=${this.k}`;
  }
}
