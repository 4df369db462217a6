import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Module } from "../nn/modules/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Scheduler } from "../optim/lr-scheduler/lr-scheduler.js";
import type { JsonValue } from "../optim/state-dict.js";
import type { Generator } from "../random/generator.js";
import { saveModel } from "../io/model.js";
import type { DataLoader } from "../data/loader.js";
import { writeFileAtomic } from "../data/atomic.js";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.js";
import type { CheckpointParts } from "./checkpoint.js";
import { evaluate, trainEpoch } from "./loop.js";
import type { EvalResult, LossFn } from "./loop.js";
import { MetricAccumulator } from "./metrics.js";
import { ProgressBar, formatDuration } from "./progress.js";
import { trainingCurves } from "./curves.js";

export interface EpochMetrics {
  epoch: number;
  /** Optimizer steps taken so far. */
  step: number;
  lr: number;
  trainLoss: number;
  trainTop1: number;
  valLoss?: number;
  valTop1?: number;
  valTop5?: number;
  /** Training time of the epoch (evaluation excluded) and its throughput. */
  seconds: number;
  samplesPerSecond: number;
}

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping. */
  patience: number;
  monitor?: "valLoss" | "valTop1";
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
}

export interface TrainerOptions {
  model: Module;
  optimizer: Optimizer<any>;
  trainLoader: DataLoader<any, any>;
  /** Evaluated after every epoch (test or validation split). */
  evalLoader?: DataLoader<any, any>;
  epochs: number;
  scheduler?: Scheduler;
  /** When the scheduler steps: after every epoch (default) or after every batch (OneCycleLR). */
  schedulerInterval?: "epoch" | "batch";
  lossFn?: LossFn;
  clipGradNorm?: number;
  earlyStopping?: EarlyStoppingOptions;
  /** Folder for checkpoint.safetensors, model.safetensors, best.safetensors, metrics.jsonl and curves.svg. */
  outDir?: string;
  /** Also checkpoint every this many steps (default: at the end of every epoch only). */
  checkpointEvery?: number;
  /** Stops training (after writing a checkpoint) when aborted, e.g. on Ctrl+C. */
  signal?: AbortSignal;
  /** Stops after this many optimizer steps in total, as an interruption would (tests, quick runs). */
  maxSteps?: number;
  /** Generators to save and restore besides the default one and the loaders'. */
  generators?: Record<string, Generator>;
  /** Saved in the checkpoint as is (the CLI's arguments, to rebuild the run on --resume). */
  config?: JsonValue;
  /** Progress bar on stderr (default: none). */
  progress?: ProgressBar | null;
  /** Receives one summary line per epoch. */
  log?: (line: string) => void;
}

export interface FitResult {
  history: EpochMetrics[];
  /** The last evaluation, with its confusion matrix. */
  evaluation: EvalResult | null;
  stoppedEarly: boolean;
  /** True when the run stopped on `signal` or `maxSteps` before its last epoch. */
  interrupted: boolean;
  /** Wall time of this call in seconds. */
  seconds: number;
}

/** The part of an epoch done before a checkpoint written mid-epoch. */
interface PartialEpoch {
  batch: number;
  metrics: ReturnType<MetricAccumulator["toJSON"]>;
  seconds: number;
}

interface TrainerState {
  epoch: number;
  step: number;
  history: EpochMetrics[];
  partial: PartialEpoch | null;
  best: number | null;
  badEpochs: number;
}

/**
 * Epochs of training with evaluation, LR schedules, gradient clipping, early stopping, metrics
 * (JSONL and SVG curves) and checkpoints from which `resume` continues exactly: same weights,
 * optimizer buffers, schedule, random streams and position in the epoch as an uninterrupted run.
 */
export class Trainer {
  readonly opts: TrainerOptions;
  #state: TrainerState = { epoch: 0, step: 0, history: [], partial: null, best: null, badEpochs: 0 };

  constructor(opts: TrainerOptions) {
    if (!Number.isInteger(opts.epochs) || opts.epochs < 1) throw new RangeError(`Trainer: epochs must be a positive integer, got ${opts.epochs}`);
    if (opts.earlyStopping && !opts.evalLoader) throw new RangeError("Trainer: earlyStopping needs an evalLoader to monitor");
    this.opts = opts;
  }

  get history(): readonly EpochMetrics[] {
    return this.#state.history;
  }

  get epoch(): number {
    return this.#state.epoch;
  }

  get step(): number {
    return this.#state.step;
  }

