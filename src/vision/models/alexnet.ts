import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { Dropout } from "../../nn/modules/dropout.js";
import { AdaptiveAvgPool2d, MaxPool2d } from "../../nn/modules/pooling.js";
import { ReLU } from "../../nn/modules/activation.js";
import type { ClassifierOptions } from "./common.js";
import { flatten1, numClassesOf, probability } from "./common.js";

export interface AlexNetOptions extends ClassifierOptions {
  /** Dropout before each hidden fully connected layer (default 0.5). */
  dropout?: number;
}

/**
 * AlexNet as torchvision builds it (Krizhevsky 2014, "One weird trick…": the single-tower variant
 * with 64/192/384/256/256 filters and no local response normalisation), 61.1M parameters.
 */
export class AlexNet extends Module {
  features: Sequential;
  avgpool = new AdaptiveAvgPool2d([6, 6]);
  classifier: Sequential;

  constructor(opts: AlexNetOptions = {}) {
    super();
    const numClasses = numClassesOf(opts, "alexnet");
    const p = probability(opts.dropout ?? 0.5, "alexnet", "dropout");
    this.features = new Sequential(
      new Conv2d(3, 64, 11, { stride: 4, padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU(),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU(),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU(), new MaxPool2d(3, { stride: 2 }),
    );
    this.classifier = new Sequential(
      new Dropout(p), new Linear(256 * 6 * 6, 4096), new ReLU(),
      new Dropout(p), new Linear(4096, 4096), new ReLU(),
      new Linear(4096, numClasses),
    );
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(flatten1(this.avgpool.call(this.features.call(input))));
  }
}

export function alexnet(opts: AlexNetOptions = {}): AlexNet {
  return new AlexNet(opts);
}
