import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Identity, Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { ReLU6 } from "../../nn/modules/activation.js";
import * as F from "../../nn/functional/index.js";
import { invertedResidual, type InvertedResidualLayers, type InvertedResidualStage } from "../../nn/functional/inverted-residual.js";
import { PreparedInvertedResidualCache } from "../../nn/functional/prepared-conv.js";
import type { NormLayer } from "../ops/misc.js";
import { batchNorm2d, Conv2dNormActivation, makeDivisible, pythonRound } from "../ops/misc.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, normalLinear, numClassesOf, probability } from "./common.js";

const relu6 = () => new ReLU6();

const same = (pair: readonly [number, number], value: number) => pair[0] === value && pair[1] === value;

/** A Conv2dNormActivation whose batch norm and activation fuseConvBn folded into its convolution. */
function foldedStage(m: Module | undefined): [Conv2d, InvertedResidualStage] | null {
  if (!(m instanceof Sequential)) return null;
  const [conv, ...rest] = m.children();
  if (!(conv instanceof Conv2d) || conv.activation === null || !rest.every((r) => r instanceof Identity)) return null;
  return [conv, { weight: conv.weight, bias: conv.bias, activation: conv.activation }];
}

/**
 * The block's layers for the fused kernel (F's invertedResidual) once nn.utils.fuseConvBn has
 * folded every batch norm and activation: the expansion (when the block has one), depthwise (odd
 * square kernel, padding k / 2) and a linear projection. Null for any other state of the block.
 */
function fusedLayers(layers: Module[], residual: boolean): InvertedResidualLayers | null {
  if ((layers.length !== 3 && layers.length !== 4) || !(layers[layers.length - 1] instanceof Identity)) return null;
  const expand = layers.length === 4 ? foldedStage(layers[0]) : null;
  const depthwise = foldedStage(layers[layers.length - 3]), project = layers[layers.length - 2];
  if ((layers.length === 4 && !expand) || !depthwise || !(project instanceof Conv2d) || project.activation !== null) return null;
  const d = depthwise[0];
  const k = d.kernelSize[0];
  const pointwise = (c: Conv2d) => same(c.kernelSize, 1) && same(c.stride, 1) && c.groups === 1 &&
    (c.padding === "valid" || (typeof c.padding !== "string" && same(c.padding, 0)));
  const depthwiseFits = d.groups === d.inChannels && d.outChannels === d.inChannels && same(d.kernelSize, k) && k % 2 === 1 &&
    d.stride[0] === d.stride[1] && same(d.dilation, 1) && typeof d.padding !== "string" && same(d.padding, (k - 1) / 2);
  if ((expand && !pointwise(expand[0])) || !pointwise(project) || !depthwiseFits) return null;
  return {
    expand: expand ? expand[1] : null, depthwise: depthwise[1], stride: d.stride[0],
    project: { weight: project.weight, bias: project.bias }, residual,
  };
}

/**
 * The inverted residual with linear bottleneck (Sandler et al. 2018, Table 1): 1x1 expansion by t
 * (ReLU6), 3x3 depthwise (ReLU6), 1x1 linear projection; a shortcut when shapes allow.
 */
export class InvertedResidual extends Module {
  readonly useResConnect: boolean;
  conv: Sequential;

  constructor(inp: number, oup: number, stride: number, expandRatio: number, normLayer: NormLayer) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`mobilenet_v2: stride should be 1 or 2, got ${stride}`);
    const hidden = pythonRound(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, 1, { normLayer, activationLayer: relu6 }));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, 3, { stride, groups: hidden, normLayer, activationLayer: relu6 }),
      new Conv2d(hidden, oup, 1, { bias: false }),
      normLayer(oup),
    );
    this.conv = new Sequential(...layers);
  }

  /** The projection convolution when it adds the shortcut itself (after nn.utils.fuseConvBn). */
  #shortcutConv: Conv2d | null = null;

  /** For nn.utils.fuseConvBn, once the projection's batch norm is folded: the projection adds the shortcut. */
  fuseResidual(): (() => void) | null {
    const layers = this.conv.children();
    const [projection, norm] = layers.slice(-2);
    if (!this.useResConnect || this.#shortcutConv || !(projection instanceof Conv2d) || !(norm instanceof Identity)) return null;
    if (projection.activation !== null) return null;
    this.#shortcutConv = projection;
    return () => void (this.#shortcutConv = null);
  }

  /** Packed weights for the fused kernel, made on the first fused call. */
  readonly #fusedWeights = new PreparedInvertedResidualCache();

  forward(x: Tensor): Tensor {
    // Folded and in inference: the whole block in one kernel where the backend has one.
    const layers = this.training ? null : fusedLayers(this.conv.children(), this.useResConnect);
    const fused = layers ? invertedResidual(x, layers, this.#fusedWeights) : null;
    if (fused) return fused;
    if (this.#shortcutConv) {
      const layers = this.conv.children();
      let h = x;
      for (const layer of layers.slice(0, -2)) h = layer.call(h);
      return this.#shortcutConv.call(h, x);
    }
    const y = this.conv.call(x);
    return this.useResConnect ? x.add(y) : y;
  }
}

export interface MobileNetV2Options extends ClassifierOptions {
  /** Scales every layer's channels (rounded to multiples of `roundNearest`). */
  widthMult?: number;
  /** Rows of t (expansion), c (channels), n (repeats), s (first stride); the paper's Table 2 by default. */
  invertedResidualSetting?: readonly (readonly [number, number, number, number])[];
  roundNearest?: number;
  normLayer?: NormLayer;
  dropout?: number;
}

const SETTING: readonly [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/** MobileNetV2 as torchvision builds it: 3.5M parameters, 301M multiply-adds at 224x224. */
export class MobileNetV2 extends Module {
  readonly lastChannel: number;
  features: Sequential;
  classifier: Sequential;

  constructor(opts: MobileNetV2Options = {}) {
    super();
    const numClasses = numClassesOf(opts, "mobilenet_v2");
    const width = opts.widthMult ?? 1;
    const round = opts.roundNearest ?? 8;
    const normLayer = opts.normLayer ?? batchNorm2d();
    const setting = opts.invertedResidualSetting ?? SETTING;
    if (setting.length === 0 || setting.some((row) => row.length !== 4)) {
      throw new RangeError("mobilenet_v2: invertedResidualSetting must be a non-empty list of [t, c, n, s] rows");
    }
    let input = makeDivisible(32 * width, round);
    this.lastChannel = makeDivisible(1280 * Math.max(1, width), round);
    const features: Module[] = [new Conv2dNormActivation(3, input, 3, { stride: 2, normLayer, activationLayer: relu6 })];
    for (const [t, c, n, s] of setting) {
      const output = makeDivisible(c * width, round);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(input, output, i === 0 ? s : 1, t, normLayer));
        input = output;
      }
    }
    features.push(new Conv2dNormActivation(input, this.lastChannel, 1, { normLayer, activationLayer: relu6 }));
    this.features = new Sequential(...features);
    this.classifier = new Sequential(new Dropout(probability(opts.dropout ?? 0.2, "mobilenet_v2", "dropout")), new Linear(this.lastChannel, numClasses));
    initWeights(this, { conv: kaimingFanOut, linear: normalLinear(0.01) });
  }

  forward(input: Tensor): Tensor {
    // torchvision pools functionally here (no avgpool module, so none in a summary either).
    return this.classifier.call(flatten1(F.adaptiveAvgPool2d(this.features.call(input), [1, 1])));
  }
}

export function mobilenetV2(opts: MobileNetV2Options = {}): MobileNetV2 {
  return new MobileNetV2(opts);
}
