import type { Tensor } from "../../tensor/tensor.js";
import { cat } from "../../ops/join.js";
import { Module } from "../../nn/modules/module.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/modules/pooling.js";
import * as F from "../../nn/functional/index.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, initWeights, numClassesOf, probability, truncNormalWeight } from "./common.js";
import { BasicConv2d, transformInput } from "./googlenet.js";

/** The 3x3 average pool (stride 1, padding 1, padded zeros counted) that feeds every pool branch. */
const poolBranch = (x: Tensor) => F.avgPool2d(x, { kernelSize: 3, stride: 1, padding: 1 });
const reducePool = (x: Tensor) => F.maxPool2d(x, { kernelSize: 3, stride: 2 });

/** 35x35 module (Szegedy et al. 2016, Fig. 5): the 5x5 branch and a double 3x3 branch. */
export class InceptionA extends Module {
  branch1x1: BasicConv2d;
  branch5x5_1: BasicConv2d;
  branch5x5_2 = new BasicConv2d(48, 64, 5, { padding: 2 });
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
  branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { padding: 1 });
  branch_pool: BasicConv2d;

  constructor(inChannels: number, poolFeatures: number) {
    super();
    this.branch1x1 = new BasicConv2d(inChannels, 64, 1);
    this.branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
    this.branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
  }

  forward(x: Tensor): Tensor {
    const b5 = this.branch5x5_2.call(this.branch5x5_1.call(x));
    const b3 = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    return cat([this.branch1x1.call(x), b5, b3, this.branch_pool.call(poolBranch(x))], 1);
  }
}

/** Grid reduction 35 -> 17 (Fig. 10). */
export class InceptionB extends Module {
  branch3x3: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
  branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { stride: 2 });

  constructor(inChannels: number) {
    super();
    this.branch3x3 = new BasicConv2d(inChannels, 384, 3, { stride: 2 });
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
  }

  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x)));
    return cat([this.branch3x3.call(x), b3, reducePool(x)], 1);
  }
}

/** 17x17 module with factorised 7x7 convolutions (1x7 then 7x1; Fig. 6). */
export class InceptionC extends Module {
  branch1x1: BasicConv2d;
  branch7x7_1: BasicConv2d;
  branch7x7_2: BasicConv2d;
  branch7x7_3: BasicConv2d;
  branch7x7dbl_1: BasicConv2d;
  branch7x7dbl_2: BasicConv2d;
  branch7x7dbl_3: BasicConv2d;
  branch7x7dbl_4: BasicConv2d;
  branch7x7dbl_5: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inChannels: number, channels7x7: number) {
    super();
    const c7 = channels7x7;
    const row = (i: number, o: number) => new BasicConv2d(i, o, [1, 7], { padding: [0, 3] });
    const col = (i: number, o: number) => new BasicConv2d(i, o, [7, 1], { padding: [3, 0] });
    this.branch1x1 = new BasicConv2d(inChannels, 192, 1);
    this.branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
    this.branch7x7_2 = row(c7, c7);
    this.branch7x7_3 = col(c7, 192);
    this.branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
    this.branch7x7dbl_2 = col(c7, c7);
    this.branch7x7dbl_3 = row(c7, c7);
    this.branch7x7dbl_4 = col(c7, c7);
    this.branch7x7dbl_5 = row(c7, 192);
    this.branch_pool = new BasicConv2d(inChannels, 192, 1);
  }

  forward(x: Tensor): Tensor {
    const b7 = this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x)));
    let bd = this.branch7x7dbl_2.call(this.branch7x7dbl_1.call(x));
    bd = this.branch7x7dbl_5.call(this.branch7x7dbl_4.call(this.branch7x7dbl_3.call(bd)));
    return cat([this.branch1x1.call(x), b7, bd, this.branch_pool.call(poolBranch(x))], 1);
  }
}

/** Grid reduction 17 -> 8. */
export class InceptionD extends Module {
  branch3x3_1: BasicConv2d;
  branch3x3_2 = new BasicConv2d(192, 320, 3, { stride: 2 });
  branch7x7x3_1: BasicConv2d;
  branch7x7x3_2 = new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] });
  branch7x7x3_3 = new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] });
  branch7x7x3_4 = new BasicConv2d(192, 192, 3, { stride: 2 });

  constructor(inChannels: number) {
    super();
    this.branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
    this.branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
  }

  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3_2.call(this.branch3x3_1.call(x));
    let b7 = this.branch7x7x3_2.call(this.branch7x7x3_1.call(x));
    b7 = this.branch7x7x3_4.call(this.branch7x7x3_3.call(b7));
    return cat([b3, b7, reducePool(x)], 1);
  }
}

