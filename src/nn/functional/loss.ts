import type { Tensor } from "../../tensor/tensor.js";
import { broadcastShapes, formatShape, sameShape } from "../../tensor/shape.js";
import { where } from "../../ops/elementwise.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { record } from "../../autograd/node.js";
import { logSigmoid } from "./activation.js";
import { requireFloat } from "./args.js";

export type Reduction = "mean" | "sum" | "none";

export interface ReductionOptions {
  reduction?: Reduction;
}

export interface NllLossOptions extends ReductionOptions {
  /** Per-class rescaling weight, [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute neither loss nor gradient (default -100). */
  ignoreIndex?: number;
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - eps) * target + eps / C (Szegedy et al. 2016). */
  labelSmoothing?: number;
}

function checkReduction(reduction: string, op: string): Reduction {
  if (reduction !== "mean" && reduction !== "sum" && reduction !== "none") {
    throw new RangeError(`${op}: reduction must be "mean", "sum" or "none", got "${reduction}"`);
  }
  return reduction;
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === "none" ? loss : reduction === "sum" ? loss.sum() : loss.mean();
}

/** Element-wise losses broadcast input against target as PyTorch does; the error names the loss. */
function checkBroadcast(input: Tensor, target: Tensor, op: string): void {
  requireFloat(input, op, "input");
  requireFloat(target, op, "target");
  broadcastShapes(input.shape, target.shape, op);
}

/** The class dim is 1 for [N, C, d1, ...] input and 0 for an unbatched [C] input. */
function classDimOf(input: Tensor, op: string): number {
  if (input.ndim === 0) throw new RangeError(`${op}: input must have a class dimension, got a scalar`);
  return input.ndim === 1 ? 0 : 1;
}

/** Shape [1, C, 1, ...] that lines a [C] weight up with the class dim of `input`. */
function classView(weight: Tensor, input: Tensor, classDim: number): Tensor {
  return weight.reshape(input.shape.map((s, i) => (i === classDim ? s : 1)));
}

function checkClassWeight(weight: Tensor | null | undefined, classes: number, op: string): Tensor | null {
  if (!weight) return null;
  requireFloat(weight, op, "weight");
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new RangeError(`${op}: weight has shape ${formatShape(weight.shape)}, expected [${classes}] (one per class)`);
  }
  // Class weights are constants in PyTorch's nll_loss: no gradient flows to them.
  return weight.detach();
}

/**
 * Per-element negative log-likelihood terms of `logProbs` at int32 `target` (shape = input shape
 * without the class dim): `losses` = -w[t] * logp[t] and `weights` = w[t], both zero where the
 * target is ignoreIndex. A weighted mean is sum(losses) / sum(weights).
 */
function nllTerms(logProbs: Tensor, target: Tensor, weight: Tensor | null, ignoreIndex: number, classDim: number, op: string) {
  const expected = logProbs.shape.filter((_, i) => i !== classDim);
  if (target.dtype !== "int32") throw new TypeError(`${op}: target must hold int32 class indices, got ${target.dtype}`);
  if (!sameShape(target.shape, expected)) {
    throw new RangeError(`${op}: expected target of shape ${formatShape(expected)} for input of shape ${formatShape(logProbs.shape)}, got ${formatShape(target.shape)}`);
  }
  const classes = logProbs.shape[classDim];
  const valid = target.ne(ignoreIndex);
  const safeTarget = where(valid, target, 0);
  if (safeTarget.numel > 0) {
    const low = safeTarget.amin().item();
    const high = safeTarget.amax().item();
    if (low < 0 || high >= classes) throw new RangeError(`${op}: target ${low < 0 ? low : high} is out of bounds for ${classes} classes`);
  }
  const picked = logProbs.gather(classDim, safeTarget.unsqueeze(classDim)).squeeze(classDim);
  const weights = weight
    ? weight.indexSelect(0, safeTarget.reshape([-1])).reshape(target.shape).mul(valid)
    : valid.to(logProbs.dtype);
  // where(), not a multiply by the mask: an ignored position must give 0 even if its logp is -inf.
  return { losses: where(valid, picked.mul(weights).neg(), 0), weights, valid };
}

