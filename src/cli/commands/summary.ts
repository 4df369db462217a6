import { Command } from "commander";
import { modelEntry } from "../../vision/models/registry.js";
import { skipInit } from "../../nn/modules/init.js";
import { summary } from "../../analysis/summary.js";
import type { ModelSummary } from "../../analysis/summary.js";
import { InputError } from "../errors.js";
import { formatTable, printJson } from "../output.js";
import { integerFlag } from "../options.js";

interface SummaryOptions {
  input?: string;
  numClasses?: string;
  json?: boolean;
}

/** "1x3x224x224", or "3x224x224" with the batch of 1 implied. */
export function parseInputShape(text: string): number[] {
  const dims = text.toLowerCase().split(/[x,]/).map((d) => d.trim());
  const shape = dims.map(Number);
  if (dims.some((d) => !/^\d+$/.test(d)) || shape.some((d) => d < 1) || shape.length < 3 || shape.length > 4) {
    throw new InputError(`--input: expected NxCxHxW or CxHxW with positive integers (e.g. 1x3x224x224), got "${text}"`);
  }
  return shape.length === 3 ? [1, ...shape] : shape;
}

/** 1234567 -> "1,234,567". */
const grouped = (n: number) => n.toLocaleString("en-US");
/** Powers of 1000 with the usual suffixes: 1.81G. */
function metric(n: number): string {
  for (const [size, suffix] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "K"]] as const) if (n >= size) return `${(n / size).toFixed(2)}${suffix}`;
  return String(n);
}
const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MB`;

function printSummary(name: string, s: ModelSummary): void {
  const rows = s.layers.map((l) => [l.name, l.type, `[${l.output.join(", ")}]`, l.params ? grouped(l.params) : "-", l.macs ? grouped(l.macs) : "-"]);
  console.log(`${name}: input [${s.inputShape.join(", ")}] -> output [${s.outputShape.join(", ")}]\n`);
  console.log(formatTable(["layer", "type", "output shape", "params", "MACs"], rows));
  console.log("");
  console.log(formatTable(["total", "value"], [
    ["parameters", grouped(s.params)],
    ["trainable", grouped(s.trainableParams)],
    ["frozen", grouped(s.frozenParams)],
    ["buffers (running stats)", grouped(s.buffers)],
    ["MACs", `${grouped(s.macs)} (${metric(s.macs)})`],
    ["FLOPs (2 x MACs)", `${grouped(s.flops)} (${metric(s.flops)})`],
    ["parameters + buffers", megabytes(s.paramBytes)],
    ["activations (forward)", megabytes(s.activationBytes)],
  ]));
}

export function summaryCommand(): Command {
  return new Command("summary")
    .description("per-layer output shapes, parameters and MACs of a model, with totals (FLOPs = 2 x MACs, as torch's flop counter)")
    .argument("<model>", "model name (torchvision's, e.g. resnet18, vgg16_bn, mobilenet_v2, efficientnet_b0)")
    .option("--input <shape>", "input shape NxCxHxW (default: the model's usual size with batch 1)")
    .option("--num-classes <n>", "classifier outputs (default 1000, 10 for lenet5)")
    .option("--json", "print the summary as one JSON document")
    .action((name: string, opts: SummaryOptions) => {
      let entry;
      try {
        entry = modelEntry(name);
      } catch (error) {
        throw new InputError((error as Error).message);
      }
      const shape = opts.input === undefined ? [1, ...entry.inputShape] : parseInputShape(opts.input);
      const numClasses = opts.numClasses === undefined ? undefined : integerFlag("--num-classes", opts.numClasses);
      // Only shapes matter here: skip drawing random weights (seconds for VGG's 138M).
      const model = skipInit(() => entry.build(numClasses === undefined ? {} : { numClasses }));
      let result: ModelSummary;
      try {
        result = summary(model, shape);
      } catch (error) {
        if (error instanceof RangeError || error instanceof TypeError) throw new InputError(`--input [${shape.join(", ")}] does not fit ${entry.name}: ${error.message}`);
        throw error;
      }
      if (opts.json) printJson({ model: entry.name, ...result });
      else printSummary(entry.name, result);
    });
}
