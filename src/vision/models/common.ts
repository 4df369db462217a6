import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "../../nn/modules/module.js";
import { Conv2d } from "../../nn/modules/conv.js";
import { Linear } from "../../nn/modules/linear.js";
import { BatchNorm2d, GroupNorm } from "../../nn/modules/normalization.js";
import { kaimingNormal_, normal_, ones_, truncNormal_, uniform_, zeros_ } from "../../nn/modules/init.js";

/** Options every classifier takes. */
export interface ClassifierOptions {
  numClasses?: number;
}

/** The class count, checked, with the ImageNet default. */
export function numClassesOf(opts: ClassifierOptions, model: string): number {
  const n = opts.numClasses ?? 1000;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${model}: numClasses must be a positive integer, got ${n}`);
  return n;
}

/** Checks a probability option (dropout rates). */
export function probability(p: number, model: string, name: string): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${model}: ${name} must be between 0 and 1, got ${p}`);
  return p;
}

/** torch.flatten(x, 1): the models flatten functionally, so no Flatten row appears in a summary (as torchvision). */
export function flatten1(x: Tensor): Tensor {
  return x.flatten(1);
}

/**
 * The re-initialisation loops torchvision's constructors end with, as rules per layer type; a
 * rule left out keeps PyTorch's default (kaiming-uniform for Conv2d and Linear).
 */
export interface InitRules {
  conv?: (m: Conv2d) => void;
  linear?: (m: Linear) => void;
}

export function initWeights(model: Module, rules: InitRules): void {
  for (const m of model.modules()) {
    if (m instanceof Conv2d && rules.conv) rules.conv(m);
    else if (m instanceof Linear && rules.linear) rules.linear(m);
    else if (m instanceof BatchNorm2d || m instanceof GroupNorm) {
      if (m.weight) ones_(m.weight);
      if (m.bias) zeros_(m.bias);
    }
  }
}

/** kaiming_normal_(mode="fan_out", nonlinearity="relu") and a zero bias: ResNet, VGG, MobileNet, EfficientNet convs. */
export function kaimingFanOut(m: Conv2d): void {
  kaimingNormal_(m.weight, { mode: "fan_out", nonlinearity: "relu" });
  if (m.bias) zeros_(m.bias);
}

/** normal_(0, std) and a zero bias (VGG and MobileNet classifiers). */
export function normalLinear(std: number): (m: Linear) => void {
  return (m) => {
    normal_(m.weight, 0, std);
    if (m.bias) zeros_(m.bias);
  };
}

/** trunc_normal_(0, std, -2, 2) on the weight only (GoogLeNet, Inception v3). */
export function truncNormalWeight(std: number): (m: Conv2d | Linear) => void {
  return (m) => void truncNormal_(m.weight, 0, std, -2, 2);
}

/** U(-1/sqrt(out), 1/sqrt(out)) and a zero bias (EfficientNet's classifier). */
export function uniformByOutFeatures(m: Linear): void {
  const range = 1 / Math.sqrt(m.outFeatures);
  uniform_(m.weight, -range, range);
  if (m.bias) zeros_(m.bias);
}
