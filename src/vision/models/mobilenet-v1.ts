import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling.js";
import { Conv2dNormActivation } from "../ops/misc.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, normalLinear, numClassesOf, probability } from "./common.js";

/**
 * A depthwise separable convolution (Howard et al. 2017, Fig. 3 right): a 3x3 depthwise
 * conv-BN-ReLU that filters each channel, then a 1x1 pointwise conv-BN-ReLU that mixes them. It
 * costs D_K^2 M D_F^2 + M N D_F^2 multiply-adds instead of D_K^2 M N D_F^2 (eq. 5 vs 2).
 */
export class DepthwiseSeparableConv extends Module {
  depthwise: Conv2dNormActivation;
  pointwise: Conv2dNormActivation;

  constructor(inChannels: number, outChannels: number, stride: number) {
    super();
    this.depthwise = new Conv2dNormActivation(inChannels, inChannels, 3, { stride, groups: inChannels });
    this.pointwise = new Conv2dNormActivation(inChannels, outChannels, 1);
  }

  forward(x: Tensor): Tensor {
    return this.pointwise.call(this.depthwise.call(x));
  }
}

/** Output channels and stride of the 13 separable layers (the paper's Table 1). */
const LAYOUT: readonly [number, number][] = [
  [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
  [512, 1], [512, 1], [512, 1], [512, 1], [512, 1],
  [1024, 2], [1024, 1],
];

export interface MobileNetV1Options extends ClassifierOptions {
  /** The width multiplier alpha (sec. 3.3): every layer gets floor(alpha * channels) channels; 1, 0.75, 0.5, 0.25 in the paper. */
  widthMult?: number;
  dropout?: number;
}

/**
 * MobileNet v1 (Howard et al. 2017). torchvision has none, so the layout follows the paper with
 * torchvision's MobileNet conventions for names: `features` (a stride-2 3x3 conv then 13
 * DepthwiseSeparableConv blocks), `avgpool`, `classifier` = [Dropout, Linear]. 1.0-224: 4.23M
 * parameters and 569M multiply-adds, as the paper's Table 8 (4.2M, 569M). The resolution
 * multiplier rho is simply the input size: the network is fully convolutional up to avgpool.
 */
export class MobileNetV1 extends Module {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d(1);
  classifier: Sequential;

  constructor(opts: MobileNetV1Options = {}) {
    super();
    const numClasses = numClassesOf(opts, "mobilenet_v1");
    const alpha = opts.widthMult ?? 1;
    if (!(alpha > 0)) throw new RangeError(`mobilenet_v1: widthMult must be positive, got ${alpha}`);
    const scaled = (c: number) => Math.max(1, Math.floor(c * alpha));
    let channels = scaled(32);
    const layers: Module[] = [new Conv2dNormActivation(3, channels, 3, { stride: 2 })];
    for (const [out, stride] of LAYOUT) {
      layers.push(new DepthwiseSeparableConv(channels, scaled(out), stride));
      channels = scaled(out);
    }
    this.features = new Sequential(...layers);
    this.classifier = new Sequential(new Dropout(probability(opts.dropout ?? 0.2, "mobilenet_v1", "dropout")), new Linear(channels, numClasses));
    initWeights(this, { conv: kaimingFanOut, linear: normalLinear(0.01) });
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(flatten1(this.avgpool.call(this.features.call(input))));
  }
}

export function mobilenetV1(opts: MobileNetV1Options = {}): MobileNetV1 {
  return new MobileNetV1(opts);
}
