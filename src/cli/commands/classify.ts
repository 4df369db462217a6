import { Command } from "commander";
import { modelEntry } from "../../vision/models/registry.js";
import { skipInit } from "../../nn/modules/init.js";
import { loadSafetensors } from "../../io/safetensors.js";
import { classify } from "../../vision/classify.js";
import type { ClassPrediction } from "../../vision/classify.js";
import { backend } from "../../backend/index.js";
import { InputError } from "../errors.js";
import { printJson } from "../output.js";
import { integerFlag } from "../options.js";

interface ClassifyOptions {
  model: string;
  weights: string;
  topK: string;
  batchSize: string;
  transformInput: boolean;
  json?: boolean;
}

/** Library errors about user input (bad file, wrong checkpoint), prefixed with what they concern. */
async function asInput<T>(what: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new InputError(`${what}: ${error.message}`);
    throw error;
  }
}

export function classifyCommand(): Command {
  return new Command("classify")
    .description("top-k ImageNet classes of JPEG/PNG/WebP images with a torchvision checkpoint (safetensors)")
    .argument("<images...>", "image files")
    .requiredOption("--model <name>", "architecture (torchvision's name, e.g. resnet50, mobilenet_v2)")
    .requiredOption("--weights <file>", "state dict saved as safetensors (float32, float16 or bfloat16), torchvision key names")
    .option("--top-k <k>", "classes to show per image", "5")
    .option("--batch-size <n>", "images per forward pass", "8")
    .option("--no-transform-input", "GoogLeNet / Inception v3: weights expect ImageNet normalisation directly (not torchvision's ported ones)")
    .option("--json", "print the predictions as one JSON document")
    .action(async (images: string[], opts: ClassifyOptions) => {
      const topK = integerFlag("--top-k", opts.topK);
      const batchSize = integerFlag("--batch-size", opts.batchSize);
      const entry = await asInput("--model", () => modelEntry(opts.model));
      if (!entry.imagenet) throw new InputError(`--model ${entry.name}: not an ImageNet classifier (expects ${entry.inputShape.join("x")} input)`);
      const options = opts.transformInput ? entry.pretrainedOptions ?? {} : {};
      // The checkpoint overwrites every parameter, so drawing random initial weights would be wasted work.
      const model = skipInit(() => entry.build(options));
      const dict = await asInput(opts.weights, () => loadSafetensors(opts.weights));
      await asInput(opts.weights, () => model.loadStateDict(dict));
      const log = opts.json ? (line: string) => console.error(line) : (line: string) => console.log(line);
      const start = performance.now();
      const predictions = await asInput("image", () => classify(model, images, { topK, batchSize, preprocessing: entry.imagenet }));
      const seconds = (performance.now() - start) / 1000;
      const results = images.map((image, i) => ({ image, predictions: predictions[i].map((p: ClassPrediction, rank) => ({ rank: rank + 1, ...p })) }));
      if (opts.json) {
        printJson({ model: entry.name, weights: opts.weights, backend: backend(), preprocessing: entry.imagenet, results });
        return;
      }
      for (const { image, predictions: top } of results) {
        log(image);
        for (const p of top) log(`  ${String(p.rank).padStart(2)}. ${(p.probability * 100).toFixed(2).padStart(6)}%  ${p.label} (${p.index})`);
      }
      console.error(`${images.length} image(s) in ${seconds.toFixed(2)} s on the ${backend()} backend`);
    });
}
