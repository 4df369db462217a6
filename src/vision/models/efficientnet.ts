import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling.js";
import { SiLU } from "../../nn/modules/activation.js";
import type { NormLayer } from "../ops/misc.js";
import { batchNorm2d, Conv2dNormActivation, makeDivisible, SqueezeExcitation } from "../ops/misc.js";
import { StochasticDepth } from "../ops/stochastic-depth.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, numClassesOf, probability, uniformByOutFeatures } from "./common.js";

const silu = () => new SiLU();

/** One stage of the paper's Table 1 after compound scaling. */
interface StageConfig {
  expandRatio: number;
  kernel: number;
  stride: number;
  input: number;
  out: number;
  layers: number;
}

/**
 * Mobile inverted bottleneck with squeeze-and-excitation (Tan & Le 2019; MnasNet's MBConv): 1x1
 * expansion (SiLU), depthwise conv (SiLU), SE with a quarter of the *input* channels, linear 1x1
 * projection; the residual branch passes stochastic depth in training.
 */
export class MBConv extends Module {
  readonly useResConnect: boolean;
  block: Sequential;
  stochastic_depth: StochasticDepth;

  constructor(c: StageConfig, stochasticDepthProb: number, normLayer: NormLayer) {
    super();
    this.useResConnect = c.stride === 1 && c.input === c.out;
    const expanded = makeDivisible(c.input * c.expandRatio, 8);
    const layers: Module[] = [];
    if (expanded !== c.input) layers.push(new Conv2dNormActivation(c.input, expanded, 1, { normLayer, activationLayer: silu }));
    layers.push(
      new Conv2dNormActivation(expanded, expanded, c.kernel, { stride: c.stride, groups: expanded, normLayer, activationLayer: silu }),
      new SqueezeExcitation(expanded, Math.max(1, Math.floor(c.input / 4)), silu),
      new Conv2dNormActivation(expanded, c.out, 1, { normLayer, activationLayer: null }),
    );
    this.block = new Sequential(...layers);
    this.stochastic_depth = new StochasticDepth(stochasticDepthProb, "row");
  }

  forward(x: Tensor): Tensor {
    const y = this.block.call(x);
    return this.useResConnect ? this.stochastic_depth.call(y).add(x) : y;
  }
}

/** EfficientNet-B0's stages (expansion, kernel, stride, in, out, repeats), the paper's Table 1. */
const B0: readonly [number, number, number, number, number, number][] = [
  [1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3],
  [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1],
];

export interface EfficientNetOptions extends ClassifierOptions {
  /** Classifier dropout; each variant has its own default (0.2 for B0 up to 0.5 for B7). */
  dropout?: number;
  /** Drop rate of the last block's residual branch; earlier blocks get proportionally less (default 0.2). */
  stochasticDepthProb?: number;
}

/**
 * EfficientNet (Tan & Le 2019) with compound scaling: channels x widthMult (rounded to multiples of
 * 8), repeats x depthMult (rounded up); the resolution coefficient is the input size the variant
 * was trained at (EFFICIENTNET_RESOLUTION).
 */
export class EfficientNet extends Module {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  classifier: Sequential;

  constructor(widthMult: number, depthMult: number, dropout: number, normLayer: NormLayer, opts: EfficientNetOptions = {}) {
    super();
    const numClasses = numClassesOf(opts, "efficientnet");
    const sdProb = probability(opts.stochasticDepthProb ?? 0.2, "efficientnet", "stochasticDepthProb");
    const stages: StageConfig[] = B0.map(([expandRatio, kernel, stride, input, out, layers]) => ({
      expandRatio, kernel, stride, input: makeDivisible(input * widthMult, 8), out: makeDivisible(out * widthMult, 8),
      layers: Math.ceil(layers * depthMult),
    }));
    const layers: Module[] = [new Conv2dNormActivation(3, stages[0].input, 3, { stride: 2, normLayer, activationLayer: silu })];
    const totalBlocks = stages.reduce((n, s) => n + s.layers, 0);
    let blockId = 0;
    for (const stage of stages) {
      const blocks: Module[] = [];
      for (let i = 0; i < stage.layers; i++) {
        const c = i === 0 ? stage : { ...stage, input: stage.out, stride: 1 };
        // Stochastic depth grows linearly with the block's position (Huang et al. 2016, "linear decay").
        blocks.push(new MBConv(c, (sdProb * blockId) / totalBlocks, normLayer));
        blockId++;
      }
      layers.push(new Sequential(...blocks));
    }
    const lastInput = stages[stages.length - 1].out;
    layers.push(new Conv2dNormActivation(lastInput, 4 * lastInput, 1, { normLayer, activationLayer: silu }));
    this.features = new Sequential(...layers);
    this.classifier = new Sequential(new Dropout(probability(dropout, "efficientnet", "dropout")), new Linear(4 * lastInput, numClasses));
    initWeights(this, { conv: kaimingFanOut, linear: uniformByOutFeatures });
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(flatten1(this.avgpool.call(this.features.call(input))));
  }
}

/** Width, depth, dropout and training resolution of B0-B7 (torchvision's builders and weights). */
const VARIANTS = [
  [1.0, 1.0, 0.2, 224], [1.0, 1.1, 0.2, 240], [1.1, 1.2, 0.3, 288], [1.2, 1.4, 0.3, 300],
  [1.4, 1.8, 0.4, 380], [1.6, 2.2, 0.4, 456], [1.8, 2.6, 0.5, 528], [2.0, 3.1, 0.5, 600],
] as const;

/** The input size each variant's torchvision weights were evaluated at (the compound-scaled resolution). */
export const EFFICIENTNET_RESOLUTION = VARIANTS.map((v) => v[3]);

function variant(index: number): (opts?: EfficientNetOptions) => EfficientNet {
  const [width, depth, dropout] = VARIANTS[index];
  // B5-B7 keep the TensorFlow checkpoints' batch-norm settings, as torchvision's builders do.
  const normLayer = index >= 5 ? batchNorm2d({ eps: 0.001, momentum: 0.01 }) : batchNorm2d();
  return (opts = {}) => new EfficientNet(width, depth, opts.dropout ?? dropout, normLayer, opts);
}

export const efficientnetB0 = variant(0);
export const efficientnetB1 = variant(1);
export const efficientnetB2 = variant(2);
export const efficientnetB3 = variant(3);
export const efficientnetB4 = variant(4);
export const efficientnetB5 = variant(5);
export const efficientnetB6 = variant(6);
export const efficientnetB7 = variant(7);
