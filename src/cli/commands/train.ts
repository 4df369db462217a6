import { Command } from "commander";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { formatTable, printJson } from "../output.js";
import { backend } from "../../backend/index.js";
import { Generator, manualSeed } from "../../random/generator.js";
import { DataLoader } from "../../data/loader.js";
import { Trainer } from "../../train/trainer.js";
import type { EpochMetrics } from "../../train/trainer.js";
import { ProgressBar, formatDuration } from "../../train/progress.js";
import { readCheckpoint } from "../../train/checkpoint.js";
import { buildModel, buildOptimizer, buildScheduler, loadSplits, DATASETS, SCHEDULES } from "../../train/setup.js";
import type { JsonValue } from "../../optim/state-dict.js";

/** Everything that defines a run; saved in its checkpoints so --resume rebuilds the same run. */
export interface RunConfig {
  model: string;
  dataset: string;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  dropout: number;
  augment: boolean;
  schedule: string;
  clipGradNorm?: number;
  earlyStopping?: number;
  subset?: number;
  workers: number;
  seed: number;
}

/** A commander parser for a number option, failing with exit code 2 and the flag's name. */
export function numberOption(flag: string, check: (n: number) => boolean = Number.isFinite, expected = "a number") {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || !check(n)) throw new InputError(`${flag}: expected ${expected}, got "${value}"`);
    return n;
  };
}

export const positiveInt = (flag: string) => numberOption(flag, (n) => Number.isInteger(n) && n > 0, "a positive integer");
export const nonNegativeInt = (flag: string) => numberOption(flag, (n) => Number.isInteger(n) && n >= 0, "a non-negative integer");

/** The --data / --no-download / --no-verify options every command that reads a data set shares. */
export function addDataOptions(command: Command, defaultDataset?: string): Command {
  return command
    .requiredOption("--dataset <name>", `data set: ${Object.keys(DATASETS).join(", ")}`, defaultDataset)
    .option("--data <dir>", "folder with local copies of the data set's files (nothing is downloaded then)")
    .option("--no-download", "never download; fail with where to put the files instead")
    .option("--no-verify", "skip the md5 check of the files (for subsets or synthetic copies)");
}

interface TrainFlags {
  dataset: string;
  data?: string;
  download: boolean;
  verify: boolean;
  epochs: number;
  batchSize: number;
  optimizer: string;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  dropout: number;
  augment: boolean;
  schedule: string;
  clipGradNorm?: number;
  earlyStopping?: number;
  subset?: number;
  workers: number;
  seed: number;
  out?: string;
  resume?: string;
  checkpointEvery?: number;
  maxSteps?: number;
  json?: boolean;
}

function configFrom(model: string, flags: TrainFlags, command: Command): RunConfig {
  if (!flags.resume) {
    const { dataset, epochs, batchSize, optimizer, lr, momentum, weightDecay, dropout, augment, schedule, clipGradNorm, earlyStopping, subset, workers, seed } = flags;
    return { model, dataset, epochs, batchSize, optimizer, lr, momentum, weightDecay, dropout, augment, schedule, clipGradNorm, earlyStopping, subset, workers, seed };
  }
  const saved = readCheckpoint(flags.resume).contents.config as unknown as RunConfig | null;
  if (!saved || typeof saved.model !== "string") throw new InputError(`--resume: ${flags.resume} holds no run configuration (was it written by lantern train?)`);
  if (saved.model !== model || saved.dataset !== flags.dataset) {
    throw new InputError(`--resume: ${flags.resume} is a run of ${saved.model} on ${saved.dataset}, not ${model} on ${flags.dataset}`);
  }
  // A resumed run is the saved one; only its length and the worker count may change.
  const explicit = (name: string) => command.getOptionValueSource(name) === "cli";
  return { ...saved, epochs: explicit("epochs") ? flags.epochs : saved.epochs, workers: explicit("workers") ? flags.workers : saved.workers };
}

