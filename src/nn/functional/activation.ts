import type { Tensor } from "../../tensor/tensor.js";
import { scalarOp, unary, where } from "../../ops/elementwise.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { record } from "../../autograd/node.js";

export type GeluApproximate = "none" | "tanh";

export function relu(input: Tensor): Tensor {
  return unary("relu", input);
}

/** min(max(x, 0), 6); the gradient is 0 at both kinks, as PyTorch's hardtanh backward. */
export function relu6(input: Tensor): Tensor {
  return unary("relu6", input);
}

export function leakyRelu(input: Tensor, negativeSlope = 0.01): Tensor {
  return scalarOp("leakyRelu", input, negativeSlope);
}

/** x for x > 0, alpha * (exp(x) - 1) otherwise. */
export function elu(input: Tensor, alpha = 1): Tensor {
  return scalarOp("elu", input, alpha);
}

/** SELU constants from Klambauer et al. 2017 (as torch.nn.SELU). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export function selu(input: Tensor): Tensor {
  return elu(input, SELU_ALPHA).mul(SELU_SCALE);
}

/** Clamps to [minVal, maxVal]; the gradient is 1 strictly inside and 0 at and beyond the bounds. */
export function hardtanh(input: Tensor, minVal = -1, maxVal = 1): Tensor {
  if (!(minVal <= maxVal)) throw new RangeError(`hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  const y = noGrad(() => input.clamp(minVal, maxVal));
  return record(y, "hardtanh", [input], (g) => [g.mul(input.gt(minVal).logicalAnd(input.lt(maxVal)))]);
}

/** x * Phi(x) exactly, or with the tanh approximation of Hendrycks & Gimpel 2016. */
export function gelu(input: Tensor, approximate: GeluApproximate | { approximate?: GeluApproximate } = "none"): Tensor {
  const mode = typeof approximate === "string" ? approximate : (approximate.approximate ?? "none");
  if (mode !== "none" && mode !== "tanh") throw new RangeError(`gelu: approximate must be "none" or "tanh", got "${String(mode)}"`);
  return unary(mode === "tanh" ? "geluTanh" : "gelu", input);
}

/** x * sigmoid(x) (also called swish). */
export function silu(input: Tensor): Tensor {
  return unary("silu", input);
}

/** x * tanh(softplus(x)), Misra 2019. */
export function mish(input: Tensor): Tensor {
  return unary("mish", input);
}

export function sigmoid(input: Tensor): Tensor {
  return unary("sigmoid", input);
}

export function tanh(input: Tensor): Tensor {
  return unary("tanh", input);
}

/** x * relu6(x + 3) / 6, from MobileNetV3 (Howard et al. 2019). */
export function hardswish(input: Tensor): Tensor {
  return unary("hardswish", input);
}

/** relu6(x + 3) / 6. */
export function hardsigmoid(input: Tensor): Tensor {
  return unary("hardsigmoid", input);
}

/**
 * log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold (PyTorch's guard against
 * overflow). The soft branch sees a clamped argument so its unused gradient never turns into NaN.
 */
export function softplus(input: Tensor, beta = 1, threshold = 20): Tensor {
  if (beta === 1 && threshold === 20) return unary("softplus", input);
  const scaled = input.mul(beta);
  const soft = unary("softplus", scaled.clamp(-Infinity, threshold)).div(beta);
  return where(scaled.gt(threshold), input, soft);
}

/** log(sigmoid(x)) = -softplus(-x), computed without overflow. */
export function logSigmoid(input: Tensor): Tensor {
  return unary("softplus", input.neg()).neg();
}

export function softmax(input: Tensor, dim: number): Tensor {
  return input.softmax(dim);
}

export function logSoftmax(input: Tensor, dim: number): Tensor {
  return input.logSoftmax(dim);
}
