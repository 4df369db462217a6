import { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/index.js";
import type { Pair } from "../functional/index.js";
import type { Generator } from "../../random/generator.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { initLinearLike } from "./init.js";
import { checkPositiveInt } from "./linear.js";
import { PreparedConv2dCache } from "../functional/prepared-conv.js";

export interface Conv2dOptions {
  stride?: Pair;
  /** Zeros on each side, a pair (h, w), "valid" (none) or "same" (output size = input size; stride 1 only). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  generator?: Generator;
}

const asPair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

/**
 * 2-D convolution (torch.nn.Conv2d) over NCHW input: weight [outChannels, inChannels / groups,
 * kH, kW], bias [outChannels]. groups = inChannels makes it depthwise.
 */
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | "same" | "valid";
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Parameter;
  bias: Parameter | null;
  /** An activation applied by the convolution itself (set by nn.utils.fuseConvBn); null for none. */
  activation: "relu" | "relu6" | null = null;
  #prepared = new PreparedConv2dCache();

  constructor(inChannels: number, outChannels: number, kernelSize: Pair, opts: Conv2dOptions = {}) {
    super();
    checkPositiveInt(inChannels, "Conv2d", "inChannels");
    checkPositiveInt(outChannels, "Conv2d", "outChannels");
    const groups = opts.groups ?? 1;
    checkPositiveInt(groups, "Conv2d", "groups");
    if (inChannels % groups !== 0) throw new RangeError(`Conv2d: inChannels (${inChannels}) must be divisible by groups (${groups})`);
    if (outChannels % groups !== 0) throw new RangeError(`Conv2d: outChannels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = asPair(kernelSize);
    this.stride = asPair(opts.stride ?? 1);
    this.dilation = asPair(opts.dilation ?? 1);
    for (const [name, [h, w]] of [["kernelSize", this.kernelSize], ["stride", this.stride], ["dilation", this.dilation]] as const) {
      checkPositiveInt(h, "Conv2d", name);
      checkPositiveInt(w, "Conv2d", name);
    }
    const padding = opts.padding ?? 0;
    if (padding === "same" && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new RangeError(`Conv2d: padding "same" is not supported for strided convolutions (stride ${this.stride.join("x")})`);
    }
    this.padding = typeof padding === "string" ? padding : asPair(padding);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.groups = groups;
    this.weight = new Parameter(Tensor.empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = opts.bias ?? true ? new Parameter(Tensor.empty([outChannels])) : null;
    this.resetParameters(opts.generator);
  }

  resetParameters(generator?: Generator): void {
    initLinearLike(this.weight, this.bias, generator);
  }

  /**
   * With `residual` (a tensor of the output's shape), returns activation(conv(input) + residual):
   * a residual block's shortcut sum done in the convolution's own pass (see lt.F.conv2d).
   */
  forward(input: Tensor, residual?: Tensor): Tensor {
    // In eval mode the backend's packed copy of the weights is kept between calls (it is rebuilt
    // after any write to them); training frees it.
    if (this.training && this.#prepared.size > 0) this.#prepared.clear();
    return F.conv2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, activation: this.activation,
      prepared: this.training ? null : this.#prepared, residual,
    });
  }

  override extraRepr(): string {
    const tuple = (p: readonly number[]) => `(${p.join(", ")})`;
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${tuple(this.kernelSize)}, stride=${tuple(this.stride)}`];
    if (typeof this.padding === "string") parts.push(`padding=${this.padding}`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=${tuple(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${tuple(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=False");
    if (this.activation !== null) parts.push(`activation=${this.activation}`);
    return parts.join(", ");
  }
}
