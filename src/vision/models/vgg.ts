import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { BatchNorm2d } from "../../nn/modules/normalization.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/modules/pooling.js";
import { ReLU } from "../../nn/modules/activation.js";
import { LocalResponseNorm } from "../../nn/modules/lrn.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, normalLinear, numClassesOf, probability } from "./common.js";

/** The columns of Table 1 in Simonyan & Zisserman 2015 (ConvNet configurations A-E). */
export type VGGConfig = "A" | "A-LRN" | "B" | "C" | "D" | "E";

/** A 3x3 convolution's channels, a 1x1 convolution (configuration C), or max pooling. */
type Layer = number | { conv1x1: number } | "M";

const M = "M" as const;
const CONFIGS: Record<VGGConfig, readonly Layer[]> = {
  A: [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
  "A-LRN": [64, M, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
  B: [64, 64, M, 128, 128, M, 256, 256, M, 512, 512, M, 512, 512, M],
  C: [64, 64, M, 128, 128, M, 256, 256, { conv1x1: 256 }, M, 512, 512, { conv1x1: 512 }, M, 512, 512, { conv1x1: 512 }, M],
  D: [64, 64, M, 128, 128, M, 256, 256, 256, M, 512, 512, 512, M, 512, 512, 512, M],
  E: [64, 64, M, 128, 128, M, 256, 256, 256, 256, M, 512, 512, 512, 512, M, 512, 512, 512, 512, M],
};

export interface VGGOptions extends ClassifierOptions {
  /** BatchNorm2d after every convolution (torchvision's `vgg16_bn` …). */
  batchNorm?: boolean;
  /** Dropout in the classifier (default 0.5). */
  dropout?: number;
}

/**
 * The conv stack: conv-[BN]-ReLU per entry, 2x2 max pooling at "M". Configuration A-LRN adds the
 * AlexNet LRN (size 5, alpha 1e-4, beta 0.75, k 2) after the first layer, as the paper's table.
 */
function makeFeatures(config: VGGConfig, batchNorm: boolean): Sequential {
  const layers: Module[] = [];
  let channels = 3;
  for (const entry of CONFIGS[config]) {
    if (entry === M) {
      layers.push(new MaxPool2d(2, { stride: 2 }));
      continue;
    }
    const [out, kernel] = typeof entry === "number" ? [entry, 3] : [entry.conv1x1, 1];
    layers.push(new Conv2d(channels, out, kernel, { padding: (kernel - 1) / 2 }));
    if (batchNorm) layers.push(new BatchNorm2d(out));
    layers.push(new ReLU());
    if (config === "A-LRN" && channels === 3) layers.push(new LocalResponseNorm(5, 1e-4, 0.75, 2));
    channels = out;
  }
  return new Sequential(...layers);
}

/** VGG as torchvision builds it: features, a 7x7 adaptive average pool, and the 4096-4096 classifier. */
export class VGG extends Module {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d([7, 7]);
  classifier: Sequential;

  constructor(config: VGGConfig, opts: VGGOptions = {}) {
    super();
    if (!(config in CONFIGS)) throw new RangeError(`vgg: config must be one of ${Object.keys(CONFIGS).join(", ")}, got ${JSON.stringify(config)}`);
    const numClasses = numClassesOf(opts, "vgg");
    const p = probability(opts.dropout ?? 0.5, "vgg", "dropout");
    this.features = makeFeatures(config, opts.batchNorm ?? false);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096), new ReLU(), new Dropout(p),
      new Linear(4096, 4096), new ReLU(), new Dropout(p),
      new Linear(4096, numClasses),
    );
    initWeights(this, { conv: kaimingFanOut, linear: normalLinear(0.01) });
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(flatten1(this.avgpool.call(this.features.call(input))));
  }
}

/** Any column of the paper's table, e.g. vgg("C") or vgg("A-LRN"). */
export function vgg(config: VGGConfig, opts: VGGOptions = {}): VGG {
  return new VGG(config, opts);
}

/** Configuration A (11 weight layers); `lrn: true` gives A-LRN. */
export function vgg11(opts: VGGOptions & { lrn?: boolean } = {}): VGG {
  return new VGG(opts.lrn ? "A-LRN" : "A", opts);
}

/** Configuration B (13 weight layers). */
export function vgg13(opts: VGGOptions = {}): VGG {
  return new VGG("B", opts);
}

/** Configuration D (16 weight layers); `conv1x1: true` gives C, whose third conv in the last three blocks is 1x1. */
export function vgg16(opts: VGGOptions & { conv1x1?: boolean } = {}): VGG {
  return new VGG(opts.conv1x1 ? "C" : "D", opts);
}

/** Configuration E (19 weight layers). */
export function vgg19(opts: VGGOptions = {}): VGG {
  return new VGG("E", opts);
}

export const vgg11Bn = (opts: Omit<VGGOptions, "batchNorm"> & { lrn?: boolean } = {}): VGG => vgg11({ ...opts, batchNorm: true });
export const vgg13Bn = (opts: Omit<VGGOptions, "batchNorm"> = {}): VGG => vgg13({ ...opts, batchNorm: true });
export const vgg16Bn = (opts: Omit<VGGOptions, "batchNorm"> & { conv1x1?: boolean } = {}): VGG => vgg16({ ...opts, batchNorm: true });
export const vgg19Bn = (opts: Omit<VGGOptions, "batchNorm"> = {}): VGG => vgg19({ ...opts, batchNorm: true });
