import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { rand } from "../../tensor/creation.js";
import type { Generator } from "../../random/generator.js";
import { requireFloat } from "./args.js";

function checkProbability(p: number, op: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: dropout probability has to be between 0 and 1, got ${p}`);
}

/**
 * Zeroes whole slices: `maskShape` broadcasts against the input, and each kept entry is scaled by
 * 1 / (1 - p) so the expected value is unchanged (inverted dropout, Srivastava et al. 2014).
 */
function dropMask(input: Tensor, maskShape: readonly number[], p: number, generator: Generator | undefined): Tensor {
  if (p === 1) return input.mul(0);
  const keep = rand(maskShape, { generator, dtype: input.dtype }).ge(p);
  return input.mul(keep.to(input.dtype).mul(1 / (1 - p)));
}

/** torch.nn.functional.dropout: in training, zeroes each element with probability p. */
export function dropout(input: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkProbability(p, "dropout");
  requireFloat(input, "dropout", "input");
  if (!training || p === 0) return input;
  return dropMask(input, input.shape, p, generator);
}

/** torch.nn.functional.dropout2d: zeroes whole channels of [N, C, H, W] (or [C, H, W]) input. */
export function dropout2d(input: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkProbability(p, "dropout2d");
  requireFloat(input, "dropout2d", "input");
  if (input.ndim !== 3 && input.ndim !== 4) throw new RangeError(`dropout2d: expected 3-D or 4-D input, got shape ${formatShape(input.shape)}`);
  if (!training || p === 0) return input;
  // One draw per channel: the mask is [N, C, 1, 1] (or [C, 1, 1] for unbatched input).
  return dropMask(input, [...input.shape.slice(0, input.ndim - 2), 1, 1], p, generator);
}
