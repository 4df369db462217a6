import { Command } from "commander";
import { join } from "node:path";
import { InputError } from "../errors.js";
import { formatTable, printJson, writeFileAtomic } from "../output.js";
import { backend } from "../../backend/index.js";
import { compareOptimizers, OPTIMIZER_ARMS } from "../../train/experiment.js";
import { trainingCurves } from "../../train/curves.js";
import { ProgressBar, formatDuration } from "../../train/progress.js";
import { addDataOptions, nonNegativeInt, positiveInt } from "./train.js";

interface ExperimentFlags {
  dataset: string;
  data?: string;
  download: boolean;
  verify: boolean;
  model: string;
  epochs: number;
  batchSize: number;
  subset?: number;
  testSubset?: number;
  seed: number;
  arms?: string;
  workers: number;
  out: string;
  json?: boolean;
}

export function experimentCommand(): Command {
  const experiment = new Command("experiment").description("reproducible comparisons from the notes, with curves (SVG) and a table");
  const optimizers = new Command("optimizers")
    .description(`one model trained with ${OPTIMIZER_ARMS.map((a) => a.name).join(", ")}: same initial weights, same batches`);
  addDataOptions(optimizers, "mnist");
  optimizers
    .option("--model <name>", "model to train", "lenet5")
    .option("--epochs <n>", "epochs per run", positiveInt("--epochs"), 3)
    .option("--batch-size <n>", "batch size", positiveInt("--batch-size"), 64)
    .option("--subset <n>", "train on a seeded random subset of n images (quick runs)", positiveInt("--subset"))
    .option("--test-subset <n>", "evaluate on a seeded random subset of n test images", positiveInt("--test-subset"))
    .option("--arms <names>", `comma-separated runs to include (default all: ${OPTIMIZER_ARMS.map((a) => a.name).join(",")})`)
    .option("--workers <n>", "worker threads preparing batches", nonNegativeInt("--workers"), 1)
    .option("--seed <n>", "seed of initialisation, subsets, shuffling and augmentation", nonNegativeInt("--seed"), 0)
    .option("--out <dir>", "folder for curves.svg and results.json", join("runs", "experiment-optimizers"))
    .option("--json", "print the results as one JSON document on stdout")
    .action(async (flags: ExperimentFlags) => {
      const wanted = flags.arms?.split(",").map((s) => s.trim()).filter(Boolean);
      const unknown = wanted?.filter((name) => !OPTIMIZER_ARMS.some((a) => a.name === name)) ?? [];
      if (unknown.length > 0) throw new InputError(`--arms: unknown run "${unknown[0]}" (expected ${OPTIMIZER_ARMS.map((a) => a.name).join(", ")})`);
      const arms = wanted ? OPTIMIZER_ARMS.filter((a) => wanted.includes(a.name)) : OPTIMIZER_ARMS;
      const results = await compareOptimizers({
        dataset: flags.dataset, model: flags.model, epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed, subset: flags.subset,
        testSubset: flags.testSubset, root: flags.data, download: flags.download, verify: flags.verify, arms, workers: flags.workers,
        progress: new ProgressBar(), log: (line) => console.error(line),
      });
      const title = `${flags.model} on ${flags.dataset}${flags.subset ? ` (${flags.subset} training images)` : ""}, seed ${flags.seed}`;
      const curves = join(flags.out, "curves.svg");
      writeFileAtomic(curves, trainingCurves(Object.fromEntries(results.map((r) => [r.arm.name, r.history])), { title }));
      const report = {
        experiment: "optimizers", dataset: flags.dataset, model: flags.model, epochs: flags.epochs, batchSize: flags.batchSize, subset: flags.subset ?? null,
        seed: flags.seed, backend: backend(), curves,
        runs: results.map((r) => ({ ...r.arm, finalTop1: r.finalTop1, finalLoss: r.finalLoss, bestTop1: r.bestTop1, seconds: r.seconds, history: r.history })),
      };
      writeFileAtomic(join(flags.out, "results.json"), JSON.stringify(report, null, 2) + "\n");
      if (flags.json) {
        printJson(report);
        return;
      }
      const rows = results.map((r) => [
        r.arm.name, r.arm.lr, r.arm.momentum ?? 0, r.arm.dropout ?? 0, r.arm.augment ? "yes" : "no", `${(100 * r.finalTop1).toFixed(2)}%`,
        r.finalLoss.toFixed(4), `${(100 * r.bestTop1).toFixed(2)}%`, formatDuration(r.seconds),
      ]);
      console.log(`${title}, ${flags.epochs} epochs\n`);
      console.log(formatTable(["run", "lr", "momentum", "dropout", "augment", "test acc", "test loss", "best acc", "time"], rows));
      console.log(`\ncurves: ${curves}`);
    });
  return experiment.addCommand(optimizers);
}