/** 8x8 module with expanded filter banks (1x3 and 3x1 side by side; Fig. 7). */
export class InceptionE extends Module {
  branch1x1: BasicConv2d;
  branch3x3_1: BasicConv2d;
  branch3x3_2a = new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] });
  branch3x3_2b = new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] });
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2 = new BasicConv2d(448, 384, 3, { padding: 1 });
  branch3x3dbl_3a = new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] });
  branch3x3dbl_3b = new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] });
  branch_pool: BasicConv2d;

  constructor(inChannels: number) {
    super();
    this.branch1x1 = new BasicConv2d(inChannels, 320, 1);
    this.branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
    this.branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
    this.branch_pool = new BasicConv2d(inChannels, 192, 1);
  }

  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3_1.call(x);
    const b3cat = cat([this.branch3x3_2a.call(b3), this.branch3x3_2b.call(b3)], 1);
    const bd = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x));
    const bdcat = cat([this.branch3x3dbl_3a.call(bd), this.branch3x3dbl_3b.call(bd)], 1);
    return cat([this.branch1x1.call(x), b3cat, bdcat, this.branch_pool.call(poolBranch(x))], 1);
  }
}

/** Auxiliary head on Mixed_6e (training only). */
export class InceptionAuxV3 extends Module {
  conv0: BasicConv2d;
  conv1 = new BasicConv2d(128, 768, 5);
  fc: Linear;

  constructor(inChannels: number, numClasses: number) {
    super();
    this.conv0 = new BasicConv2d(inChannels, 128, 1);
    this.fc = new Linear(768, numClasses);
  }

  forward(x: Tensor): Tensor {
    let y = this.conv0.call(F.avgPool2d(x, { kernelSize: 5, stride: 3 }));
    y = F.adaptiveAvgPool2d(this.conv1.call(y), [1, 1]);
    return this.fc.call(flatten1(y));
  }
}

export interface Inception3Options extends ClassifierOptions {
  /** The auxiliary classifier (default false; needs 299x299 input in training). */
  auxLogits?: boolean;
  /** See GoogLeNetOptions.transformInput (true for torchvision's pretrained weights). */
  transformInput?: boolean;
  dropout?: number;
}

/** Inception v3 (Szegedy et al. 2016) as torchvision builds it, for 299x299 input (at least 75x75). */
export class Inception3 extends Module {
  readonly auxLogits: boolean;
  readonly transformInput: boolean;
  Conv2d_1a_3x3 = new BasicConv2d(3, 32, 3, { stride: 2 });
  Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
  Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, { padding: 1 });
  maxpool1 = new MaxPool2d(3, { stride: 2 });
  Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
  Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
  maxpool2 = new MaxPool2d(3, { stride: 2 });
  Mixed_5b = new InceptionA(192, 32);
  Mixed_5c = new InceptionA(256, 64);
  Mixed_5d = new InceptionA(288, 64);
  Mixed_6a = new InceptionB(288);
  Mixed_6b = new InceptionC(768, 128);
  Mixed_6c = new InceptionC(768, 160);
  Mixed_6d = new InceptionC(768, 160);
  Mixed_6e = new InceptionC(768, 192);
  AuxLogits: InceptionAuxV3 | null;
  Mixed_7a = new InceptionD(768);
  Mixed_7b = new InceptionE(1280);
  Mixed_7c = new InceptionE(2048);
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  dropout: Dropout;
  fc: Linear;

  constructor(opts: Inception3Options = {}) {
    super();
    const numClasses = numClassesOf(opts, "inception_v3");
    this.auxLogits = opts.auxLogits ?? false;
    this.transformInput = opts.transformInput ?? false;
    this.AuxLogits = this.auxLogits ? new InceptionAuxV3(768, numClasses) : null;
    this.dropout = new Dropout(probability(opts.dropout ?? 0.5, "inception_v3", "dropout"));
    this.fc = new Linear(2048, numClasses);
    // torchvision draws every conv and linear weight from trunc_normal(0.1), except the aux fc (0.001).
    initWeights(this, { conv: truncNormalWeight(0.1), linear: truncNormalWeight(0.1) });
    if (this.AuxLogits) truncNormalWeight(0.001)(this.AuxLogits.fc);
  }

  /** Logits, or in training mode with auxLogits `{logits, aux}` (torchvision's InceptionOutputs). */
  forward(input: Tensor): Tensor | { logits: Tensor; aux: Tensor } {
    let x = this.transformInput ? transformInput(input) : input;
    x = this.maxpool1.call(this.Conv2d_2b_3x3.call(this.Conv2d_2a_3x3.call(this.Conv2d_1a_3x3.call(x))));
    x = this.maxpool2.call(this.Conv2d_4a_3x3.call(this.Conv2d_3b_1x1.call(x)));
    x = this.Mixed_6a.call(this.Mixed_5d.call(this.Mixed_5c.call(this.Mixed_5b.call(x))));
    x = this.Mixed_6e.call(this.Mixed_6d.call(this.Mixed_6c.call(this.Mixed_6b.call(x))));
    const aux = this.training && this.AuxLogits ? this.AuxLogits.call(x) : null;
    x = this.Mixed_7c.call(this.Mixed_7b.call(this.Mixed_7a.call(x)));
    const logits = this.fc.call(flatten1(this.dropout.call(this.avgpool.call(x))));
    return aux ? { logits, aux } : logits;
  }
}

export function inceptionV3(opts: Inception3Options = {}): Inception3 {
  return new Inception3(opts);
}