/** torch.nn.functional.nll_loss on log-probabilities [N, C, d1, ...] or [C]. */
export function nllLoss(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  requireFloat(input, "nllLoss", "input");
  const reduction = checkReduction(opts.reduction ?? "mean", "nllLoss");
  const classDim = classDimOf(input, "nllLoss");
  const weight = checkClassWeight(opts.weight, input.shape[classDim], "nllLoss");
  const { losses, weights } = nllTerms(input, target, weight, opts.ignoreIndex ?? -100, classDim, "nllLoss");
  if (reduction === "none") return losses;
  return reduction === "sum" ? losses.sum() : losses.sum().div(weights.sum());
}

/**
 * torch.nn.functional.cross_entropy for logits [N, C, d1, ...] or [C]. Int32 targets are class
 * indices; floating targets are class probabilities of the input's shape. With label smoothing
 * eps and C classes the loss is (1 - eps) * nll + (eps / C) * sum_c(-w_c * logp_c), and the
 * weighted mean of both parts divides by the summed weights of the non-ignored targets
 * (aten/src/ATen/native/LossNLL.cpp, cross_entropy_loss_label_smoothing).
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = "crossEntropy";
  requireFloat(input, op, "input");
  const reduction = checkReduction(opts.reduction ?? "mean", op);
  const smoothing = opts.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new RangeError(`${op}: labelSmoothing must be between 0 and 1, got ${smoothing}`);
  const classDim = classDimOf(input, op);
  const classes = input.shape[classDim];
  const weight = checkClassWeight(opts.weight, classes, op);
  const logProbs = input.logSoftmax(classDim);
  if (target.dtype === "float32" || target.dtype === "float64") {
    if (!sameShape(target.shape, input.shape)) {
      throw new RangeError(`${op}: probability targets must have the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
    }
    const probs = smoothing > 0 ? target.mul(1 - smoothing).add(smoothing / classes) : target;
    const terms = logProbs.mul(weight ? probs.mul(classView(weight, input, classDim)) : probs);
    if (reduction === "none") return terms.sum(classDim).neg();
    const total = terms.sum().neg();
    return reduction === "sum" ? total : total.div(input.numel / classes);
  }
  const { losses, weights, valid } = nllTerms(logProbs, target, weight, opts.ignoreIndex ?? -100, classDim, op);
  const nll = reduction === "none" ? losses : reduction === "sum" ? losses.sum() : losses.sum().div(weights.sum());
  if (smoothing === 0) return nll;
  const weighted = weight ? logProbs.mul(classView(weight, input, classDim)) : logProbs;
  const smooth = where(valid, weighted.sum(classDim).neg(), 0);
  const smoothReduced = reduction === "none" ? smooth : reduction === "sum" ? smooth.sum() : smooth.sum().div(weights.sum());
  return nll.mul(1 - smoothing).add(smoothReduced.mul(smoothing / classes));
}

/** torch.nn.functional.mse_loss: (input - target)^2. */
export function mseLoss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  checkBroadcast(input, target, "mseLoss");
  return reduce(input.sub(target).square(), checkReduction(opts.reduction ?? "mean", "mseLoss"));
}

/** torch.nn.functional.l1_loss: |input - target|. */
export function l1Loss(input: Tensor, target: Tensor, opts: ReductionOptions = {}): Tensor {
  checkBroadcast(input, target, "l1Loss");
  return reduce(input.sub(target).abs(), checkReduction(opts.reduction ?? "mean", "l1Loss"));
}

/** torch.nn.functional.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta, else |d| - beta / 2. */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: ReductionOptions & { beta?: number } = {}): Tensor {
  checkBroadcast(input, target, "smoothL1Loss");
  const reduction = checkReduction(opts.reduction ?? "mean", "smoothL1Loss");
  const beta = opts.beta ?? 1;
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  const diff = input.sub(target);
  const abs = diff.abs();
  if (beta === 0) return reduce(abs, reduction);
  return reduce(where(abs.lt(beta), diff.square().mul(0.5 / beta), abs.sub(0.5 * beta)), reduction);
}

