import { Generator, manualSeed } from "../random/generator.js";
import { DataLoader } from "../data/loader.js";
import type { ResolveOptions } from "../data/download.js";
import { Trainer } from "./trainer.js";
import type { EpochMetrics } from "./trainer.js";
import { buildModel, buildOptimizer, loadSplits } from "./setup.js";
import type { ProgressBar } from "./progress.js";

/** One arm of the comparison. */
export interface ExperimentArm {
  name: string;
  optimizer: "sgd" | "adam" | "adamw" | "rmsprop";
  lr: number;
  momentum?: number;
  dropout?: number;
  augment?: boolean;
}

/**
 * The notes' comparison: plain gradient descent against its remedies, the same model from the
 * same initial weights seeing the same batches: SGD, SGD with momentum, RMSprop and Adam, then
 * Adam with dropout and Adam with data augmentation. Learning rates are the optimizers' usual
 * defaults (torch's for the adaptive ones, 0.01 for SGD).
 */
export const OPTIMIZER_ARMS: readonly ExperimentArm[] = [
  { name: "sgd", optimizer: "sgd", lr: 0.01 },
  { name: "sgd-momentum", optimizer: "sgd", lr: 0.01, momentum: 0.9 },
  { name: "rmsprop", optimizer: "rmsprop", lr: 1e-3 },
  { name: "adam", optimizer: "adam", lr: 1e-3 },
  { name: "adam-dropout", optimizer: "adam", lr: 1e-3, dropout: 0.5 },
  { name: "adam-augment", optimizer: "adam", lr: 1e-3, augment: true },
];

export interface ExperimentOptions extends ResolveOptions {
  dataset: string;
  model: string;
  epochs: number;
  batchSize: number;
  seed: number;
  /** Training images (a seeded subset) and test images used; all when absent. */
  subset?: number;
  testSubset?: number;
  verify?: boolean;
  arms?: readonly ExperimentArm[];
  workers?: number;
  progress?: ProgressBar | null;
}

export interface ArmResult {
  arm: ExperimentArm;
  history: EpochMetrics[];
  finalTop1: number;
  finalLoss: number;
  bestTop1: number;
  seconds: number;
}

export async function compareOptimizers(opts: ExperimentOptions): Promise<ArmResult[]> {
  const results: ArmResult[] = [];
  for (const arm of opts.arms ?? OPTIMIZER_ARMS) {
    opts.log?.(`== ${arm.name} ==`);
    const { train, test, recipe, classes } = await loadSplits(opts.dataset, {
      ...opts, augment: arm.augment ?? false, generator: new Generator(opts.seed + 1),
    });
    // Reseeding before building the model gives every arm the same initial weights.
    manualSeed(opts.seed);
    const model = buildModel(opts.model, { inChannels: recipe.channels, imageSize: recipe.imageSize, numClasses: classes.length, dropout: arm.dropout ?? 0 });
    const optimizer = buildOptimizer(arm.optimizer, model.parameters(), { lr: arm.lr, momentum: arm.momentum });
    const trainLoader = new DataLoader(train, { batchSize: opts.batchSize, shuffle: true, generator: new Generator(opts.seed + 2), numWorkers: opts.workers ?? 0 });
    const evalLoader = new DataLoader(test, { batchSize: 500, generator: new Generator(opts.seed + 3) });
    try {
      const fit = await new Trainer({ model, optimizer, trainLoader, evalLoader, epochs: opts.epochs, progress: opts.progress, log: opts.progress ? undefined : opts.log }).fit();
      const last = fit.history[fit.history.length - 1];
      results.push({
        arm, history: fit.history, finalTop1: last.valTop1 ?? NaN, finalLoss: last.valLoss ?? NaN,
        bestTop1: Math.max(...fit.history.map((m) => m.valTop1 ?? NaN)), seconds: fit.seconds,
      });
    } finally {
      await trainLoader.close();
    }
  }
  return results;
}
