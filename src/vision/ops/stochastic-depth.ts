import type { Tensor } from "../../tensor/tensor.js";
import { rand } from "../../tensor/creation.js";
import type { Generator } from "../../random/generator.js";
import { Module } from "../../nn/modules/module.js";

export type StochasticDepthMode = "row" | "batch";

/**
 * torchvision.ops.stochastic_depth (Huang et al. 2016, "Deep Networks with Stochastic Depth"): in
 * training, zeroes a residual branch with probability p, for each sample ("row") or for the whole
 * batch ("batch"), and scales the survivors by 1 / (1 - p) so eval mode needs no correction.
 */
export function stochasticDepth(input: Tensor, p: number, mode: StochasticDepthMode, training = true, generator?: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`stochasticDepth: drop probability has to be between 0 and 1, got ${p}`);
  if (mode !== "row" && mode !== "batch") throw new RangeError(`stochasticDepth: mode has to be "row" or "batch", got ${JSON.stringify(mode)}`);
  if (!training || p === 0) return input;
  const survival = 1 - p;
  const size = input.shape.map((n, i) => (mode === "row" && i === 0 ? n : 1));
  const keep = rand(size, { generator, dtype: input.dtype }).lt(survival).to(input.dtype);
  return input.mul(survival > 0 ? keep.div(survival) : keep);
}

/** torchvision.ops.StochasticDepth as a module: EfficientNet's MBConv blocks hold one each. */
export class StochasticDepth extends Module {
  constructor(readonly p: number, readonly mode: StochasticDepthMode, readonly generator?: Generator) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`StochasticDepth: drop probability has to be between 0 and 1, got ${p}`);
  }

  forward(input: Tensor): Tensor {
    return stochasticDepth(input, this.p, this.mode, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${this.p}, mode=${this.mode}`;
  }
}
