import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Identity, Linear } from "../../nn/modules/linear.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/modules/pooling.js";
import { ReLU } from "../../nn/modules/activation.js";
import { zeros_ } from "../../nn/modules/init.js";
import type { NormLayer } from "../ops/misc.js";
import { batchNorm2d } from "../ops/misc.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, kaimingFanOut, numClassesOf } from "./common.js";

interface BlockArgs {
  inplanes: number;
  planes: number;
  stride: number;
  downsample: Sequential | null;
  groups: number;
  baseWidth: number;
  dilation: number;
  normLayer: NormLayer;
}

const conv3x3 = (inp: number, out: number, stride = 1, groups = 1, dilation = 1) =>
  new Conv2d(inp, out, 3, { stride, padding: dilation, groups, dilation, bias: false });
const conv1x1 = (inp: number, out: number, stride = 1) => new Conv2d(inp, out, 1, { stride, bias: false });

/** Two 3x3 convolutions and the identity shortcut (He et al. 2016, Fig. 2): ResNet-18/34. */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: Module;
  relu = new ReLU();
  conv2: Conv2d;
  bn2: Module;
  downsample: Sequential | null;

  constructor(a: BlockArgs) {
    super();
    if (a.groups !== 1 || a.baseWidth !== 64) throw new RangeError("resnet: BasicBlock only supports groups=1 and widthPerGroup=64");
    if (a.dilation > 1) throw new RangeError("resnet: dilation > 1 is not supported in BasicBlock");
    this.conv1 = conv3x3(a.inplanes, a.planes, a.stride);
    this.bn1 = a.normLayer(a.planes);
    this.conv2 = conv3x3(a.planes, a.planes);
    this.bn2 = a.normLayer(a.planes);
    this.downsample = a.downsample;
  }

  #shortcut = new ShortcutInConv();

  /** For nn.utils.fuseConvBn, once bn2 is folded: conv2 adds the shortcut and applies the ReLU. */
  fuseResidual(): (() => void) | null {
    return this.#shortcut.fuse(this.conv2, this.bn2);
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    if (this.#shortcut.on) return this.conv2.call(out, this.downsample ? this.downsample.call(x) : x);
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(out.add(identity));
  }
}

/**
 * Whether a block ends in one call of its last convolution, which then computes
 * relu(conv(x) + shortcut): set by nn.utils.fuseConvBn once that convolution's batch norm is
 * folded away (the norm is Identity).
 */
class ShortcutInConv {
  on = false;

  /** Sets it up on `conv` and returns the undo, or null when it does not apply. */
  fuse(conv: Conv2d, norm: Module): (() => void) | null {
    if (this.on || !(norm instanceof Identity) || conv.activation !== null) return null;
    conv.activation = "relu";
    this.on = true;
    return () => {
      conv.activation = null;
      this.on = false;
    };
  }
}

/**
 * 1x1 reduce, 3x3, 1x1 expand (x4) with the stride on the 3x3 convolution (torchvision's "ResNet
 * v1.5"); `groups` and `widthPerGroup` give ResNeXt and Wide ResNet.
 */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: Module;
  conv2: Conv2d;
  bn2: Module;
  conv3: Conv2d;
  bn3: Module;
  relu = new ReLU();
  downsample: Sequential | null;

  constructor(a: BlockArgs) {
    super();
    const width = Math.floor(a.planes * (a.baseWidth / 64)) * a.groups;
    this.conv1 = conv1x1(a.inplanes, width);
    this.bn1 = a.normLayer(width);
    this.conv2 = conv3x3(width, width, a.stride, a.groups, a.dilation);
    this.bn2 = a.normLayer(width);
    this.conv3 = conv1x1(width, a.planes * Bottleneck.expansion);
    this.bn3 = a.normLayer(a.planes * Bottleneck.expansion);
    this.downsample = a.downsample;
  }

  #shortcut = new ShortcutInConv();

  /** For nn.utils.fuseConvBn, once bn3 is folded: conv3 adds the shortcut and applies the ReLU. */
  fuseResidual(): (() => void) | null {
    return this.#shortcut.fuse(this.conv3, this.bn3);
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    if (this.#shortcut.on) return this.conv3.call(out, this.downsample ? this.downsample.call(x) : x);
    out = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(out.add(identity));
  }
}

