import type { Tensor } from "../../tensor/tensor.js";
import { isFloating } from "../../tensor/dtype.js";
import { formatShape, numel, sameShape } from "../../tensor/shape.js";
import { getBackend } from "../../backend/index.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { needsGrad, record } from "../../autograd/node.js";
import { uninitialized } from "../../ops/util.js";
import { requireSameDtype } from "./args.js";

/** Sums [N, C, ...] over every dim but C, reducing adjacent dims only (the kernels' fast layout). */
function channelSum(t: Tensor): Tensor {
  const [n, c] = t.shape;
  return t.ndim === 2 ? t.sum(0) : t.reshape([n, c, -1]).sum(2).sum(0);
}

function checkPerChannel(t: Tensor | null, name: string, channels: number, input: Tensor): void {
  if (t && (t.ndim !== 1 || t.shape[0] !== channels)) {
    throw new RangeError(`batchNorm: ${name} has shape ${formatShape(t.shape)}, expected [${channels}] (one per channel of input ${formatShape(input.shape)})`);
  }
}

/**
 * torch.nn.functional.batch_norm over [N, C], [N, C, L] or [N, C, H, W] input. Training mode
 * normalises with the biased batch variance and, when running stats are given, updates them in
 * place: running = (1 - momentum) * running + momentum * batchStat, with the *unbiased* variance
 * (as PyTorch). Eval mode normalises with the running stats. Modules that want PyTorch's
 * cumulative average (momentum = None) pass 1 / numBatchesTracked as `momentum`.
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null = null, bias: Tensor | null = null,
  training = false, momentum = 0.1, eps = 1e-5,
): Tensor {
  requireSameDtype("batchNorm", ["input", input], ["weight", weight], ["bias", bias]);
  if (input.ndim < 2) throw new RangeError(`batchNorm: expected input of shape [N, C, ...], got ${formatShape(input.shape)}`);
  const channels = input.shape[1];
  checkPerChannel(runningMean, "runningMean", channels, input);
  checkPerChannel(runningVar, "runningVar", channels, input);
  checkPerChannel(weight, "weight", channels, input);
  checkPerChannel(bias, "bias", channels, input);
  if ((runningMean === null) !== (runningVar === null)) throw new TypeError("batchNorm: runningMean and runningVar must both be given or both be null");
  const view = [1, channels, ...input.shape.slice(2).map(() => 1)];
  if (!training) {
    if (!runningMean || !runningVar) throw new TypeError("batchNorm: runningMean and runningVar are required when training is false");
    const sameType = runningMean.dtype === input.dtype && runningVar.dtype === input.dtype;
    if (sameType && isFloating(input.dtype) && !needsGrad(input, ...[weight, bias].filter((t): t is Tensor => t !== null))) {
      // Inference: one fused pass instead of a multiply and an add over the whole input.
      const out = uninitialized(input.shape, input.dtype);
      const inner = numel(input.shape.slice(2));
      getBackend().batchNormInference(
        input.denseData(), runningMean.denseData(), runningVar.denseData(), weight?.denseData() ?? null, bias?.denseData() ?? null,
        eps, input.shape[0], channels, inner, out.data,
      );
      return out;
    }
    // y = x * scale + shift with per-channel scale = w / sqrt(var + eps): two passes over x.
    const invStd = runningVar.detach().add(eps).rsqrt();
    const scale = weight ? weight.mul(invStd) : invStd;
    const shift = bias ? bias.sub(runningMean.detach().mul(scale)) : runningMean.detach().mul(scale).neg();
    return input.mul(scale.reshape(view)).add(shift.reshape(view));
  }
  const count = input.numel / Math.max(channels, 1);
  if (count <= 1) {
    throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input of shape ${formatShape(input.shape)}`);
  }
  const x = input.detach();
  const { y, centered, invStd, scale } = noGrad(() => {
    const mean = channelSum(x).div(count);
    const centered = x.sub(mean.reshape(view));
    const variance = channelSum(centered.square()).div(count);
    const invStd = variance.add(eps).rsqrt();
    const scale = weight ? invStd.mul(weight.detach()) : invStd;
    let y = centered.mul(scale.reshape(view));
    if (bias) y = y.add(bias.detach().reshape(view));
    if (runningMean && runningVar) {
      runningMean.copy_(runningMean.mul(1 - momentum).add(mean.mul(momentum)));
      runningVar.copy_(runningVar.mul(1 - momentum).add(variance.mul((momentum * count) / (count - 1))));
    }
    return { y, centered, invStd, scale };
  });
  const inputs = [input, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return record(y, "batchNorm", inputs, (gy) => {
    // With xhat = (x - mean) * invStd and M values per channel (Ioffe & Szegedy 2015, eq. in sec. 3):
    // dx = scale * (gy - mean(gy) - xhat * mean(gy * xhat)), dweight = sum(gy * xhat), dbias = sum(gy).
    const gBias = channelSum(gy);
    const gWeight = channelSum(gy.mul(centered)).mul(invStd);
    let gx: Tensor | null = null;
    if (input.requiresGrad) {
      const meanTerm = scale.mul(gBias).div(-count);
      const xhatTerm = scale.mul(gWeight).mul(invStd).div(-count);
      gx = gy.mul(scale.reshape(view)).add(centered.mul(xhatTerm.reshape(view))).add(meanTerm.reshape(view));
    }
    return [gx, ...(weight ? [gWeight] : []), ...(bias ? [gBias] : [])];
  });
}

/**
 * Normalises each row of [R, K] to zero mean and unit (biased) variance, with one fused backward:
 * dx = invStd * (g - mean(g) - xhat * mean(g * xhat)) per row.
 */
