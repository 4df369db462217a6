import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling.js";
import { Hardsigmoid, Hardswish, ReLU } from "../../nn/modules/activation.js";
import type { NormLayer } from "../ops/misc.js";
import { batchNorm2d, Conv2dNormActivation, makeDivisible, SqueezeExcitation } from "../ops/misc.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, normalLinear, numClassesOf, probability } from "./common.js";

/** One row of the paper's Tables 1 and 2, channels already scaled by the width multiplier. */
interface BlockConfig {
  input: number;
  kernel: number;
  expanded: number;
  out: number;
  useSE: boolean;
  hardswish: boolean;
  stride: number;
  dilation: number;
}

/**
 * MobileNetV3's bottleneck (Howard et al. 2019, sec. 5): optional 1x1 expansion, depthwise conv,
 * optional squeeze-and-excitation with a hard-sigmoid gate, linear 1x1 projection, residual.
 */
export class InvertedResidualV3 extends Module {
  readonly useResConnect: boolean;
  block: Sequential;

  constructor(c: BlockConfig, normLayer: NormLayer) {
    super();
    if (c.stride !== 1 && c.stride !== 2) throw new RangeError(`mobilenet_v3: stride should be 1 or 2, got ${c.stride}`);
    this.useResConnect = c.stride === 1 && c.input === c.out;
    const activationLayer = c.hardswish ? () => new Hardswish() : () => new ReLU();
    const layers: Module[] = [];
    if (c.expanded !== c.input) layers.push(new Conv2dNormActivation(c.input, c.expanded, 1, { normLayer, activationLayer }));
    layers.push(new Conv2dNormActivation(c.expanded, c.expanded, c.kernel, {
      stride: c.dilation > 1 ? 1 : c.stride, dilation: c.dilation, groups: c.expanded, normLayer, activationLayer,
    }));
    if (c.useSE) layers.push(new SqueezeExcitation(c.expanded, makeDivisible(Math.floor(c.expanded / 4), 8), () => new ReLU(), () => new Hardsigmoid()));
    layers.push(new Conv2dNormActivation(c.expanded, c.out, 1, { normLayer, activationLayer: null }));
    this.block = new Sequential(...layers);
  }

  forward(x: Tensor): Tensor {
    const y = this.block.call(x);
    return this.useResConnect ? y.add(x) : y;
  }
}

export interface MobileNetV3Options extends ClassifierOptions {
  widthMult?: number;
  /** Halve the channels of the last stage (the paper's detection/segmentation variant). */
  reducedTail?: boolean;
  /** Dilate the last stage instead of striding (segmentation backbones). */
  dilated?: boolean;
  dropout?: number;
}

/** input, kernel, expanded, out, SE, hard-swish, stride; a trailing "tail" marks the last stage. */
type Row = [number, number, number, number, boolean, boolean, number, ("tail" | "")?];
const LARGE: Row[] = [
  [16, 3, 16, 16, false, false, 1], [16, 3, 64, 24, false, false, 2], [24, 3, 72, 24, false, false, 1],
  [24, 5, 72, 40, true, false, 2], [40, 5, 120, 40, true, false, 1], [40, 5, 120, 40, true, false, 1],
  [40, 3, 240, 80, false, true, 2], [80, 3, 200, 80, false, true, 1], [80, 3, 184, 80, false, true, 1],
  [80, 3, 184, 80, false, true, 1], [80, 3, 480, 112, true, true, 1], [112, 3, 672, 112, true, true, 1],
  [112, 5, 672, 160, true, true, 2, "tail"], [160, 5, 960, 160, true, true, 1, "tail"], [160, 5, 960, 160, true, true, 1, "tail"],
];
const SMALL: Row[] = [
  [16, 3, 16, 16, true, false, 2], [16, 3, 72, 24, false, false, 2], [24, 3, 88, 24, false, false, 1],
  [24, 5, 96, 40, true, true, 2], [40, 5, 240, 40, true, true, 1], [40, 5, 240, 40, true, true, 1],
  [40, 5, 120, 48, true, true, 1], [48, 5, 144, 48, true, true, 1],
  [48, 5, 288, 96, true, true, 2, "tail"], [96, 5, 576, 96, true, true, 1, "tail"], [96, 5, 576, 96, true, true, 1, "tail"],
];

/**
 * torchvision's _mobilenet_v3_conf: with reducedTail the last stage's channels are halved, with
 * dilated its depthwise convs use dilation 2.
 */
function configure(rows: Row[], lastChannel: number, opts: MobileNetV3Options): { blocks: BlockConfig[]; lastChannel: number } {
  const width = opts.widthMult ?? 1;
  if (!(width > 0)) throw new RangeError(`mobilenet_v3: widthMult must be positive, got ${width}`);
  const divider = opts.reducedTail ? 2 : 1;
  const adjust = (c: number) => makeDivisible(c * width, 8);
  let previousTail = false;
  const blocks = rows.map(([input, kernel, expanded, out, useSE, hardswish, stride, tail]) => {
    const inTail = tail === "tail";
    // The first tail row only narrows its output; the rows after it narrow everything.
    const afterTail = (c: number) => (previousTail ? Math.floor(c / divider) : c);
    const block: BlockConfig = {
      input: adjust(afterTail(input)), kernel, expanded: adjust(afterTail(expanded)),
      out: adjust(inTail ? Math.floor(out / divider) : out), useSE, hardswish, stride, dilation: inTail && opts.dilated ? 2 : 1,
    };
    previousTail = inTail;
    return block;
  });
  return { blocks, lastChannel: adjust(Math.floor(lastChannel / divider)) };
}

export class MobileNetV3 extends Module {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  classifier: Sequential;

  constructor(blocks: readonly BlockConfig[], lastChannel: number, opts: MobileNetV3Options = {}) {
    super();
    const numClasses = numClassesOf(opts, "mobilenet_v3");
    // The TensorFlow reference's batch-norm settings (eps 0.001, momentum 0.01).
    const normLayer = batchNorm2d({ eps: 0.001, momentum: 0.01 });
    const layers: Module[] = [new Conv2dNormActivation(3, blocks[0].input, 3, { stride: 2, normLayer, activationLayer: () => new Hardswish() })];
    for (const c of blocks) layers.push(new InvertedResidualV3(c, normLayer));
    const lastConv = 6 * blocks[blocks.length - 1].out;
    layers.push(new Conv2dNormActivation(blocks[blocks.length - 1].out, lastConv, 1, { normLayer, activationLayer: () => new Hardswish() }));
    this.features = new Sequential(...layers);
    this.classifier = new Sequential(
      new Linear(lastConv, lastChannel), new Hardswish(),
      new Dropout(probability(opts.dropout ?? 0.2, "mobilenet_v3", "dropout")), new Linear(lastChannel, numClasses),
    );
    initWeights(this, { conv: kaimingFanOut, linear: normalLinear(0.01) });
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(flatten1(this.avgpool.call(this.features.call(input))));
  }
}

export function mobilenetV3Large(opts: MobileNetV3Options = {}): MobileNetV3 {
  const { blocks, lastChannel } = configure(LARGE, 1280, opts);
  return new MobileNetV3(blocks, lastChannel, opts);
}

export function mobilenetV3Small(opts: MobileNetV3Options = {}): MobileNetV3 {
  const { blocks, lastChannel } = configure(SMALL, 1024, opts);
  return new MobileNetV3(blocks, lastChannel, opts);
}