export type ResNetBlock = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions extends ClassifierOptions {
  /** Zero the last BN weight of every residual branch, so each block starts as the identity (Goyal et al. 2017). */
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  /** For layer2..layer4: replace the stride-2 downsampling by dilation (segmentation backbones). */
  replaceStrideWithDilation?: readonly [boolean, boolean, boolean];
  normLayer?: NormLayer;
}

export class ResNet extends Module {
  conv1: Conv2d;
  bn1: Module;
  relu = new ReLU();
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;

  constructor(block: ResNetBlock, layers: readonly [number, number, number, number], opts: ResNetOptions = {}) {
    super();
    const numClasses = numClassesOf(opts, "resnet");
    const normLayer = opts.normLayer ?? batchNorm2d();
    const dilate = opts.replaceStrideWithDilation ?? [false, false, false];
    const groups = opts.groups ?? 1;
    const baseWidth = opts.widthPerGroup ?? 64;
    let inplanes = 64;
    let dilation = 1;
    const makeLayer = (planes: number, blocks: number, stride: number, dilated: boolean): Sequential => {
      const previousDilation = dilation;
      if (dilated) {
        dilation *= stride;
        stride = 1;
      }
      const outChannels = planes * block.expansion;
      const downsample = stride !== 1 || inplanes !== outChannels ? new Sequential(conv1x1(inplanes, outChannels, stride), normLayer(outChannels)) : null;
      const list: Module[] = [new block({ inplanes, planes, stride, downsample, groups, baseWidth, dilation: previousDilation, normLayer })];
      inplanes = outChannels;
      for (let i = 1; i < blocks; i++) list.push(new block({ inplanes, planes, stride: 1, downsample: null, groups, baseWidth, dilation, normLayer }));
      return new Sequential(...list);
    };
    this.conv1 = new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = normLayer(64);
    this.layer1 = makeLayer(64, layers[0], 1, false);
    this.layer2 = makeLayer(128, layers[1], 2, dilate[0]);
    this.layer3 = makeLayer(256, layers[2], 2, dilate[1]);
    this.layer4 = makeLayer(512, layers[3], 2, dilate[2]);
    this.fc = new Linear(512 * block.expansion, numClasses);
    // torchvision leaves the fc layer and conv biases (there are none) at PyTorch's defaults.
    initWeights(this, { conv: (m) => kaimingFanOut(m) });
    if (opts.zeroInitResidual) {
      for (const m of this.modules()) {
        const last = m instanceof Bottleneck ? m.bn3 : m instanceof BasicBlock ? m.bn2 : null;
        const weight = (last as { weight?: Tensor | null } | null)?.weight;
        if (weight) zeros_(weight);
      }
    }
  }

  forward(input: Tensor): Tensor {
    let x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(input))));
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    return this.fc.call(flatten1(this.avgpool.call(x)));
  }
}

type Builder = (opts?: ResNetOptions) => ResNet;
const make = (block: ResNetBlock, layers: [number, number, number, number], preset: ResNetOptions = {}): Builder =>
  (opts = {}) => new ResNet(block, layers, { ...preset, ...opts });

/** He et al. 2016, Table 1. */
export const resnet18 = make(BasicBlock, [2, 2, 2, 2]);
export const resnet34 = make(BasicBlock, [3, 4, 6, 3]);
export const resnet50 = make(Bottleneck, [3, 4, 6, 3]);
export const resnet101 = make(Bottleneck, [3, 4, 23, 3]);
export const resnet152 = make(Bottleneck, [3, 8, 36, 3]);
/** ResNeXt (Xie et al. 2017): cardinality x bottleneck width. */
export const resnext50_32x4d = make(Bottleneck, [3, 4, 6, 3], { groups: 32, widthPerGroup: 4 });
export const resnext101_32x8d = make(Bottleneck, [3, 4, 23, 3], { groups: 32, widthPerGroup: 8 });
export const resnext101_64x4d = make(Bottleneck, [3, 4, 23, 3], { groups: 64, widthPerGroup: 4 });
/** Wide ResNet (Zagoruyko & Komodakis 2016): bottlenecks twice as wide. */
export const wide_resnet50_2 = make(Bottleneck, [3, 4, 6, 3], { widthPerGroup: 128 });
export const wide_resnet101_2 = make(Bottleneck, [3, 4, 23, 3], { widthPerGroup: 128 });
