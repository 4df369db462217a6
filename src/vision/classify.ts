import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import { stack } from "../ops/join.js";
import type { Module } from "../nn/modules/module.js";
import { IMAGENET_CLASSES } from "./imagenet-classes.js";
import { decodeImage } from "./image.js";
import type { ImagenetTransformOptions } from "./preprocess.js";
import { imagenetTransform } from "./preprocess.js";

export interface ClassPrediction {
  index: number;
  label: string;
  probability: number;
}

/** The k most probable classes of each row of [N, classes] logits (softmax probabilities), best first. */
export function topPredictions(logits: Tensor, k = 5, labels: readonly string[] = IMAGENET_CLASSES): ClassPrediction[][] {
  if (logits.ndim !== 2) throw new RangeError(`topPredictions: expected [N, classes] logits, got shape [${logits.shape.join(", ")}]`);
  const classes = logits.shape[1];
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`topPredictions: k must be a positive integer, got ${k}`);
  const { values, indices } = logits.softmax(1).topk(Math.min(k, classes), 1);
  const p = values.toArray();
  const idx = indices.toArray();
  const width = values.shape[1];
  return Array.from({ length: logits.shape[0] }, (_, row) =>
    Array.from({ length: width }, (_, j) => {
      const index = idx[row * width + j];
      return { index, label: labels[index] ?? `class ${index}`, probability: p[row * width + j] };
    }));
}

export interface ClassifyOptions {
  topK?: number;
  /** Resize, crop and interpolation of the model's weights (registry entries carry them). */
  preprocessing?: ImagenetTransformOptions;
  /** Images per forward pass (default 8): bounds memory on long lists. */
  batchSize?: number;
  labels?: readonly string[];
}

/**
 * Decodes each image, applies the ImageNet evaluation transform and returns the top-k classes per
 * image. The model is switched to eval mode (BatchNorm running statistics, no dropout) and run
 * without recording gradients.
 */
export async function classify(model: Module, images: readonly (string | Uint8Array)[], opts: ClassifyOptions = {}): Promise<ClassPrediction[][]> {
  const batchSize = opts.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`classify: batchSize must be a positive integer, got ${batchSize}`);
  model.eval();
  const results: ClassPrediction[][] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const decoded = await Promise.all(images.slice(start, start + batchSize).map((source) => decodeImage(source)));
    const batch = stack(decoded.map((image) => imagenetTransform(image, opts.preprocessing)));
    const logits = noGrad(() => model.call(batch)) as Tensor;
    results.push(...topPredictions(logits, opts.topK ?? 5, opts.labels));
  }
  return results;
}
