import { LRScheduler } from "./lr-scheduler.js";
import type { AnyOptimizer } from "./lr-scheduler.js";
import { checkInRange, checkOptionNames, checkPositiveInteger, describe } from "../validate.js";

export interface LinearLROptions {
  /** Factor applied at step 0, in (0, 1]; default 1/3. */
  startFactor?: number;
  /** Factor reached at step totalIters and kept after, in [0, 1]; default 1. */
  endFactor?: number;
  /** Default 5. */
  totalIters?: number;
  lastEpoch?: number;
}

type LinearLRConfig = { startFactor: number; endFactor: number; totalIters: number };

/**
 * Linear change of the rate's factor (torch.optim.lr_scheduler.LinearLR), the usual warm-up:
 *   lr_t = base (startFactor + (endFactor - startFactor) min(t, totalIters) / totalIters).
 * `step()` applies it as the ratio of consecutive factors, as torch does.
 */
export class LinearLR extends LRScheduler<LinearLRConfig> {
  constructor(optimizer: AnyOptimizer, options: LinearLROptions = {}) {
    checkOptionNames("LinearLR", options, ["startFactor", "endFactor", "totalIters", "lastEpoch"]);
    const startFactor = options.startFactor ?? 1 / 3;
    const endFactor = options.endFactor ?? 1;
    const totalIters = options.totalIters ?? 5;
    // A zero start factor would make every later ratio divide by zero.
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: startFactor must be in (0, 1], got ${describe(startFactor)}`);
    checkInRange("LinearLR", "endFactor", endFactor, 0, 1, true);
    checkPositiveInteger("LinearLR", "totalIters", totalIters);
    super(optimizer, { startFactor, endFactor, totalIters }, options.lastEpoch);
  }

  protected getLr(): number[] {
    const { startFactor, endFactor, totalIters } = this.config;
    const t = this.lastEpoch;
    const lrs = this.currentLrs();
    if (t === 0) return lrs.map((lr) => lr * startFactor);
    if (this.isInitial || t > totalIters) return lrs;
    const ratio = 1 + (endFactor - startFactor) / (totalIters * startFactor + (t - 1) * (endFactor - startFactor));
    return lrs.map((lr) => lr * ratio);
  }

  protected override closedFormLr(): number[] {
    const { startFactor, endFactor, totalIters } = this.config;
    return this.baseLrs.map((base) => base * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, this.lastEpoch)) / totalIters));
  }
}