  #parts(): CheckpointParts {
    const generators: Record<string, Generator> = { ...this.opts.generators };
    if (this.opts.evalLoader) generators.evalLoader = this.opts.evalLoader.generator;
    return { model: this.opts.model, optimizer: this.opts.optimizer, scheduler: this.opts.scheduler, loader: this.opts.trainLoader, generators };
  }

  /** Writes a checkpoint of the current state (by default to outDir/checkpoint.safetensors). */
  saveCheckpoint(path = this.#file("checkpoint.safetensors")): void {
    if (path === null) throw new Error("Trainer.saveCheckpoint: no path given and no outDir set");
    saveCheckpoint(path, this.#parts(), this.#state as unknown as JsonValue, this.opts.config ?? null);
  }

  /** Restores a checkpoint written by this trainer's configuration; `fit` then carries on from it. */
  resume(path: string): JsonValue {
    const { trainer, config } = loadCheckpoint(path, this.#parts());
    this.#state = structuredClone(trainer as unknown as TrainerState);
    // The log is rewritten from the checkpoint's history, dropping epochs logged after it was written.
    const log = this.#file("metrics.jsonl");
    if (log) writeFileAtomic(log, this.#state.history.map((m) => JSON.stringify(m) + "\n").join(""));
    return config;
  }

  #file(name: string): string | null {
    if (!this.opts.outDir) return null;
    if (!existsSync(this.opts.outDir)) mkdirSync(this.opts.outDir, { recursive: true });
    return join(this.opts.outDir, name);
  }

  async fit(): Promise<FitResult> {
    const { opts } = this;
    const state = this.#state;
    const started = performance.now();
    let evaluation: EvalResult | null = null;
    let stoppedEarly = false;
    let interrupted = false;
    const batchScheduler = opts.schedulerInterval === "batch" ? opts.scheduler : undefined;
    while (state.epoch < opts.epochs && !stoppedEarly) {
      const partial = state.partial;
      state.partial = null;
      const metrics = partial ? MetricAccumulator.from(partial.metrics) : new MetricAccumulator();
      const label = `epoch ${state.epoch + 1}/${opts.epochs}`;
      opts.progress?.start(label, opts.trainLoader.length, partial?.batch ?? 0);
      const before = metrics.samples;
      const epochStarted = performance.now();
      const elapsed = () => (partial?.seconds ?? 0) + (performance.now() - epochStarted) / 1000;
      const result = await trainEpoch(opts.model, opts.trainLoader, opts.optimizer, {
        lossFn: opts.lossFn, clipGradNorm: opts.clipGradNorm, batchScheduler, accumulator: metrics, startBatch: partial?.batch ?? 0,
        onBatch: (batch, m) => {
          state.step++;
          const r = m.result();
          opts.progress?.update(batch, m.samples - before, `loss ${r.loss.toFixed(4)} acc ${(100 * r.top1).toFixed(2)}%`);
          const stop = opts.signal?.aborted === true || (opts.maxSteps !== undefined && state.step >= opts.maxSteps);
          if (stop || (opts.checkpointEvery && state.step % opts.checkpointEvery === 0)) {
            state.partial = { batch, metrics: m.toJSON(), seconds: elapsed() };
            if (opts.outDir) this.saveCheckpoint();
            if (!stop) state.partial = null;
          }
          return !stop;
        },
      });
      if (result.stopped) {
        interrupted = true;
        opts.progress?.finish(`${label}: stopped at step ${state.step}${opts.outDir ? `; resume from ${this.#file("checkpoint.safetensors")}` : ""}`);
        break;
      }
      const seconds = elapsed();
      if (opts.evalLoader) evaluation = await evaluate(opts.model, opts.evalLoader, { lossFn: opts.lossFn });
      if (opts.scheduler && !batchScheduler) opts.scheduler.step();
      const train = metrics.result();
      const entry: EpochMetrics = {
        epoch: state.epoch + 1, step: state.step, lr: opts.optimizer.paramGroups[0].lr, trainLoss: train.loss, trainTop1: train.top1,
        ...(evaluation ? { valLoss: evaluation.loss, valTop1: evaluation.top1, valTop5: evaluation.top5 } : {}),
        seconds, samplesPerSecond: (train.samples - (partial ? partial.metrics.samples : 0)) / Math.max(seconds - (partial?.seconds ?? 0), 1e-9),
      };
      state.history.push(entry);
      state.epoch++;
      const improved = this.#track(entry);
      stoppedEarly = opts.earlyStopping !== undefined && state.badEpochs >= opts.earlyStopping.patience;
      const summary = `${label}: train loss ${entry.trainLoss.toFixed(4)} acc ${(100 * entry.trainTop1).toFixed(2)}%` +
        (evaluation ? `, test loss ${evaluation.loss.toFixed(4)} acc ${(100 * evaluation.top1).toFixed(2)}%` : "") +
        `, ${formatDuration(seconds)} (${entry.samplesPerSecond.toFixed(0)} samples/s)`;
      opts.progress?.finish(summary);
      opts.log?.(summary);
      this.#writeOutputs(entry, improved);
    }
    const finalWeights = this.#file("model.safetensors");
    if (finalWeights && !interrupted) saveModel(finalWeights, opts.model);
    return { history: [...state.history], evaluation, stoppedEarly, interrupted, seconds: (performance.now() - started) / 1000 };
  }

  /** Updates the early-stopping record; true when this epoch is the best so far. */
  #track(entry: EpochMetrics): boolean {
    const state = this.#state;
    const monitor = this.opts.earlyStopping?.monitor ?? (this.opts.earlyStopping ? "valLoss" : "valTop1");
    const value = entry[monitor];
    if (value === undefined) return false;
    const sign = monitor === "valLoss" ? -1 : 1;
    const improved = state.best === null || sign * (value - state.best) > (this.opts.earlyStopping?.minDelta ?? 0);
    if (improved) {
      state.best = value;
      state.badEpochs = 0;
    } else state.badEpochs++;
    return improved;
  }

  #writeOutputs(entry: EpochMetrics, improved: boolean): void {
    if (!this.opts.outDir) return;
    appendFileSync(this.#file("metrics.jsonl") as string, JSON.stringify(entry) + "\n");
    writeFileAtomic(this.#file("curves.svg") as string, trainingCurves({ "": this.#state.history }));
    if (improved) saveModel(this.#file("best.safetensors") as string, this.opts.model);
    this.saveCheckpoint();
  }
}