export function trainCommand(): Command {
  const command = new Command("train")
    .description("train a model on MNIST, Fashion-MNIST or CIFAR-10 with a progress bar, checkpoints, metrics and curves")
    .argument("<model>", "lenet5, small-cnn, resnet20 (resnet32, resnet56) or an lt.vision.models name");
  addDataOptions(command)
    .option("--epochs <n>", "epochs", positiveInt("--epochs"), 10)
    .option("--batch-size <n>", "batch size", positiveInt("--batch-size"), 64)
    .option("--optimizer <name>", "sgd, adam, adamw or rmsprop", "adam")
    .option("--lr <rate>", "learning rate (default: 0.01 for sgd, 0.001 otherwise)", numberOption("--lr", (n) => n > 0, "a positive number"))
    .option("--momentum <m>", "momentum (sgd, rmsprop)", numberOption("--momentum", (n) => n >= 0 && n < 1, "a number in [0, 1)"))
    .option("--weight-decay <w>", "weight decay (L2 penalty; decoupled for adamw)", numberOption("--weight-decay", (n) => n >= 0, "a non-negative number"))
    .option("--dropout <p>", "dropout probability in the classifier", numberOption("--dropout", (n) => n >= 0 && n < 1, "a number in [0, 1)"), 0)
    .option("--augment", "augment the training images (random shifts; mirror images where the classes allow)", false)
    .option("--schedule <name>", `learning-rate schedule: ${SCHEDULES.join(", ")}`, "none")
    .option("--clip-grad-norm <n>", "clip the gradients' global 2-norm", numberOption("--clip-grad-norm", (n) => n > 0, "a positive number"))
    .option("--early-stopping <epochs>", "stop after this many epochs without a lower test loss", positiveInt("--early-stopping"))
    .option("--subset <n>", "train on a seeded random subset of n images", positiveInt("--subset"))
    .option("--workers <n>", "worker threads preparing batches in the background", nonNegativeInt("--workers"), 1)
    .option("--seed <n>", "seed of initialisation, shuffling, augmentation and dropout", nonNegativeInt("--seed"), 0)
    .option("--out <dir>", "folder for checkpoints, weights, metrics.jsonl and curves.svg (default runs/<model>-<dataset>)")
    .option("--resume <checkpoint>", "continue the run saved in this checkpoint.safetensors")
    .option("--checkpoint-every <steps>", "also checkpoint every n steps", positiveInt("--checkpoint-every"))
    .option("--max-steps <n>", "stop after n optimizer steps in total, writing a checkpoint to resume from", positiveInt("--max-steps"))
    .option("--json", "print the final metrics as one JSON document on stdout")
    .action(async (model: string, flags: TrainFlags) => {
      const config = configFrom(model, flags, command);
      const log = (line: string) => console.error(line);
      manualSeed(config.seed);
      const { train, test, recipe, classes } = await loadSplits(config.dataset, {
        root: flags.data, download: flags.download, verify: flags.verify, augment: config.augment, subset: config.subset,
        generator: new Generator(config.seed + 1), log,
      });
      const network = buildModel(config.model, { inChannels: recipe.channels, imageSize: recipe.imageSize, numClasses: classes.length, dropout: config.dropout });
      const optimizer = buildOptimizer(config.optimizer, network.parameters(), config);
      const trainLoader = new DataLoader(train, { batchSize: config.batchSize, shuffle: true, generator: new Generator(config.seed + 2), numWorkers: config.workers });
      const evalLoader = new DataLoader(test, { batchSize: 500, generator: new Generator(config.seed + 3) });
      const { scheduler, interval } = buildScheduler(config.schedule, optimizer, config.epochs, trainLoader.length);
      const outDir = flags.out ?? join("runs", `${config.model}-${config.dataset}`);
      const controller = new AbortController();
      const onSigint = () => {
        log("\nstopping after this batch and writing a checkpoint (Ctrl+C again to quit at once)");
        controller.abort();
        process.once("SIGINT", () => process.exit(130));
      };
      process.once("SIGINT", onSigint);
      const trainer = new Trainer({
        model: network, optimizer, scheduler, schedulerInterval: interval, trainLoader, evalLoader, epochs: config.epochs,
        clipGradNorm: config.clipGradNorm, earlyStopping: config.earlyStopping ? { patience: config.earlyStopping } : undefined,
        outDir, checkpointEvery: flags.checkpointEvery, maxSteps: flags.maxSteps, signal: controller.signal,
        config: config as unknown as JsonValue, progress: new ProgressBar(),
      });
      if (flags.resume) {
        trainer.resume(flags.resume);
        log(`resuming ${config.model} on ${config.dataset} at epoch ${trainer.epoch + 1}, step ${trainer.step}`);
      }
      try {
        const result = await trainer.fit();
        const report = {
          model: config.model, dataset: config.dataset, backend: backend(), config, epochs: result.history.length,
          interrupted: result.interrupted, stoppedEarly: result.stoppedEarly,
          test: result.evaluation ? { loss: result.evaluation.loss, top1: result.evaluation.top1, top5: result.evaluation.top5, samples: result.evaluation.samples } : null,
          bestTop1: Math.max(...result.history.map((m) => m.valTop1 ?? NaN)),
          trainSeconds: result.history.reduce((s, m) => s + m.seconds, 0), wallSeconds: result.seconds,
          history: result.history, classes, confusionMatrix: result.evaluation?.confusionMatrix ?? null,
          files: { checkpoint: join(outDir, "checkpoint.safetensors"), weights: join(outDir, "model.safetensors"), best: join(outDir, "best.safetensors"), metrics: join(outDir, "metrics.jsonl"), curves: join(outDir, "curves.svg") },
        };
        if (flags.json) printJson(report);
        else printSummary(result.history, report.test, outDir, result.interrupted);
        if (result.interrupted && controller.signal.aborted) process.exitCode = 130;
      } finally {
        process.off("SIGINT", onSigint);
        await trainLoader.close();
      }
    });
  return command;
}

function percent(x: number | undefined): string {
  return x === undefined ? "-" : `${(100 * x).toFixed(2)}%`;
}

function printSummary(history: EpochMetrics[], test: { loss: number; top1: number; top5: number } | null, outDir: string, interrupted: boolean): void {
  const rows = history.map((m) => [m.epoch, m.lr.toPrecision(3), m.trainLoss.toFixed(4), percent(m.trainTop1), m.valLoss?.toFixed(4) ?? "-", percent(m.valTop1), formatDuration(m.seconds)]);
  if (rows.length > 0) console.log(formatTable(["epoch", "lr", "train loss", "train acc", "test loss", "test acc", "time"], rows));
  if (test) console.log(`\ntest accuracy ${percent(test.top1)} (top-5 ${percent(test.top5)}), loss ${test.loss.toFixed(4)}`);
  console.log(interrupted ? `stopped; resume with --resume ${join(outDir, "checkpoint.safetensors")}` : `weights: ${join(outDir, "model.safetensors")}, curves: ${join(outDir, "curves.svg")}`);
}
