import { Optimizer } from "../optimizer.js";
import { groupNumber, LRScheduler, perGroup } from "./lr-scheduler.js";
import type { AnyOptimizer } from "./lr-scheduler.js";
import { checkBoolean, checkInRange, checkNonNegative, checkOptionNames, checkPositive, checkPositiveInteger, describe } from "../validate.js";

export interface OneCycleLROptions {
  /** Peak rate, one number or one per parameter group. */
  maxLr: number | readonly number[];
  /** Length of the cycle in steps; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising to maxLr; default 0.3. */
  pctStart?: number;
  annealStrategy?: "cos" | "linear";
  /** Cycle SGD's momentum or Adam's beta1 inversely to the rate; default true. */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr / divFactor; default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor; default 1e4. */
  finalDivFactor?: number;
  /** Rise, fall back to initialLr symmetrically, then anneal to minLr (the paper's schedule). */
  threePhase?: boolean;
  lastEpoch?: number;
}

type OneCycleLRConfig = {
  totalSteps: number;
  pctStart: number;
  annealStrategy: "cos" | "linear";
  threePhase: boolean;
  cycleMomentum: boolean;
  /** Whether the cycled momentum is betas[0] (Adam) rather than momentum (SGD, RMSprop). */
  useBeta1: boolean;
};

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

const OPTIONS = [
  "maxLr", "totalSteps", "epochs", "stepsPerEpoch", "pctStart", "annealStrategy", "cycleMomentum",
  "baseMomentum", "maxMomentum", "divFactor", "finalDivFactor", "threePhase", "lastEpoch",
];

/**
 * The 1cycle policy (Smith & Topin, "Super-Convergence", 2018) as torch.optim.lr_scheduler.OneCycleLR:
 * the rate rises from maxLr / divFactor to maxLr over pctStart of the cycle, then anneals to
 * initialLr / finalDivFactor, while momentum moves the opposite way between maxMomentum and
 * baseMomentum. Each phase interpolates by the cosine end + (start - end) (1 + cos(pi pct)) / 2 or
 * linearly. The per-group bounds live in the parameter groups (initialLr, maxLr, minLr,
 * maxMomentum, baseMomentum) so the optimizer's state dict carries them.
 */
export class OneCycleLR extends LRScheduler<OneCycleLRConfig> {
  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const label = "OneCycleLR";
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: expected an optimizer, got ${describe(optimizer)}`);
    checkOptionNames(label, options ?? {}, OPTIONS);
    const totalSteps = resolveTotalSteps(options);
    const pctStart = options.pctStart ?? 0.3;
    checkInRange(label, "pctStart", pctStart, 0, 1, true);
    const annealStrategy = options.annealStrategy ?? "cos";
    if (annealStrategy !== "cos" && annealStrategy !== "linear") {
      throw new RangeError(`${label}: annealStrategy must be "cos" or "linear", got ${describe(annealStrategy)}`);
    }
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    checkPositive(label, "divFactor", divFactor);
    checkPositive(label, "finalDivFactor", finalDivFactor);
    const threePhase = options.threePhase ?? false;
    const cycleMomentum = options.cycleMomentum ?? true;
    checkBoolean(label, "threePhase", threePhase);
    checkBoolean(label, "cycleMomentum", cycleMomentum);
    const lastEpoch = options.lastEpoch ?? -1;
    const groups = optimizer.paramGroups;
    const maxLrs = perGroup(options.maxLr, groups.length, "maxLr", label);
    maxLrs.forEach((lr) => checkNonNegative(label, "maxLr", lr));
    if (lastEpoch === -1) {
      groups.forEach((group, i) => {
        const initialLr = maxLrs[i] / divFactor;
        group.initialLr = initialLr;
        group.maxLr = maxLrs[i];
        group.minLr = initialLr / finalDivFactor;
      });
    }
    const useBeta1 = "betas" in optimizer.defaults;
    if (cycleMomentum) {
      if (!useBeta1 && !("momentum" in optimizer.defaults)) {
        throw new TypeError(`${label}: cycleMomentum needs an optimizer with momentum or betas (SGD, RMSprop, Adam); pass cycleMomentum: false`);
      }
      const maxMomentums = perGroup(options.maxMomentum ?? 0.95, groups.length, "maxMomentum", label);
      const baseMomentums = perGroup(options.baseMomentum ?? 0.85, groups.length, "baseMomentum", label);
      if (lastEpoch === -1) {
        groups.forEach((group, i) => {
          setMomentum(group, useBeta1, maxMomentums[i]);
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }
    super(optimizer, { totalSteps, pctStart, annealStrategy, threePhase, cycleMomentum, useBeta1 }, lastEpoch);
  }

  /** Phase boundaries as torch computes them: phase k ends at step pct * total - 1 (and 2 pct * total - 2). */
  private phases(): Phase[] {
    const { totalSteps, pctStart, threePhase } = this.config;
    const rise = { endStep: pctStart * totalSteps - 1, startLr: "initialLr", endLr: "maxLr", startMomentum: "maxMomentum", endMomentum: "baseMomentum" };
    if (!threePhase) {
      return [rise, { endStep: totalSteps - 1, startLr: "maxLr", endLr: "minLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" }];
    }
    return [
      rise,
      { endStep: 2 * pctStart * totalSteps - 2, startLr: "maxLr", endLr: "initialLr", startMomentum: "baseMomentum", endMomentum: "maxMomentum" },
      { endStep: totalSteps - 1, startLr: "initialLr", endLr: "minLr", startMomentum: "maxMomentum", endMomentum: "maxMomentum" },
    ];
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.config.annealStrategy === "linear") return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const { totalSteps, cycleMomentum, useBeta1 } = this.config;
    const step = this.lastEpoch;
    if (step > totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${step} times, but the schedule has totalSteps ${totalSteps}`);
    }
    const phases = this.phases();
    let index = 0;
    let startStep = 0;
    while (index < phases.length - 1 && step > phases[index].endStep) startStep = phases[index++].endStep;
    const phase = phases[index];
    const pct = (step - startStep) / (phase.endStep - startStep);
    return this.optimizer.paramGroups.map((group) => {
      const at = (key: string) => groupNumber(group, key, "OneCycleLR");
      if (cycleMomentum) setMomentum(group, useBeta1, this.anneal(at(phase.startMomentum), at(phase.endMomentum), pct));
      return this.anneal(at(phase.startLr), at(phase.endLr), pct);
    });
  }
}

function resolveTotalSteps(options: OneCycleLROptions): number {
  if (options.totalSteps !== undefined) {
    checkPositiveInteger("OneCycleLR", "totalSteps", options.totalSteps);
    return options.totalSteps;
  }
  if (options.epochs !== undefined && options.stepsPerEpoch !== undefined) {
    checkPositiveInteger("OneCycleLR", "epochs", options.epochs);
    checkPositiveInteger("OneCycleLR", "stepsPerEpoch", options.stepsPerEpoch);
    return options.epochs * options.stepsPerEpoch;
  }
  throw new TypeError("OneCycleLR: give either totalSteps or both epochs and stepsPerEpoch");
}

function setMomentum(group: Record<string, unknown>, useBeta1: boolean, momentum: number): void {
  if (!useBeta1) {
    group.momentum = momentum;
    return;
  }
  const betas = group.betas;
  if (!Array.isArray(betas)) throw new TypeError(`OneCycleLR: parameter group betas must be a pair, got ${describe(betas)}`);
  group.betas = [momentum, ...betas.slice(1)];
}
