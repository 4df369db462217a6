import type { Tensor } from "../../tensor/tensor.js";
import { cat } from "../../ops/join.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import type { Conv2dOptions } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { BatchNorm2d } from "../../nn/modules/normalization.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/modules/pooling.js";
import * as F from "../../nn/functional/index.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, numClassesOf, probability, truncNormalWeight } from "./common.js";

/** Conv (no bias), BatchNorm (eps 0.001, as the TensorFlow ports), ReLU: the unit of GoogLeNet and Inception v3. */
export class BasicConv2d extends Module {
  conv: Conv2d;
  bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: Omit<Conv2dOptions, "bias"> = {}) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { ...opts, bias: false });
    this.bn = new BatchNorm2d(outChannels, { eps: 0.001 });
  }

  forward(x: Tensor): Tensor {
    return F.relu(this.bn.call(this.conv.call(x)));
  }
}

/**
 * The GoogLeNet Inception module (Szegedy et al. 2015, Fig. 2b): 1x1; 1x1 then 3x3; 1x1 then
 * "5x5"; 3x3 max pool then 1x1, concatenated. torchvision's third branch uses a 3x3 kernel (a
 * known deviation kept for its weights, pytorch/vision#906), and so does this one.
 */
export class Inception extends Module {
  branch1: BasicConv2d;
  branch2: Sequential;
  branch3: Sequential;
  branch4: Sequential;

  constructor(inChannels: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number) {
    super();
    this.branch1 = new BasicConv2d(inChannels, ch1x1, 1);
    this.branch2 = new Sequential(new BasicConv2d(inChannels, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1 }));
    this.branch3 = new Sequential(new BasicConv2d(inChannels, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, { padding: 1 }));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inChannels, poolProj, 1));
  }

  forward(x: Tensor): Tensor {
    return cat([this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)], 1);
  }
}

/** Auxiliary classifier on inception4a / 4d, used only in training. */
export class InceptionAux extends Module {
  conv: BasicConv2d;
  fc1 = new Linear(2048, 1024);
  fc2: Linear;
  dropout: Dropout;

  constructor(inChannels: number, numClasses: number, dropout = 0.7) {
    super();
    this.conv = new BasicConv2d(inChannels, 128, 1);
    this.fc2 = new Linear(1024, numClasses);
    this.dropout = new Dropout(dropout);
  }

  forward(x: Tensor): Tensor {
    const y = flatten1(this.conv.call(F.adaptiveAvgPool2d(x, [4, 4])));
    return this.fc2.call(this.dropout.call(F.relu(this.fc1.call(y))));
  }
}

/**
 * torchvision's `transform_input`: weights ported from TensorFlow expect (x - 0.5) / 0.5 input, so an
 * ImageNet-normalised batch is mapped channel by channel: x * std / 0.5 + (mean - 0.5) / 0.5.
 */
export function transformInput(x: Tensor): Tensor {
  const std = [0.229, 0.224, 0.225];
  const mean = [0.485, 0.456, 0.406];
  return cat(std.map((s, c) => x.narrow(1, c, 1).mul(s / 0.5).add((mean[c] - 0.5) / 0.5)), 1);
}

export interface GoogLeNetOptions extends ClassifierOptions {
  /** The two auxiliary classifiers (default false; torchvision's pretrained checkpoint has none). */
  auxLogits?: boolean;
  /** Map ImageNet-normalised input to the ported weights' convention (true for torchvision's pretrained weights). */
  transformInput?: boolean;
  dropout?: number;
  dropoutAux?: number;
}

/** In training with auxLogits, forward returns all three heads. */
export interface GoogLeNetOutputs {
  logits: Tensor;
  aux2: Tensor;
  aux1: Tensor;
}

/** GoogLeNet (Inception v1) as torchvision builds it (with batch norm), 6.6M parameters without the aux heads. */
export class GoogLeNet extends Module {
  readonly auxLogits: boolean;
  readonly transformInput: boolean;
  conv1 = new BasicConv2d(3, 64, 7, { stride: 2, padding: 3 });
  maxpool1 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  conv2 = new BasicConv2d(64, 64, 1);
  conv3 = new BasicConv2d(64, 192, 3, { padding: 1 });
  maxpool2 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  inception3a = new Inception(192, 64, 96, 128, 16, 32, 32);
  inception3b = new Inception(256, 128, 128, 192, 32, 96, 64);
  maxpool3 = new MaxPool2d(3, { stride: 2, ceilMode: true });
  inception4a = new Inception(480, 192, 96, 208, 16, 48, 64);
  inception4b = new Inception(512, 160, 112, 224, 24, 64, 64);
  inception4c = new Inception(512, 128, 128, 256, 24, 64, 64);
  inception4d = new Inception(512, 112, 144, 288, 32, 64, 64);
  inception4e = new Inception(528, 256, 160, 320, 32, 128, 128);
  maxpool4 = new MaxPool2d(2, { stride: 2, ceilMode: true });
  inception5a = new Inception(832, 256, 160, 320, 32, 128, 128);
  inception5b = new Inception(832, 384, 192, 384, 48, 128, 128);
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  dropout: Dropout;
  fc: Linear;

  constructor(opts: GoogLeNetOptions = {}) {
    super();
    const numClasses = numClassesOf(opts, "googlenet");
    this.auxLogits = opts.auxLogits ?? false;
    this.transformInput = opts.transformInput ?? false;
    const dropoutAux = probability(opts.dropoutAux ?? 0.7, "googlenet", "dropoutAux");
    this.aux1 = this.auxLogits ? new InceptionAux(512, numClasses, dropoutAux) : null;
    this.aux2 = this.auxLogits ? new InceptionAux(528, numClasses, dropoutAux) : null;
    this.dropout = new Dropout(probability(opts.dropout ?? 0.2, "googlenet", "dropout"));
    this.fc = new Linear(1024, numClasses);
    const trunc = truncNormalWeight(0.01);
    initWeights(this, { conv: trunc, linear: trunc });
  }

  /** Logits, or in training mode with auxLogits all three heads (torchvision's GoogLeNetOutputs). */
  forward(input: Tensor): Tensor | GoogLeNetOutputs {
    let x = this.transformInput ? transformInput(input) : input;
    x = this.maxpool2.call(this.conv3.call(this.conv2.call(this.maxpool1.call(this.conv1.call(x)))));
    x = this.maxpool3.call(this.inception3b.call(this.inception3a.call(x)));
    x = this.inception4a.call(x);
    const aux1 = this.training && this.aux1 ? this.aux1.call(x) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x)));
    const aux2 = this.training && this.aux2 ? this.aux2.call(x) : null;
    x = this.maxpool4.call(this.inception4e.call(x));
    x = this.inception5b.call(this.inception5a.call(x));
    const logits = this.fc.call(this.dropout.call(flatten1(this.avgpool.call(x))));
    return aux1 && aux2 ? { logits, aux2, aux1 } : logits;
  }
}

export function googlenet(opts: GoogLeNetOptions = {}): GoogLeNet {
  return new GoogLeNet(opts);
}
