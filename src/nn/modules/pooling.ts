import type { Tensor } from "../../tensor/tensor.js";
import * as F from "../functional/index.js";
import type { AdaptiveSize, Pair } from "../functional/index.js";
import { Module } from "./module.js";

const show = (p: Pair | null | undefined): string => (p == null ? "None" : typeof p === "number" ? String(p) : `(${p.join(", ")})`);

export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

/** Maximum over each window (torch.nn.MaxPool2d); padding counts as -inf. */
export class MaxPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly dilation: Pair;
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, opts: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.dilation = opts.dilation ?? 1;
    this.ceilMode = opts.ceilMode ?? false;
  }

  forward(input: Tensor): Tensor {
    return F.maxPool2d(input, { kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}

export interface AvgPool2dOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Whether padded zeros count in the divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Mean over each window (torch.nn.AvgPool2d). */
export class AvgPool2d extends Module {
  readonly kernelSize: Pair;
  readonly stride: Pair;
  readonly padding: Pair;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, opts: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = opts.stride ?? kernelSize;
    this.padding = opts.padding ?? 0;
    this.ceilMode = opts.ceilMode ?? false;
    this.countIncludePad = opts.countIncludePad ?? true;
    this.divisorOverride = opts.divisorOverride ?? null;
  }

  forward(input: Tensor): Tensor {
    return F.avgPool2d(input, {
      kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** The output size both adaptive poolings keep, and how they print it. */
abstract class AdaptivePool2d extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    this.outputSize = outputSize;
  }

  override extraRepr(): string {
    return `output_size=${typeof this.outputSize === "number" ? this.outputSize : `(${this.outputSize.map((s) => s ?? "None").join(", ")})`}`;
  }
}

/** Average pooling to a fixed output size whatever the input size (torch.nn.AdaptiveAvgPool2d). */
export class AdaptiveAvgPool2d extends AdaptivePool2d {
  forward(input: Tensor): Tensor {
    return F.adaptiveAvgPool2d(input, this.outputSize);
  }
}

/** Max pooling to a fixed output size (torch.nn.AdaptiveMaxPool2d). */
export class AdaptiveMaxPool2d extends AdaptivePool2d {
  forward(input: Tensor): Tensor {
    return F.adaptiveMaxPool2d(input, this.outputSize);
  }
}
