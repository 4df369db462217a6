import { Optimizer } from "../optimizer.js";
import type { SchedulerStateDict } from "../state-dict.js";
import { checkOptionNames, describe } from "../validate.js";
import { bisectRight, groupNumber, LRScheduler } from "./lr-scheduler.js";
import type { AnyOptimizer, Scheduler } from "./lr-scheduler.js";

export interface SequentialLROptions {
  /** Chainable schedulers of the same optimizer, run one after another. */
  schedulers: readonly LRScheduler[];
  /** Steps at which the next scheduler takes over: one fewer than the schedulers, increasing. */
  milestones: readonly number[];
  lastEpoch?: number;
}

/**
 * Runs schedulers one after another, as torch.optim.lr_scheduler.SequentialLR: e.g. LinearLR
 * warm-up for the first k steps, then CosineAnnealingLR. The schedulers' own constructors already
 * stepped the optimizer, so this one restores the base rates, undoes those steps and lets only the
 * first scheduler take its initial step. At a milestone the incoming scheduler restarts at its step
 * 0 from its closed form, i.e. from the base rate rather than from where the previous one ended.
 */
export class SequentialLR implements Scheduler {
  readonly optimizer: AnyOptimizer;
  lastEpoch: number;
  private readonly schedulers: LRScheduler[];
  private milestones: number[];
  private lastLr: number[];

  constructor(optimizer: AnyOptimizer, options: SequentialLROptions) {
    const label = "SequentialLR";
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: expected an optimizer, got ${describe(optimizer)}`);
    checkOptionNames(label, options ?? {}, ["schedulers", "milestones", "lastEpoch"]);
    const { schedulers, milestones } = options;
    if (!Array.isArray(schedulers) || schedulers.length === 0) throw new TypeError(`${label}: schedulers must be a non-empty array`);
    schedulers.forEach((scheduler, i) => {
      if (!(scheduler instanceof LRScheduler)) {
        throw new TypeError(`${label}: schedulers[${i}] is ${describe(scheduler?.constructor?.name ?? scheduler)}; expected a chainable scheduler (StepLR, LinearLR, CosineAnnealingLR…)`);
      }
      if (scheduler.optimizer !== optimizer) throw new Error(`${label}: schedulers[${i}] belongs to a different optimizer`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError(`${label}: expected ${schedulers.length - 1} milestones for ${schedulers.length} schedulers, got ${describe(milestones)}`);
    }
    if (!milestones.every((m, i) => Number.isInteger(m) && m > (i === 0 ? 0 : milestones[i - 1]))) {
      throw new RangeError(`${label}: milestones must be increasing positive integers, got ${describe(milestones)}`);
    }
    this.optimizer = optimizer;
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = (options.lastEpoch ?? -1) + 1;
    for (const group of optimizer.paramGroups) group.lr = groupNumber(group, "initialLr", label);
    for (const scheduler of this.schedulers) scheduler.lastEpoch -= 1;
    this.schedulers[0].initialStep();
    this.lastLr = this.schedulers[0].getLastLr();
  }

  step(): void {
    this.lastEpoch++;
    const index = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[index];
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.updateLr(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): SchedulerStateDict {
    return {
      last_epoch: this.lastEpoch,
      _milestones: [...this.milestones],
      _last_lr: [...this.lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    const where = "SequentialLR.loadStateDict";
    const { last_epoch: lastEpoch, _milestones: milestones, _last_lr: lastLr, _schedulers: saved } = stateDict;
    if (typeof lastEpoch !== "number" || !Array.isArray(milestones) || !Array.isArray(lastLr) || !Array.isArray(saved)) {
      throw new TypeError(`${where}: expected last_epoch, _milestones, _last_lr and _schedulers as saved by SequentialLR.stateDict`);
    }
    if (saved.length !== this.schedulers.length) {
      throw new RangeError(`${where}: the state dict has ${saved.length} schedulers, this SequentialLR has ${this.schedulers.length}`);
    }
    saved.forEach((s, i) => this.schedulers[i].loadStateDict(s as SchedulerStateDict));
    this.lastEpoch = lastEpoch;
    this.milestones = milestones as number[];
    this.lastLr = lastLr as number[];
  }
}
