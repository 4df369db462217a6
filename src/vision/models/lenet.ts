import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Sequential } from "../../nn/modules/container.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { Flatten } from "../../nn/modules/flatten.js";
import { MaxPool2d, AvgPool2d } from "../../nn/modules/pooling.js";
import { ReLU, Tanh } from "../../nn/modules/activation.js";

export interface LeNet5Options {
  numClasses?: number;
  /**
   * "relu" (default): ReLU and max pooling, the layout CONTRACT.md and the reference checkpoint use.
   * "classic": tanh and average pooling as in LeCun et al. 1998 (same shapes and parameter names;
   * the 1998 net's sparse C3 connections and RBF output are not reproduced).
   */
  variant?: "relu" | "classic";
}

/**
 * LeNet-5 for 1x28x28 images: features = [Conv2d(1, 6, 5, padding 2), act, pool(2), Conv2d(6, 16, 5),
 * act, pool(2)] -> 16x5x5, classifier = [Flatten, Linear(400, 120), act, Linear(120, 84), act,
 * Linear(84, numClasses)]. 61,706 parameters with 10 classes.
 */
export class LeNet5 extends Module {
  features: Sequential;
  classifier: Sequential;

  constructor(opts: LeNet5Options = {}) {
    super();
    const variant = opts.variant ?? "relu";
    if (variant !== "relu" && variant !== "classic") throw new RangeError(`lenet5: variant must be "relu" or "classic", got ${JSON.stringify(variant)}`);
    const numClasses = opts.numClasses ?? 10;
    if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`lenet5: numClasses must be a positive integer, got ${numClasses}`);
    const act = () => (variant === "relu" ? new ReLU() : new Tanh());
    const pool = () => (variant === "relu" ? new MaxPool2d(2) : new AvgPool2d(2));
    this.features = new Sequential(new Conv2d(1, 6, 5, { padding: 2 }), act(), pool(), new Conv2d(6, 16, 5), act(), pool());
    this.classifier = new Sequential(new Flatten(), new Linear(400, 120), act(), new Linear(120, 84), act(), new Linear(84, numClasses));
  }

  forward(input: Tensor): Tensor {
    return this.classifier.call(this.features.call(input));
  }
}

/** lt.vision.models.lenet5: a freshly initialised LeNet-5 (seed with lt.manualSeed for reproducible weights). */
export function lenet5(opts: LeNet5Options = {}): LeNet5 {
  return new LeNet5(opts);
}
