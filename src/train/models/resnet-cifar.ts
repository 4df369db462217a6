import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { AdaptiveAvgPool2d } from "../../nn/modules/pooling.js";
import { BatchNorm2d } from "../../nn/modules/normalization.js";
import { Dropout } from "../../nn/modules/dropout.js";

/** Two 3x3 convs with a residual connection; a 1x1 projection where the shape changes (option B of He et al.). */
class BasicBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;

  constructor(inPlanes: number, planes: number, stride: number) {
    super();
    this.conv1 = new Conv2d(inPlanes, planes, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = new Conv2d(planes, planes, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = stride !== 1 || inPlanes !== planes ? new Sequential(new Conv2d(inPlanes, planes, 1, { stride, bias: false }), new BatchNorm2d(planes)) : null;
  }

  forward(x: Tensor): Tensor {
    const out = this.bn2.call(this.conv2.call(this.bn1.call(this.conv1.call(x)).relu()));
    return out.add(this.downsample ? this.downsample.call(x) : x).relu();
  }
}

export interface ResNetCifarOptions {
  /** 6n + 2 layers: 20, 32, 44, 56, 110 (default 20). */
  depth?: number;
  inChannels?: number;
  numClasses?: number;
  /** Dropout before the final Linear (default 0). */
  dropout?: number;
}

/**
 * The CIFAR ResNets of He et al. 2016 ("Deep Residual Learning", section 4.2): a 3x3 stem of 16
 * channels, three stages of n BasicBlocks with 16, 32 and 64 channels (stride 2 between stages),
 * global average pooling and one Linear. ResNet-20 has 0.27 M parameters. Names follow
 * torchvision's ResNet (layer1.0.conv1, fc).
 */
export class ResNetCifar extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  avgpool: AdaptiveAvgPool2d;
  dropout: Dropout;
  fc: Linear;

  constructor(opts: ResNetCifarOptions = {}) {
    super();
    const depth = opts.depth ?? 20;
    if (!Number.isInteger(depth) || (depth - 2) % 6 !== 0 || depth < 8) throw new RangeError(`resnetCifar: depth must be 6n + 2 (20, 32, 44, 56, 110), got ${depth}`);
    const n = (depth - 2) / 6;
    this.conv1 = new Conv2d(opts.inChannels ?? 3, 16, 3, { padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(16);
    const stage = (inPlanes: number, planes: number, stride: number) =>
      new Sequential(...Array.from({ length: n }, (_, i) => new BasicBlock(i === 0 ? inPlanes : planes, planes, i === 0 ? stride : 1)));
    this.layer1 = stage(16, 16, 1);
    this.layer2 = stage(16, 32, 2);
    this.layer3 = stage(32, 64, 2);
    this.avgpool = new AdaptiveAvgPool2d(1);
    this.dropout = new Dropout(opts.dropout ?? 0);
    this.fc = new Linear(64, opts.numClasses ?? 10);
  }

  forward(x: Tensor): Tensor {
    const features = this.layer3.call(this.layer2.call(this.layer1.call(this.bn1.call(this.conv1.call(x)).relu())));
    return this.fc.call(this.dropout.call(this.avgpool.call(features).flatten(1)));
  }
}
