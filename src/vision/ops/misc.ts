import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { BatchNorm2d } from "../../nn/modules/normalization.js";
import type { BatchNormOptions } from "../../nn/modules/normalization.js";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling.js";
import { ReLU, Sigmoid } from "../../nn/modules/activation.js";

/** Builds the normalisation layer for `channels` channels (torchvision's `norm_layer`). */
export type NormLayer = (channels: number) => Module;
/** Builds an activation module (torchvision's `activation_layer`). */
export type ActivationLayer = () => Module;

/** BatchNorm2d with fixed options, as torchvision's `partial(nn.BatchNorm2d, eps=…, momentum=…)`. */
export function batchNorm2d(opts: BatchNormOptions = {}): NormLayer {
  return (channels) => new BatchNorm2d(channels, opts);
}

/**
 * torchvision's _make_divisible (from the TensorFlow MobileNet code): rounds `value` to the nearest
 * multiple of `divisor`, at least `minValue`, and never more than 10% below `value`.
 */
export function makeDivisible(value: number, divisor: number, minValue = divisor): number {
  const rounded = Math.max(minValue, Math.floor(Math.trunc(value + divisor / 2) / divisor) * divisor);
  return rounded < 0.9 * value ? rounded + divisor : rounded;
}

/** Python's round(): halves go to the even neighbour (torchvision's expansion widths and crop offsets use it). */
export function pythonRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface Conv2dNormActivationOptions {
  stride?: number;
  /** Defaults to (kernelSize - 1) / 2 * dilation, which keeps the size at stride 1. */
  padding?: number;
  groups?: number;
  dilation?: number;
  /** null: no normalisation (and then the convolution gets a bias). */
  normLayer?: NormLayer | null;
  /** null: no activation. */
  activationLayer?: ActivationLayer | null;
  bias?: boolean;
}

/**
 * torchvision.ops.Conv2dNormActivation: Sequential(conv, norm, activation), so its children are
 * named "0", "1", "2" and a MobileNet's keys read `features.0.0.weight`, `features.0.1.running_mean`.
 */
export class Conv2dNormActivation extends Sequential {
  readonly outChannels: number;

  constructor(inChannels: number, outChannels: number, kernelSize = 3, opts: Conv2dNormActivationOptions = {}) {
    const dilation = opts.dilation ?? 1;
    const normLayer = opts.normLayer === undefined ? batchNorm2d() : opts.normLayer;
    const activationLayer = opts.activationLayer === undefined ? () => new ReLU() : opts.activationLayer;
    const layers: Module[] = [
      new Conv2d(inChannels, outChannels, kernelSize, {
        stride: opts.stride ?? 1,
        padding: opts.padding ?? Math.floor((kernelSize - 1) / 2) * dilation,
        dilation,
        groups: opts.groups ?? 1,
        bias: opts.bias ?? normLayer === null,
      }),
    ];
    if (normLayer) layers.push(normLayer(outChannels));
    if (activationLayer) layers.push(activationLayer());
    super(...layers);
    this.outChannels = outChannels;
  }
}

/**
 * torchvision.ops.SqueezeExcitation (Hu et al. 2018, Fig. 1): global average pool, 1x1 conv down
 * to `squeezeChannels`, activation, 1x1 conv back up, and the gate `scaleActivation` multiplies
 * the input channel-wise.
 */
export class SqueezeExcitation extends Module {
  avgpool = new AdaptiveAvgPool2d(1);
  fc1: Conv2d;
  fc2: Conv2d;
  activation: Module;
  scale_activation: Module;

  constructor(inputChannels: number, squeezeChannels: number, activation: ActivationLayer = () => new ReLU(), scaleActivation: ActivationLayer = () => new Sigmoid()) {
    super();
    this.fc1 = new Conv2d(inputChannels, squeezeChannels, 1);
    this.fc2 = new Conv2d(squeezeChannels, inputChannels, 1);
    this.activation = activation();
    this.scale_activation = scaleActivation();
  }

  forward(input: Tensor): Tensor {
    let scale = this.avgpool.call(input);
    scale = this.activation.call(this.fc1.call(scale));
    scale = this.scale_activation.call(this.fc2.call(scale));
    return input.mul(scale);
  }
}
