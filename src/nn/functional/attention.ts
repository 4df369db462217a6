import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { arange } from "../../tensor/creation.js";
import { where } from "../../ops/elementwise.js";
import type { Generator } from "../../random/generator.js";
import { dropout } from "./dropout.js";
import { requireSameDtype } from "./args.js";

export interface AttentionOptions {
  /** Bool: true where a query may attend to a key. Float: added to the scores. Broadcasts to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Lower-triangular mask (query i sees keys 0..i); cannot be combined with attnMask. */
  isCausal?: boolean;
  /** Dropout on the attention weights, applied whenever it is > 0 (as PyTorch). */
  dropoutP?: number;
  /** Defaults to 1 / sqrt(E). */
  scale?: number | null;
  generator?: Generator;
}

/**
 * torch.nn.functional.scaled_dot_product_attention, the math formulation:
 * softmax(q k^T * scale + mask) v for q [..., L, E], k [..., S, E], v [..., S, Ev].
 * Rows whose every score is masked to -inf give zeros, not NaN, as PyTorch >= 2.5 (_safe_softmax).
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, opts: AttentionOptions = {}): Tensor {
  const op = "scaledDotProductAttention";
  requireSameDtype(op, ["query", query], ["key", key], ["value", value]);
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new RangeError(`${op}: query, key and value need at least 2 dims [..., L, E], got ${formatShape(query.shape)}, ${formatShape(key.shape)} and ${formatShape(value.shape)}`);
  }
  const [L, E] = query.shape.slice(-2);
  const [S, keyE] = key.shape.slice(-2);
  if (keyE !== E) throw new RangeError(`${op}: query has embedding size ${E} but key has ${keyE} (query ${formatShape(query.shape)}, key ${formatShape(key.shape)})`);
  if (value.shape[value.ndim - 2] !== S) {
    throw new RangeError(`${op}: key has ${S} positions but value has ${value.shape[value.ndim - 2]} (key ${formatShape(key.shape)}, value ${formatShape(value.shape)})`);
  }
  const { attnMask = null, isCausal = false, dropoutP = 0 } = opts;
  if (isCausal && attnMask) throw new TypeError(`${op}: attnMask cannot be set when isCausal is true`);
  if (attnMask && attnMask.dtype === "int32") throw new TypeError(`${op}: attnMask must be bool or floating point, got int32`);
  const scale = opts.scale ?? 1 / Math.sqrt(E);
  let scores = query.matmul(key.mT).mul(scale);
  const mask = isCausal ? arange(L).unsqueeze(1).ge(arange(S).unsqueeze(0)) : attnMask;
  if (mask) scores = mask.dtype === "bool" ? scores.maskedFill(mask.logicalNot(), -Infinity) : scores.add(mask);
  let weights: Tensor;
  const fullyMasked = mask ? scores.detach().eq(-Infinity).all(-1, true) : null;
  if (fullyMasked && fullyMasked.any().item()) {
    // Softmax of an all -inf row is 0/0; give those rows finite scores, then zero their weights,
    // so neither the output nor the gradient carries NaN.
    weights = where(fullyMasked, 0, where(fullyMasked, 0, scores).softmax(-1));
  } else {
    weights = scores.softmax(-1);
  }
  if (dropoutP > 0) weights = dropout(weights, dropoutP, true, opts.generator);
  return weights.matmul(value);
}