/** torch.nn.functional.huber_loss: 0.5 d^2 where |d| < delta, else delta * (|d| - delta / 2). */
export function huberLoss(input: Tensor, target: Tensor, opts: ReductionOptions & { delta?: number } = {}): Tensor {
  checkBroadcast(input, target, "huberLoss");
  const reduction = checkReduction(opts.reduction ?? "mean", "huberLoss");
  const delta = opts.delta ?? 1;
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  const diff = input.sub(target);
  const abs = diff.abs();
  return reduce(where(abs.lt(delta), diff.square().mul(0.5), abs.sub(0.5 * delta).mul(delta)), reduction);
}

function checkSameShape(input: Tensor, target: Tensor, op: string): void {
  requireFloat(input, op, "input");
  requireFloat(target, op, "target");
  if (!sameShape(input.shape, target.shape)) {
    throw new RangeError(`${op}: target shape ${formatShape(target.shape)} differs from input shape ${formatShape(input.shape)}`);
  }
}

/**
 * torch.nn.functional.binary_cross_entropy on probabilities: -w (t log x + (1 - t) log(1 - x)),
 * each log clamped at -100 so x = 0 or 1 gives a finite loss. The input gradient is PyTorch's
 * w (x - t) / max(x (1 - x), 1e-12), not the derivative of the clamped logs.
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: ReductionOptions & { weight?: Tensor | null } = {}): Tensor {
  const op = "binaryCrossEntropy";
  checkSameShape(input, target, op);
  const reduction = checkReduction(opts.reduction ?? "mean", op);
  const weight = opts.weight ? opts.weight.detach() : null;
  if (weight && !sameShape(broadcastShapes(weight.shape, input.shape, op), input.shape)) {
    throw new RangeError(`${op}: weight of shape ${formatShape(weight.shape)} does not broadcast to the input shape ${formatShape(input.shape)}`);
  }
  const x = input.detach();
  const t = target.detach();
  if (x.numel > 0 && (x.amin().item() < 0 || x.amax().item() > 1)) {
    throw new RangeError(`${op}: all elements of input should be between 0 and 1`);
  }
  const loss = noGrad(() => {
    const logX = x.log().clamp(-100);
    const log1mX = x.rsub(1).log().clamp(-100);
    const unweighted = t.mul(logX).add(t.rsub(1).mul(log1mX)).neg();
    return weight ? unweighted.mul(weight) : unweighted;
  });
  const elementwise = record(loss, op, [input, target], (g) => {
    const gw = weight ? g.mul(weight) : g;
    return [
      input.requiresGrad ? gw.mul(x.sub(t)).div(x.mul(x.rsub(1)).clamp(1e-12)) : null,
      // -logit(x), unclamped as in PyTorch: infinite where x is exactly 0 or 1.
      target.requiresGrad ? gw.mul(x.rsub(1).log().sub(x.log())) : null,
    ];
  });
  return reduce(elementwise, reduction);
}

/**
 * torch.nn.functional.binary_cross_entropy_with_logits: (1 - t) x - (1 + (p - 1) t) log sigmoid(x),
 * with positive-class weight p broadcast along the last dim; stable for any logit.
 */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, opts: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null } = {},
): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  checkSameShape(input, target, op);
  const reduction = checkReduction(opts.reduction ?? "mean", op);
  const logSig = logSigmoid(input);
  const positive = opts.posWeight ? opts.posWeight.sub(1).mul(target).add(1).mul(logSig) : logSig;
  const loss = target.rsub(1).mul(input).sub(positive);
  return reduce(opts.weight ? loss.mul(opts.weight) : loss, reduction);
}

/**
 * torch.nn.functional.kl_div with `input` as log-probabilities: target * (log target - input),
 * 0 where target is 0; "batchmean" divides the sum by the batch size (the true KL divergence).
 */
export function klDiv(input: Tensor, target: Tensor, opts: { reduction?: Reduction | "batchmean"; logTarget?: boolean } = {}): Tensor {
  checkBroadcast(input, target, "klDiv");
  const reduction = opts.reduction ?? "mean";
  const loss = opts.logTarget
    ? target.exp().mul(target.sub(input))
    : target.mul(where(target.eq(0), 1, target).log()).sub(target.mul(input));
  if (reduction === "batchmean") return loss.sum().div(input.ndim === 0 ? 1 : input.shape[0]);
  return reduce(loss, checkReduction(reduction, "klDiv"));
}
