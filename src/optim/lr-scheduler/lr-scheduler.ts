import { Optimizer } from "../optimizer.js";
import type { HyperParameters, ParamGroup } from "../optimizer.js";
import type { JsonValue, SchedulerStateDict } from "../state-dict.js";
import { toSnakeCase } from "../state-dict.js";
import { describe } from "../validate.js";

export type AnyOptimizer = Optimizer<HyperParameters>;

/** What every scheduler offers, SequentialLR included. */
export interface Scheduler {
  readonly optimizer: AnyOptimizer;
  /** Index of the last step taken (torch's last_epoch; -1 before any, 0 after construction). */
  lastEpoch: number;
  step(): void;
  /** The learning rate of each parameter group after the last step. */
  getLastLr(): number[];
  stateDict(): SchedulerStateDict;
  loadStateDict(stateDict: SchedulerStateDict): void;
}

/**
 * Base of the chainable schedulers, following torch.optim.lr_scheduler.LRScheduler. The
 * constructor records each group's `initialLr` (the base rate) and takes an initial step, so the
 * optimizer's lr is the schedule's value at step 0 from then on. `getLr` computes the next rates
 * from the current ones (the chainable form torch uses on `step()`); `closedFormLr`, where a
 * schedule has one, computes them from the base rates alone (torch's `_get_closed_form_lr`, used by
 * SequentialLR at its milestones).
 *
 * `config` holds the schedule's options; it is saved in the state dict under torch's names.
 */
export abstract class LRScheduler<C extends Record<string, JsonValue> = Record<string, JsonValue>> implements Scheduler {
  readonly optimizer: AnyOptimizer;
  baseLrs: number[];
  lastEpoch: number;
  protected readonly config: C;
  /** Steps taken including the initial one (torch's `_step_count`); CosineAnnealingLR reads it. */
  protected stepCount = 0;
  /** True during the constructor's initial step only (torch's `_is_initial`). */
  protected isInitial = false;
  protected lastLr: number[] = [];

  protected constructor(optimizer: AnyOptimizer, config: C, lastEpoch = -1) {
    const label = new.target.name;
    if (!(optimizer instanceof Optimizer)) throw new TypeError(`${label}: expected an optimizer, got ${describe(optimizer)}`);
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`${label}: lastEpoch must be an integer >= -1, got ${describe(lastEpoch)}`);
    this.optimizer = optimizer;
    this.config = config;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (group.initialLr === undefined) {
        throw new Error(`${label}: parameter group ${i} has no initialLr, which resuming at lastEpoch ${lastEpoch} needs; load the optimizer's state dict first`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((group) => groupNumber(group, "initialLr", label));
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** The next learning rate of every group, from the current ones. */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` from the base rates, or null where a schedule has no closed form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  step(): void {
    this.stepCount++;
    this.updateLr();
  }

  /**
   * Advances `lastEpoch` by one, or sets it to `epoch` and uses the closed form (torch's
   * `_update_lr`), then writes the rates into the parameter groups. Public for SequentialLR.
   */
  updateLr(epoch?: number): void {
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** Resets the step count and takes the constructor's step (torch's `_initial_step`). Public for SequentialLR. */
  initialStep(): void {
    this.stepCount = 0;
    this.isInitial = true;
    try {
      this.step();
    } finally {
      this.isInitial = false;
    }
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The current rate of every group, which the chainable forms scale. */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  stateDict(): SchedulerStateDict {
    const saved: SchedulerStateDict = {};
    for (const [key, value] of Object.entries(this.config)) saved[toSnakeCase(key)] = structuredClone(value);
    return { ...saved, base_lrs: [...this.baseLrs], last_epoch: this.lastEpoch, _step_count: this.stepCount, _last_lr: [...this.lastLr] };
  }

  loadStateDict(stateDict: SchedulerStateDict): void {
    const where = `${this.constructor.name}.loadStateDict`;
    const lastEpoch = stateDict.last_epoch;
    const stepCount = stateDict._step_count;
    if (typeof lastEpoch !== "number" || typeof stepCount !== "number") {
      throw new TypeError(`${where}: last_epoch and _step_count must be numbers, got ${describe(lastEpoch)} and ${describe(stepCount)}`);
    }
    const baseLrs = numberList(stateDict.base_lrs, "base_lrs", where, this.optimizer.paramGroups.length);
    const lastLr = numberList(stateDict._last_lr, "_last_lr", where, this.optimizer.paramGroups.length);
    const config = this.config as Record<string, JsonValue>;
    for (const key of Object.keys(config)) {
      const value = stateDict[toSnakeCase(key)];
      if (value !== undefined) config[key] = structuredClone(value);
    }
    this.lastEpoch = lastEpoch;
    this.stepCount = stepCount;
    this.baseLrs = baseLrs;
    this.lastLr = lastLr;
  }
}

/** A number a scheduler stored in a parameter group (initialLr, maxLr…). */
export function groupNumber(group: ParamGroup, key: string, owner: string): number {
  const value = group[key];
  if (typeof value !== "number") throw new TypeError(`${owner}: parameter group key ${key} must be a number, got ${describe(value)}`);
  return value;
}

/** A per-group option given as one number or one number per group (torch's `_format_param`). */
export function perGroup(value: number | readonly number[], groups: number, name: string, owner: string): number[] {
  if (typeof value === "number") return new Array<number>(groups).fill(value);
  if (!Array.isArray(value) || value.length !== groups) {
    throw new RangeError(`${owner}: ${name} must be a number or one number per parameter group (${groups}), got ${describe(value)}`);
  }
  return [...value];
}

function numberList(value: JsonValue | undefined, name: string, where: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length || !value.every((v) => typeof v === "number")) {
    throw new TypeError(`${where}: ${name} must hold one number per parameter group (${length}), got ${describe(value)}`);
  }
  return [...(value as number[])];
}

/** Number of entries of sorted `values` that are <= x (Python's bisect.bisect_right). */
export function bisectRight(values: readonly number[], x: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (x < values[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}
