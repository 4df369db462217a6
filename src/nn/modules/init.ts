import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Generator } from "../../random/generator.js";
import { getDefaultGenerator } from "../../random/generator.js";

/**
 * Weight initialisers of torch.nn.init. Each fills a tensor in place (under noGrad, so parameters
 * can be re-initialised) from `generator`, or the default generator that `lt.manualSeed` seeds.
 */

export type Nonlinearity = "linear" | "conv2d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "selu";
export type FanMode = "fan_in" | "fan_out";

/** Depth of nested skipInit calls; while positive every initialiser leaves its tensor as it is. */
let skipDepth = 0;

/**
 * Builds modules without drawing initial values (torch.nn.utils.skip_init): inside `build` every
 * initialiser of this file is a no-op, so parameters stay zero until a checkpoint is loaded. Drawing
 * 138M values for a VGG-16 that is about to be overwritten takes seconds; allocating them does not.
 */
export function skipInit<T>(build: () => T): T {
  skipDepth++;
  try {
    return build();
  } finally {
    skipDepth--;
  }
}

/** Writes one draw per element into `t` (any layout) and returns it. */
function fillWith<T extends Tensor>(t: T, draw: () => number): T {
  if (skipDepth > 0) return t;
  const values = Tensor.empty(t.shape, t.dtype);
  for (let i = 0; i < values.data.length; i++) values.data[i] = draw();
  noGrad(() => t.copy_(values));
  return t;
}

/** The gain torch.nn.init.calculate_gain recommends for a nonlinearity (`param`: leaky_relu's slope). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear":
    case "conv2d":
    case "sigmoid":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity "${String(nonlinearity)}"`);
  }
}

/**
 * fan_in = dim 1 x receptive field, fan_out = dim 0 x receptive field, for a weight laid out
 * [out, in, ...kernel] (Linear and Conv); needs at least 2 dims.
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new RangeError(`calculateFanInAndFanOut: fan in and fan out need a tensor of at least 2 dims, got shape ${formatShape(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

export function uniform_<T extends Tensor>(t: T, low = 0, high = 1, generator?: Generator): T {
  const g = generator ?? getDefaultGenerator();
  return fillWith(t, () => low + (high - low) * g.uniform());
}

export function normal_<T extends Tensor>(t: T, mean = 0, std = 1, generator?: Generator): T {
  const g = generator ?? getDefaultGenerator();
  return fillWith(t, () => mean + std * g.normal());
}

/**
 * Normal(mean, std) restricted to [low, high] (torch.nn.init.trunc_normal_; torch uses the inverse
 * CDF, rejection sampling gives the same distribution). Intervals far in a tail would reject almost
 * every draw, so they are refused, as a likely mistake in the arguments.
 */
export function truncNormal_<T extends Tensor>(t: T, mean = 0, std = 1, low = -2, high = 2, generator?: Generator): T {
  if (!(low < high)) throw new RangeError(`truncNormal_: low (${low}) must be less than high (${high})`);
  if (mean < low - 2 * std || mean > high + 2 * std) {
    throw new RangeError(`truncNormal_: mean ${mean} is more than 2 std from [${low}, ${high}]; the distribution would be almost empty`);
  }
  const g = generator ?? getDefaultGenerator();
  return fillWith(t, () => {
    for (;;) {
      const x = mean + std * g.normal();
      if (x >= low && x <= high) return x;
    }
  });
}

export function constant_<T extends Tensor>(t: T, value: number): T {
  if (skipDepth > 0) return t;
  noGrad(() => t.fill_(value));
  return t;
}

export const zeros_ = <T extends Tensor>(t: T): T => constant_(t, 0);
export const ones_ = <T extends Tensor>(t: T): T => constant_(t, 1);

export interface KaimingOptions {
  /** Negative slope of the leaky ReLU that follows (0 for ReLU). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function kaimingStd(t: Tensor, opts: KaimingOptions, op: string): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const mode = opts.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") throw new RangeError(`${op}: mode must be "fan_in" or "fan_out", got "${String(mode)}"`);
  const fan = mode === "fan_in" ? fanIn : fanOut;
  if (fan === 0) throw new RangeError(`${op}: cannot initialise a tensor with zero elements (shape ${formatShape(t.shape)})`);
  return calculateGain(opts.nonlinearity ?? "leaky_relu", opts.a ?? 0) / Math.sqrt(fan);
}

/** He et al. 2015: U(-b, b) with b = gain * sqrt(3 / fan). */
export function kaimingUniform_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  const bound = Math.sqrt(3) * kaimingStd(t, opts, "kaimingUniform_");
  return uniform_(t, -bound, bound, opts.generator);
}

/** He et al. 2015: N(0, gain^2 / fan). */
export function kaimingNormal_<T extends Tensor>(t: T, opts: KaimingOptions = {}): T {
  return normal_(t, 0, kaimingStd(t, opts, "kaimingNormal_"), opts.generator);
}

export interface XavierOptions {
  gain?: number;
  generator?: Generator;
}

/** Glorot & Bengio 2010: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)). */
export function xavierUniform_<T extends Tensor>(t: T, opts: XavierOptions = {}): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, opts.generator);
}

/** Glorot & Bengio 2010: N(0, gain^2 * 2 / (fan_in + fan_out)). */
export function xavierNormal_<T extends Tensor>(t: T, opts: XavierOptions = {}): T {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), opts.generator);
}

/**
 * PyTorch's default for Linear and Conv layers (reset_parameters): the weight from
 * kaiming_uniform_(a = sqrt(5)), which is U(-1/sqrt(fan_in), 1/sqrt(fan_in)), then the bias from
 * the same bound. The weight is drawn first, as torch does.
 */
export function initLinearLike(weight: Tensor, bias: Tensor | null, generator?: Generator): void {
  kaimingUniform_(weight, { a: Math.sqrt(5), generator });
  if (!bias) return;
  const { fanIn } = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound, generator);
}
