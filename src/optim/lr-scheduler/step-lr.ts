import { bisectRight, LRScheduler } from "./lr-scheduler.js";
import type { AnyOptimizer } from "./lr-scheduler.js";
import { checkNonNegative, checkOptionNames, checkPositiveInteger, describe } from "../validate.js";

export interface StepLROptions {
  /** Decay every `stepSize` steps. */
  stepSize: number;
  /** Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

type StepLRConfig = { stepSize: number; gamma: number };

/** lr = base * gamma^floor(t / stepSize), applied as a factor gamma every stepSize steps (torch.optim.lr_scheduler.StepLR). */
export class StepLR extends LRScheduler<StepLRConfig> {
  constructor(optimizer: AnyOptimizer, options: StepLROptions) {
    checkOptionNames("StepLR", options ?? {}, ["stepSize", "gamma", "lastEpoch"]);
    checkPositiveInteger("StepLR", "stepSize", options?.stepSize);
    checkNonNegative("StepLR", "gamma", options.gamma ?? 0.1);
    super(optimizer, { stepSize: options.stepSize, gamma: options.gamma ?? 0.1 }, options.lastEpoch);
  }

  protected getLr(): number[] {
    const { stepSize, gamma } = this.config;
    const lrs = this.currentLrs();
    if (this.lastEpoch === 0 || this.lastEpoch % stepSize !== 0) return lrs;
    return lrs.map((lr) => lr * gamma);
  }

  protected override closedFormLr(): number[] {
    const { stepSize, gamma } = this.config;
    return this.baseLrs.map((base) => base * gamma ** Math.floor(this.lastEpoch / stepSize));
  }
}

export interface MultiStepLROptions {
  /** Steps at which to decay; a step listed k times decays by gamma^k, as torch's Counter does. */
  milestones: readonly number[];
  gamma?: number;
  lastEpoch?: number;
}

type MultiStepLRConfig = { milestones: number[]; gamma: number };

/** lr = base * gamma^(number of milestones <= t) (torch.optim.lr_scheduler.MultiStepLR). */
export class MultiStepLR extends LRScheduler<MultiStepLRConfig> {
  constructor(optimizer: AnyOptimizer, options: MultiStepLROptions) {
    checkOptionNames("MultiStepLR", options ?? {}, ["milestones", "gamma", "lastEpoch"]);
    const milestones = options?.milestones;
    if (!Array.isArray(milestones) || !milestones.every((m) => Number.isInteger(m) && m >= 0)) {
      throw new TypeError(`MultiStepLR: milestones must be an array of non-negative integers, got ${describe(milestones)}`);
    }
    checkNonNegative("MultiStepLR", "gamma", options.gamma ?? 0.1);
    super(optimizer, { milestones: [...milestones].sort((a, b) => a - b), gamma: options.gamma ?? 0.1 }, options.lastEpoch);
  }

  protected getLr(): number[] {
    const { milestones, gamma } = this.config;
    const hits = milestones.filter((m) => m === this.lastEpoch).length;
    const lrs = this.currentLrs();
    return hits === 0 ? lrs : lrs.map((lr) => lr * gamma ** hits);
  }

  protected override closedFormLr(): number[] {
    const { milestones, gamma } = this.config;
    return this.baseLrs.map((base) => base * gamma ** bisectRight(milestones, this.lastEpoch));
  }
}

export interface ExponentialLROptions {
  gamma: number;
  lastEpoch?: number;
}

type ExponentialLRConfig = { gamma: number };

/** lr = base * gamma^t (torch.optim.lr_scheduler.ExponentialLR). */
export class ExponentialLR extends LRScheduler<ExponentialLRConfig> {
  constructor(optimizer: AnyOptimizer, options: ExponentialLROptions) {
    checkOptionNames("ExponentialLR", options ?? {}, ["gamma", "lastEpoch"]);
    checkNonNegative("ExponentialLR", "gamma", options?.gamma);
    super(optimizer, { gamma: options.gamma }, options.lastEpoch);
  }

  protected getLr(): number[] {
    // The constructor's step must not decay (torch skips it so a resumed schedule does not jump ahead).
    const lrs = this.currentLrs();
    return this.isInitial ? lrs : lrs.map((lr) => lr * this.config.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.config.gamma ** this.lastEpoch);
  }
}
