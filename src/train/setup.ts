import type { Module } from "../nn/modules/module.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout as dropoutFn } from "../nn/functional/dropout.js";
import { ReLU } from "../nn/modules/activation.js";
import { Sequential } from "../nn/modules/container.js";
import { SGD } from "../optim/sgd.js";
import { Adam, AdamW } from "../optim/adam.js";
import { RMSprop } from "../optim/rmsprop.js";
import type { Optimizer } from "../optim/optimizer.js";
import { CosineAnnealingLR } from "../optim/lr-scheduler/cosine-annealing-lr.js";
import { StepLR } from "../optim/lr-scheduler/step-lr.js";
import { OneCycleLR } from "../optim/lr-scheduler/one-cycle-lr.js";
import type { Scheduler } from "../optim/lr-scheduler/lr-scheduler.js";
import type { Generator } from "../random/generator.js";
import * as zoo from "../vision/models/index.js";
import { mnist, fashionMnist, MNIST_STATS, FASHION_MNIST_STATS } from "../data/mnist.js";
import { cifar10, CIFAR10_STATS } from "../data/cifar10.js";
import type { ImageArrayDataset, Dataset, Sample } from "../data/dataset.js";
import { Subset } from "../data/dataset.js";
import { permutation } from "../data/permutation.js";
import type { ResolveOptions } from "../data/download.js";
import { Compose, type Transform } from "../data/transforms/transform.js";
import { Normalize } from "../data/transforms/color.js";
import { RandomCrop, RandomHorizontalFlip } from "../data/transforms/geometry.js";
import { SmallCnn } from "./models/small-cnn.js";
import { ResNetCifar } from "./models/resnet-cifar.js";

/**
 * The recipes behind `lantern train`, `eval` and `experiment`: which data set, which model, which
 * optimizer and schedule a name stands for, so the CLI and the library build runs the same way.
 */
interface DatasetRecipe {
  load: (opts: ResolveOptions & { train: boolean; verify?: boolean }) => Promise<ImageArrayDataset>;
  stats: { mean: readonly number[]; std: readonly number[] };
  channels: number;
  imageSize: number;
  /** Label-preserving augmentation: shifts for all, mirror images only where a mirrored image is the same class. */
  augment: () => Transform[];
}

export const DATASETS: Record<string, DatasetRecipe> = {
  mnist: { load: mnist, stats: MNIST_STATS, channels: 1, imageSize: 28, augment: () => [new RandomCrop(28, { padding: 2 })] },
  "fashion-mnist": {
    load: fashionMnist, stats: FASHION_MNIST_STATS, channels: 1, imageSize: 28, augment: () => [new RandomCrop(28, { padding: 2 }), new RandomHorizontalFlip()],
  },
  cifar10: { load: cifar10, stats: CIFAR10_STATS, channels: 3, imageSize: 32, augment: () => [new RandomCrop(32, { padding: 4 }), new RandomHorizontalFlip()] },
};

export function datasetRecipe(name: string): DatasetRecipe {
  const recipe = DATASETS[name];
  if (!recipe) throw new RangeError(`--dataset: unknown data set "${name}" (expected ${Object.keys(DATASETS).join(", ")})`);
  return recipe;
}

export interface SplitOptions extends ResolveOptions {
  augment?: boolean;
  verify?: boolean;
  /** Keep only this many training samples (a seeded random subset), for quick runs. */
  subset?: number;
  /** Evaluate on only this many test samples. */
  testSubset?: number;
  generator?: Generator;
}

function takeSubset(dataset: ImageArrayDataset, size: number | undefined, generator: Generator | undefined, flag: string): Dataset<Sample> {
  if (size === undefined || size >= dataset.length) return dataset;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`${flag}: expected a positive integer, got ${size}`);
  if (!generator) throw new TypeError(`${flag}: a generator is needed to draw the subset`);
  return new Subset(dataset, permutation(dataset.length, generator).subarray(0, size));
}

/** Training and test splits, normalised with the data set's statistics, the training split optionally augmented. */
export async function loadSplits(name: string, opts: SplitOptions = {}): Promise<{ train: Dataset<Sample>; test: Dataset<Sample>; recipe: DatasetRecipe; classes: readonly string[] }> {
  const recipe = datasetRecipe(name);
  const normalize = new Normalize(recipe.stats.mean, recipe.stats.std);
  const train = await recipe.load({ ...opts, train: true });
  const test = await recipe.load({ ...opts, train: false });
  train.transform = new Compose([...(opts.augment ? recipe.augment() : []), normalize]);
  test.transform = normalize;
  return {
    train: takeSubset(train, opts.subset, opts.generator, "--subset"), test: takeSubset(test, opts.testSubset, opts.generator, "--test-subset"),
    recipe, classes: train.classes,
  };
}

