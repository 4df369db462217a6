/**
 * The arithmetic of one convolution layer, as the notes teach it: output size
 * floor((M + 2P - D(K - 1) - 1) / S) + 1 per spatial dim (PyTorch's Conv2d formula), parameters
 * K_h K_w C_in / G x C_out (+ C_out biases), and multiply-accumulates = one per weight per output
 * position. No tensors are built, so it answers for any size instantly.
 */

export interface ConvSpec {
  /** Input height, width and channels. */
  height: number;
  width: number;
  channels?: number;
  /** Kernel size, square or [kh, kw]. */
  kernel: number | readonly [number, number];
  padding?: number | readonly [number, number];
  stride?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  outChannels?: number;
  groups?: number;
  bias?: boolean;
}

export interface ConvCost {
  /** [height, width, channels] of the output. */
  output: [number, number, number];
  params: number;
  /** Multiply-accumulates (= multiplications; the notes' "计算量"). */
  macs: number;
  /** 2 x macs. */
  flops: number;
}

export interface SeparableCost {
  /** The depthwise K x K conv (one filter per input channel), then the 1x1 pointwise conv to outChannels. */
  depthwise: ConvCost;
  pointwise: ConvCost;
  params: number;
  macs: number;
  flops: number;
  /** Separable / standard: 1/N + 1/K^2 for a square kernel (Howard et al. 2017, eq. 5 over eq. 2). */
  paramsRatio: number;
  macsRatio: number;
}

export interface ConvCalcResult extends ConvCost {
  input: [number, number, number];
  /** Present when asked for: the depthwise-separable replacement of the same layer. */
  separable?: SeparableCost;
}

const pairOf = (v: number | readonly [number, number]): [number, number] => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

function checkInt(value: number, name: string, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`convCalc: ${name} must be an integer >= ${min}, got ${value}`);
}

/** floor((size + 2 padding - dilation (kernel - 1) - 1) / stride) + 1, the size PyTorch's Conv2d produces. */
export function convOutputSize(size: number, kernel: number, padding = 0, stride = 1, dilation = 1): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  if (span < 0) throw new RangeError(`convCalc: the dilated kernel (${dilation * (kernel - 1) + 1}) is larger than the padded input (${size + 2 * padding})`);
  return Math.floor(span / stride) + 1;
}

/** Output size, parameters and MACs of one convolution. */
export function convCost(spec: ConvSpec): ConvCost {
  const channels = spec.channels ?? 1;
  const outChannels = spec.outChannels ?? 1;
  const groups = spec.groups ?? 1;
  const [kh, kw] = pairOf(spec.kernel);
  const [ph, pw] = pairOf(spec.padding ?? 0);
  const [sh, sw] = pairOf(spec.stride ?? 1);
  const [dh, dw] = pairOf(spec.dilation ?? 1);
  for (const [v, name, min] of [[spec.height, "height", 1], [spec.width, "width", 1], [channels, "channels", 1], [outChannels, "outChannels", 1],
    [groups, "groups", 1], [kh, "kernel", 1], [kw, "kernel", 1], [ph, "padding", 0], [pw, "padding", 0], [sh, "stride", 1], [sw, "stride", 1],
    [dh, "dilation", 1], [dw, "dilation", 1]] as const) checkInt(v, name, min);
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw new RangeError(`convCalc: groups (${groups}) must divide both the input channels (${channels}) and outChannels (${outChannels})`);
  }
  const oh = convOutputSize(spec.height, kh, ph, sh, dh);
  const ow = convOutputSize(spec.width, kw, pw, sw, dw);
  const weightsPerFilter = kh * kw * (channels / groups);
  const params = weightsPerFilter * outChannels + (spec.bias ? outChannels : 0);
  const macs = oh * ow * outChannels * weightsPerFilter;
  return { output: [oh, ow, outChannels], params, macs, flops: 2 * macs };
}

/** The layer and, with `separable`, its depthwise-separable replacement (same output size). */
export function convCalc(spec: ConvSpec, opts: { separable?: boolean } = {}): ConvCalcResult {
  const standard = convCost(spec);
  const channels = spec.channels ?? 1;
  const result: ConvCalcResult = { input: [spec.height, spec.width, channels], ...standard };
  if (!opts.separable) return result;
  const depthwise = convCost({ ...spec, outChannels: channels, groups: channels });
  const [height, width] = depthwise.output;
  const pointwise = convCost({ height, width, channels, kernel: 1, outChannels: spec.outChannels ?? 1, bias: spec.bias });
  const params = depthwise.params + pointwise.params;
  const macs = depthwise.macs + pointwise.macs;
  result.separable = {
    depthwise, pointwise, params, macs, flops: 2 * macs,
    paramsRatio: params / standard.params, macsRatio: macs / standard.macs,
  };
  return result;
}
