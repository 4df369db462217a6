import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { requireSameDtype } from "./args.js";

/**
 * torch.nn.functional.linear: y = x W^T + b over any leading dims. Leading dims are folded into
 * one so the product is a single GEMM, and W^T is a transposed view the GEMM reads in place.
 */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  requireSameDtype("linear", ["input", input], ["weight", weight], ["bias", bias]);
  if (weight.ndim !== 2) throw new RangeError(`linear: weight must be 2-D [outFeatures, inFeatures], got shape ${formatShape(weight.shape)}`);
  const [outFeatures, inFeatures] = weight.shape;
  const features = input.shape[input.ndim - 1];
  if (input.ndim === 0 || features !== inFeatures) {
    throw new RangeError(`linear: input has ${input.ndim === 0 ? 0 : features} features (shape ${formatShape(input.shape)}), weight expects ${inFeatures} (shape ${formatShape(weight.shape)})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new RangeError(`linear: bias has shape ${formatShape(bias.shape)}, expected [${outFeatures}] (weight ${formatShape(weight.shape)})`);
  }
  const flat = input.ndim > 2 ? input.reshape([-1, inFeatures]) : input;
  let y = flat.matmul(weight.mT);
  if (bias) y = y.add(bias);
  return input.ndim > 2 ? y.reshape([...input.shape.slice(0, -1), outFeatures]) : y;
}

