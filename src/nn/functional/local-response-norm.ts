import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { zeros } from "../../tensor/creation.js";
import { cat } from "../../ops/join.js";
import { requireFloat } from "./args.js";

/**
 * torch.nn.functional.local_response_norm (Krizhevsky et al. 2012, sec. 3.3): each value is divided
 * by (k + alpha / size * sum of squares over `size` neighbouring channels) ^ beta. The window is
 * centred as PyTorch pads it (size/2 channels before, (size-1)/2 after) and always divides by
 * `size`, as its average pool counts the padded zeros.
 */
export function localResponseNorm(input: Tensor, size: number, alpha = 1e-4, beta = 0.75, k = 1): Tensor {
  requireFloat(input, "localResponseNorm", "input");
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`localResponseNorm: size must be a positive integer, got ${size}`);
  if (input.ndim < 3) throw new RangeError(`localResponseNorm: expected input of shape [N, C, ...] (3-D or more), got ${formatShape(input.shape)}`);
  const channels = input.shape[1];
  const padShape = (n: number) => [input.shape[0], n, ...input.shape.slice(2)];
  const before = Math.floor(size / 2);
  const after = Math.floor((size - 1) / 2);
  const parts = [input.square()];
  if (before > 0) parts.unshift(zeros(padShape(before), { dtype: input.dtype }));
  if (after > 0) parts.push(zeros(padShape(after), { dtype: input.dtype }));
  const padded = parts.length > 1 ? cat(parts, 1) : parts[0];
  let windowSum = padded.narrow(1, 0, channels);
  for (let offset = 1; offset < size; offset++) windowSum = windowSum.add(padded.narrow(1, offset, channels));
  return input.div(windowSum.div(size).mul(alpha).add(k).pow(beta));
}
