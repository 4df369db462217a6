import { LRScheduler } from "./lr-scheduler.js";
import type { AnyOptimizer } from "./lr-scheduler.js";
import { checkNonNegative, checkOptionNames, checkPositive } from "../validate.js";

export interface CosineAnnealingLROptions {
  /** Steps of the half cosine from the base rate down to etaMin. */
  tMax: number;
  /** Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

type CosineAnnealingLRConfig = { tMax: number; etaMin: number };

/**
 * Cosine annealing (Loshchilov & Hutter, SGDR, 2017, without restarts):
 *   lr_t = etaMin + (base - etaMin) (1 + cos(pi t / tMax)) / 2.
 * `step()` uses torch's recursive form, lr_t = etaMin + (lr_{t-1} - etaMin)
 * (1 + cos(pi t / tMax)) / (1 + cos(pi (t-1) / tMax)), which equals the closed form when nothing
 * else changes the rate and composes with other schedulers when something does. Past tMax the rate
 * rises again along the same cosine, as torch's does.
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLRConfig> {
  constructor(optimizer: AnyOptimizer, options: CosineAnnealingLROptions) {
    checkOptionNames("CosineAnnealingLR", options ?? {}, ["tMax", "etaMin", "lastEpoch"]);
    checkPositive("CosineAnnealingLR", "tMax", options?.tMax);
    checkNonNegative("CosineAnnealingLR", "etaMin", options.etaMin ?? 0);
    super(optimizer, { tMax: options.tMax, etaMin: options.etaMin ?? 0 }, options.lastEpoch);
  }

  protected getLr(): number[] {
    const { tMax, etaMin } = this.config;
    const t = this.lastEpoch;
    const lrs = this.currentLrs();
    if (this.isInitial) return lrs;
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / tMax))) / 2);
    }
    // At t = tMax + 1 (mod 2 tMax) the ratio below would divide by 1 + cos(pi) = 0; torch adds the
    // step of the rising half-period instead.
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return lrs.map((lr, i) => lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * t) / tMax)) / (1 + Math.cos((Math.PI * (t - 1)) / tMax));
    return lrs.map((lr) => ratio * (lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { tMax, etaMin } = this.config;
    return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / tMax))) / 2);
  }
}
