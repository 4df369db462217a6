import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { noGrad } from "../../autograd/grad-mode.js";
import * as F from "../functional/index.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { ones_, zeros_ } from "./init.js";
import { checkPositiveInt } from "./linear.js";

/** A float as Python's repr writes it (1e-05, 0.1), so toString() reads like print(model) in PyTorch. */
function pyFloat(x: number): string {
  const a = Math.abs(x);
  if (a === 0 || (a >= 1e-4 && a < 1e16)) return Number.isInteger(x) ? x.toFixed(1) : String(x);
  return x.toExponential().replace(/e([+-])(\d)$/, (_, sign: string, digit: string) => `e${sign}0${digit}`);
}

export interface BatchNormOptions {
  eps?: number;
  /** Weight of the newest batch in the running statistics; null gives the cumulative average (as PyTorch's None). */
  momentum?: number | null;
  /** Learnable per-channel weight and bias. */
  affine?: boolean;
  /** Keep running statistics for eval mode; without them eval mode normalises with batch statistics. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation (Ioffe & Szegedy 2015) as torch's _BatchNorm: training mode normalises with
 * the batch's statistics and folds them into running_mean / running_var; eval mode uses the running
 * ones. `num_batches_tracked` is int32 here (PyTorch keeps int64; loading converts).
 */
abstract class BatchNorm extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Parameter | null;
  bias: Parameter | null;
  running_mean!: Tensor | null;
  running_var!: Tensor | null;
  num_batches_tracked!: Tensor | null;

  /** Input ranks the subclass accepts, and how to describe them in an error. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(numFeatures: number, opts: BatchNormOptions = {}) {
    super();
    checkPositiveInt(numFeatures, new.target.name, "numFeatures");
    this.numFeatures = numFeatures;
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? new Parameter(Tensor.empty([numFeatures])) : null;
    this.bias = this.affine ? new Parameter(Tensor.empty([numFeatures])) : null;
    const track = this.trackRunningStats;
    this.registerBuffer("running_mean", track ? Tensor.zeros([numFeatures]) : null);
    this.registerBuffer("running_var", track ? Tensor.zeros([numFeatures]) : null);
    this.registerBuffer("num_batches_tracked", track ? Tensor.zeros([], "int32") : null);
    this.resetParameters();
  }

  /** running_mean 0, running_var 1, num_batches_tracked 0. */
  resetRunningStats(): void {
    if (this.running_mean) zeros_(this.running_mean);
    if (this.running_var) ones_(this.running_var);
    if (this.num_batches_tracked) zeros_(this.num_batches_tracked);
  }

  /** Running stats reset, weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim)) {
      throw new RangeError(`${this.constructor.name}: expected ${this.layout} input, got shape ${formatShape(input.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked) {
      const tracked = this.num_batches_tracked;
      noGrad(() => tracked.add_(1));
      factor = this.momentum ?? 1 / tracked.item();
    }
    // Without running statistics there is nothing else to normalise with, even in eval mode.
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const updateStats = !this.training || this.trackRunningStats;
    return F.batchNorm(
      input, updateStats ? this.running_mean : null, updateStats ? this.running_var : null,
      this.weight, this.bias, useBatchStats, factor, this.eps,
    );
  }

  override extraRepr(): string {
    const py = (b: boolean) => (b ? "True" : "False");
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? "None" : pyFloat(this.momentum)}, affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** BatchNorm over [N, C] or [N, C, L] input (torch.nn.BatchNorm1d). */
export class BatchNorm1d extends BatchNorm {
  protected readonly ranks = [2, 3];
  protected readonly layout = "2-D [N, C] or 3-D [N, C, L]";
}

/** BatchNorm over [N, C, H, W] input (torch.nn.BatchNorm2d). */
export class BatchNorm2d extends BatchNorm {
  protected readonly ranks = [4];
  protected readonly layout = "4-D [N, C, H, W]";
}

export interface LayerNormOptions {
  eps?: number;
  /** Learnable weight (and bias) of the normalised shape. */
  elementwiseAffine?: boolean;
  bias?: boolean;
}

/** Normalises over the trailing `normalizedShape` dims (torch.nn.LayerNorm; Ba et al. 2016). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    for (const d of this.normalizedShape) checkPositiveInt(d, "LayerNorm", "normalizedShape");
    this.eps = opts.eps ?? 1e-5;
    this.elementwiseAffine = opts.elementwiseAffine ?? true;
    this.weight = this.elementwiseAffine ? ones_(new Parameter(Tensor.empty(this.normalizedShape))) : null;
    this.bias = this.elementwiseAffine && (opts.bias ?? true) ? new Parameter(Tensor.zeros(this.normalizedShape)) : null;
  }

  forward(input: Tensor): Tensor {
    return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `(${this.normalizedShape.join(", ")}${this.normalizedShape.length === 1 ? "," : ""}), eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? "True" : "False"}`;
  }
}

export interface GroupNormOptions {
  eps?: number;
  affine?: boolean;
}

/** Normalises each of `numGroups` channel groups per sample (torch.nn.GroupNorm; Wu & He 2018). */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(numGroups: number, numChannels: number, opts: GroupNormOptions = {}) {
    super();
    checkPositiveInt(numGroups, "GroupNorm", "numGroups");
    checkPositiveInt(numChannels, "GroupNorm", "numChannels");
    if (numChannels % numGroups !== 0) throw new RangeError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? ones_(new Parameter(Tensor.empty([numChannels]))) : null;
    this.bias = this.affine ? new Parameter(Tensor.zeros([numChannels])) : null;
  }

  forward(input: Tensor): Tensor {
    return F.groupNorm(input, this.numGroups, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${this.affine ? "True" : "False"}`;
  }
}
