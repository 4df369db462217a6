import { Command } from "commander";
import { InputError } from "../errors.js";
import { formatTable, printJson } from "../output.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { Module } from "../../nn/modules/module.js";
import { loadSafetensorsWithMetadata } from "../../io/safetensors.js";
import { Generator } from "../../random/generator.js";
import { DataLoader } from "../../data/loader.js";
import { evaluate } from "../../train/loop.js";
import { buildModel, loadSplits } from "../../train/setup.js";
import { addDataOptions, positiveInt } from "./train.js";

/** Loads model weights from a weights file or from a training checkpoint (its `model.` tensors). */
export function loadWeights(path: string, model: Module): void {
  const { tensors, metadata } = loadSafetensorsWithMetadata(path);
  const isCheckpoint = metadata["lantern.checkpoint"] !== undefined;
  const weights: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (!isCheckpoint) weights[key] = t;
    else if (key.startsWith("model.")) weights[key.slice(6)] = t;
  }
  try {
    model.loadStateDict(weights);
  } catch (error) {
    throw new InputError(`--weights: ${path} does not fit ${model.constructor.name}: ${(error as Error).message}`);
  }
}

interface EvalFlags {
  weights: string;
  dataset: string;
  data?: string;
  download: boolean;
  verify: boolean;
  batchSize: number;
  json?: boolean;
}

export function evalCommand(): Command {
  const command = new Command("eval")
    .description("accuracy, loss and confusion matrix of trained weights on a data set's test split")
    .argument("<model>", "the architecture the weights belong to (as given to lantern train)")
    .requiredOption("--weights <file>", "model.safetensors, best.safetensors or a training checkpoint");
  addDataOptions(command)
    .option("--batch-size <n>", "batch size", positiveInt("--batch-size"), 500)
    .option("--json", "print the metrics as one JSON document on stdout")
    .action(async (modelName: string, flags: EvalFlags) => {
      const log = (line: string) => console.error(line);
      const { test, recipe, classes } = await loadSplits(flags.dataset, { root: flags.data, download: flags.download, verify: flags.verify, log });
      const model = buildModel(modelName, { inChannels: recipe.channels, imageSize: recipe.imageSize, numClasses: classes.length });
      loadWeights(flags.weights, model);
      const result = await evaluate(model, new DataLoader(test, { batchSize: flags.batchSize, generator: new Generator(0) }), { numClasses: classes.length });
      const perClass = result.confusionMatrix.map((row, t) => row[t] / Math.max(1, row.reduce((a, b) => a + b, 0)));
      if (flags.json) {
        printJson({
          model: modelName, dataset: flags.dataset, weights: flags.weights, loss: result.loss, top1: result.top1, top5: result.top5,
          samples: result.samples, seconds: result.seconds, classes, perClassAccuracy: perClass, confusionMatrix: result.confusionMatrix,
        });
        return;
      }
      console.log(`${modelName} on ${flags.dataset} test (${result.samples} images): accuracy ${(100 * result.top1).toFixed(2)}%, top-5 ${(100 * result.top5).toFixed(2)}%, loss ${result.loss.toFixed(4)}\n`);
      console.log("confusion matrix (rows: true class, columns: predicted)");
      console.log(formatTable(["class", ...classes.map((_, i) => String(i)), "accuracy"], result.confusionMatrix.map((row, t) => [`${t} ${classes[t]}`, ...row, `${(100 * perClass[t]).toFixed(1)}%`])));
    });
  return command;
}