export interface ModelOptions {
  inChannels: number;
  imageSize: number;
  numClasses?: number;
  /** Dropout probability in the classifier (0: none). */
  dropout?: number;
  /** Generator for dropout masks added to zoo models (default: the default generator). */
  generator?: Generator;
}

/** The models `lantern train` knows by name: Lantern's small ones, then any lt.vision.models entry. */
export const MODEL_NAMES = ["lenet5", "small-cnn", "resnet20", "resnet32", "resnet56"] as const;

export function buildModel(name: string, opts: ModelOptions): Module {
  const numClasses = opts.numClasses ?? 10;
  const p = opts.dropout ?? 0;
  if (!(p >= 0 && p < 1)) throw new RangeError(`--dropout: expected a probability in [0, 1), got ${p}`);
  if (name === "small-cnn") return new SmallCnn({ inChannels: opts.inChannels, imageSize: opts.imageSize, numClasses, dropout: p });
  const resnet = /^resnet(20|32|44|56|110)$/.exec(name);
  if (resnet) return new ResNetCifar({ depth: Number(resnet[1]), inChannels: opts.inChannels, numClasses, dropout: p });
  if (name === "lenet5" && (opts.inChannels !== 1 || opts.imageSize !== 28)) {
    throw new RangeError(`lenet5 takes 1x28x28 images; for ${opts.inChannels}x${opts.imageSize}x${opts.imageSize} use small-cnn or resnet20`);
  }
  if (!zoo.listModels().some((known) => known.toLowerCase() === name.toLowerCase())) {
    throw new RangeError(`unknown model "${name}" (expected ${[...MODEL_NAMES, ...zoo.listModels().filter((k) => k !== "lenet5")].join(", ")})`);
  }
  const model = zoo.getModel(name, { numClasses });
  if (p > 0) addClassifierDropout(model, p, opts.generator);
  return model;
}

/**
 * Dropout after every hidden activation of a model's `classifier` (Srivastava et al. 2014), added
 * as forward hooks so the parameter names, and thus the checkpoints, stay the zoo's.
 */
export function addClassifierDropout(model: Module, p: number, generator?: Generator): void {
  const classifier = (model as unknown as { classifier?: unknown }).classifier;
  if (!(classifier instanceof Sequential)) throw new RangeError(`--dropout: ${model.constructor.name} has no classifier Sequential to add dropout to`);
  const activations = classifier.children().filter((m) => m instanceof ReLU);
  if (activations.length === 0) throw new RangeError(`--dropout: ${model.constructor.name}'s classifier has no hidden ReLU layers`);
  for (const act of activations) act.registerForwardHook((m, _, out) => dropoutFn(out as Tensor, p, m.training, generator));
}

export interface OptimizerOptions {
  lr?: number;
  momentum?: number;
  weightDecay?: number;
}

/** The learning rates the notes' comparison uses when none is given. */
export const DEFAULT_LR: Record<string, number> = { sgd: 0.01, adam: 1e-3, adamw: 1e-3, rmsprop: 1e-3 };

export function buildOptimizer(name: string, params: Iterable<Tensor>, opts: OptimizerOptions = {}): Optimizer<any> {
  const lr = opts.lr ?? DEFAULT_LR[name];
  const weightDecay = opts.weightDecay ?? (name === "adamw" ? 0.01 : 0);
  switch (name) {
    case "sgd": return new SGD(params, { lr, momentum: opts.momentum ?? 0, weightDecay });
    case "adam": return new Adam(params, { lr, weightDecay });
    case "adamw": return new AdamW(params, { lr, weightDecay });
    case "rmsprop": return new RMSprop(params, { lr, momentum: opts.momentum ?? 0, weightDecay });
    default: throw new RangeError(`--optimizer: unknown optimizer "${name}" (expected sgd, adam, adamw or rmsprop)`);
  }
}

export const SCHEDULES = ["none", "cosine", "step", "onecycle"] as const;

/** An LR schedule over the run: cosine annealing or step decay per epoch, or one-cycle per batch. */
export function buildScheduler(name: string, optimizer: Optimizer<any>, epochs: number, stepsPerEpoch: number): { scheduler?: Scheduler; interval: "epoch" | "batch" } {
  switch (name) {
    case "none": return { interval: "epoch" };
    case "cosine": return { scheduler: new CosineAnnealingLR(optimizer, { tMax: epochs }), interval: "epoch" };
    case "step": return { scheduler: new StepLR(optimizer, { stepSize: Math.max(1, Math.floor(epochs / 3)), gamma: 0.1 }), interval: "epoch" };
    case "onecycle": return { scheduler: new OneCycleLR(optimizer, { maxLr: optimizer.paramGroups[0].lr, totalSteps: epochs * stepsPerEpoch }), interval: "batch" };
    default: throw new RangeError(`--schedule: unknown schedule "${name}" (expected ${SCHEDULES.join(", ")})`);
  }
}