function normalizeRows(rows: Tensor, eps: number): Tensor {
  const [r, k] = rows.shape;
  const x = isFloating(rows.dtype) ? rows.detach() : rows.to("float32");
  const xhat = uninitialized([r, k], x.dtype);
  const invStd = uninitialized([r, 1], x.dtype);
  getBackend().layerNorm(x.denseData(), null, null, r, k, eps, xhat.data, null, invStd.data);
  return record(xhat, "normalize", [rows], (g) => {
    const meanG = g.sum(1, true).div(k);
    const meanGX = g.mul(xhat).sum(1, true).div(k);
    return [g.sub(meanG).sub(xhat.mul(meanGX)).mul(invStd)];
  });
}

function applyAffine(xhat: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor {
  const scaled = weight ? xhat.mul(weight) : xhat;
  return bias ? scaled.add(bias) : scaled;
}

/** torch.nn.functional.layer_norm: normalises over the trailing `normalizedShape` dims. */
export function layerNorm(
  input: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5,
): Tensor {
  requireSameDtype("layerNorm", ["input", input], ["weight", weight], ["bias", bias]);
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const trailing = input.shape.slice(input.ndim - shape.length);
  if (shape.length === 0 || shape.length > input.ndim || !sameShape(trailing, shape)) {
    throw new RangeError(`layerNorm: normalizedShape ${formatShape(shape)} does not match the trailing dims of input ${formatShape(input.shape)}`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && !sameShape(t.shape, shape)) throw new RangeError(`layerNorm: ${name} has shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  }
  const k = numel(shape);
  if (isFloating(input.dtype) && !needsGrad(input, ...[weight, bias].filter((t): t is Tensor => t !== null))) {
    // Inference: normalisation and the affine map in one pass per row.
    const out = uninitialized(input.shape, input.dtype);
    getBackend().layerNorm(input.denseData(), weight?.denseData() ?? null, bias?.denseData() ?? null, input.numel / k, k, eps, out.data, null, null);
    return out;
  }
  const xhat = normalizeRows(input.reshape([-1, k]), eps).reshape(input.shape);
  return applyAffine(xhat, weight, bias);
}

/** torch.nn.functional.group_norm: [N, C, ...] normalised within each of `numGroups` channel groups. */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  requireSameDtype("groupNorm", ["input", input], ["weight", weight], ["bias", bias]);
  if (input.ndim < 2) throw new RangeError(`groupNorm: expected input of shape [N, C, ...], got ${formatShape(input.shape)}`);
  const [n, channels] = input.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw new RangeError(`groupNorm: input has ${channels} channels, not divisible by numGroups=${numGroups}`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== channels)) throw new RangeError(`groupNorm: ${name} has shape ${formatShape(t.shape)}, expected [${channels}]`);
  }
  const view = [1, channels, ...input.shape.slice(2).map(() => 1)];
  const xhat = normalizeRows(input.reshape([n * numGroups, -1]), eps).reshape(input.shape);
  return applyAffine(xhat, weight?.reshape(view) ?? null, bias?.reshape(view) ?? null);
}
