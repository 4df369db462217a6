import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { getBackend } from "../../backend/index.js";
import type { Conv2dGeometry } from "../../backend/backend.js";
import { needsGrad, record } from "../../autograd/node.js";
import { uninitialized } from "../../ops/util.js";
import type { Pair } from "./args.js";
import { batchInput, pair, requireSameDtype } from "./args.js";
import { relu, relu6 } from "./activation.js";
import type { PreparedConv2dCache } from "./prepared-conv.js";
import { markActivated } from "./activated.js";

export interface Conv2dOptions {
  stride?: Pair;
  /** Zeros on each side, or "valid" (none), or "same" (output size = input size; stride 1 only). */
  padding?: Pair | "same" | "valid";
  dilation?: Pair;
  groups?: number;
  /**
   * An activation applied to the output: the same as calling F.relu / F.relu6 on it, done in the
   * convolution's own pass when no gradient is needed (inference after fuseConvBn).
   */
  activation?: "relu" | "relu6" | null;
  /**
   * Weights prepared by the backend for repeated inference calls, used when no gradient is needed
   * (nn.Conv2d passes its own in eval mode). Ignored while a gradient is being recorded.
   */
  prepared?: PreparedConv2dCache | null;
  /**
   * A tensor of the output's shape added to the convolution before the activation:
   * activation(conv2d(x) + residual), as a ResNet block ends. Without a gradient to record this
   * costs no extra pass over the output.
   */
  residual?: Tensor | null;
}

/** The residual operand in the batched output's shape, or a RangeError naming the mismatch. */
function residualOperand(residual: Tensor, x: Tensor, g: Conv2dGeometry, unbatched: boolean): Tensor {
  if (!(residual instanceof Tensor)) throw new TypeError("conv2d: residual must be a Tensor");
  const shape = [g.batch, g.outChannels, g.outHeight, g.outWidth];
  const expected = unbatched ? shape.slice(1) : shape;
  if (residual.dtype !== x.dtype) throw new TypeError(`conv2d: residual has dtype ${residual.dtype}, the input ${x.dtype}`);
  if (residual.shape.join() !== expected.join()) {
    throw new RangeError(`conv2d: residual has shape ${formatShape(residual.shape)}, but the output has shape ${formatShape(expected)}`);
  }
  return unbatched ? residual.unsqueeze(0) : residual;
}

/** Padding before and after along one spatial dim. */
interface Padding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * "same" pads d*(k-1) in total per dim; when that is odd PyTorch puts the extra zero on the
 * bottom/right (aten/src/ATen/native/Convolution.cpp, _convolution_mode).
 */
function resolvePadding(padding: Conv2dOptions["padding"], kernel: [number, number], dilation: [number, number], stride: [number, number]): Padding {
  if (padding === "valid") return { top: 0, bottom: 0, left: 0, right: 0 };
  if (padding === "same") {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new RangeError(`conv2d: padding="same" is not supported for strided convolutions (stride ${formatShape(stride)})`);
    }
    const totalH = dilation[0] * (kernel[0] - 1);
    const totalW = dilation[1] * (kernel[1] - 1);
    const top = Math.floor(totalH / 2);
    const left = Math.floor(totalW / 2);
    return { top, bottom: totalH - top, left, right: totalW - left };
  }
  if (typeof padding === "string") throw new RangeError(`conv2d: padding must be a number, a pair, "same" or "valid", got "${padding}"`);
  const [ph, pw] = pair(padding ?? 0, "conv2d", "padding", 0);
  return { top: ph, bottom: ph, left: pw, right: pw };
}

/** Validates shapes and options and returns the kernel geometry (the batched input is NCHW). */
function conv2dGeometry(x: Tensor, weight: Tensor, bias: Tensor | null, opts: Conv2dOptions): Conv2dGeometry {
  if (weight.ndim !== 4) {
    throw new RangeError(`conv2d: weight must be 4-D [outChannels, inChannels/groups, kH, kW], got shape ${formatShape(weight.shape)}`);
  }
  const groups = opts.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new RangeError(`conv2d: groups must be a positive integer, got ${groups}`);
  const [N, C, H, W] = x.shape;
  const [O, CperG, KH, KW] = weight.shape;
  if (C % groups !== 0) throw new RangeError(`conv2d: input has ${C} channels, not divisible by groups=${groups}`);
  if (CperG * groups !== C) throw new RangeError(`conv2d: input has ${C} channels, weight expects ${CperG * groups} (groups=${groups})`);
  if (O % groups !== 0) throw new RangeError(`conv2d: weight has ${O} output channels, not divisible by groups=${groups}`);
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== O)) {
    throw new RangeError(`conv2d: bias has shape ${formatShape(bias.shape)}, expected [${O}] (one per output channel of weight ${formatShape(weight.shape)})`);
  }
  const stride = pair(opts.stride ?? 1, "conv2d", "stride", 1);
  const dilation = pair(opts.dilation ?? 1, "conv2d", "dilation", 1);
  const pad = resolvePadding(opts.padding, [KH, KW], dilation, stride);
  const paddedH = H + pad.top + pad.bottom;
  const paddedW = W + pad.left + pad.right;
  const extentH = dilation[0] * (KH - 1) + 1;
  const extentW = dilation[1] * (KW - 1) + 1;
  if (paddedH < extentH || paddedW < extentW) {
    throw new RangeError(
      `conv2d: padded input is ${paddedH}x${paddedW} but the dilated kernel is ${extentH}x${extentW} ` +
        `(input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}); the kernel cannot be larger than the padded input`,
    );
  }
  return {
    batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: O, kernelHeight: KH, kernelWidth: KW,
    outHeight: Math.floor((paddedH - extentH) / stride[0]) + 1,
    outWidth: Math.floor((paddedW - extentW) / stride[1]) + 1,
    strideH: stride[0], strideW: stride[1], padTop: pad.top, padLeft: pad.left,
    dilationH: dilation[0], dilationW: dilation[1], groups,
  };
}

/**
 * torch.nn.functional.conv2d: cross-correlation of NCHW (or CHW) input with an
 * [O, C/groups, kH, kW] weight. Depthwise (groups = C) and 1x1 convolutions are configurations of
 * the same kernel. Gradients come from the backend's backward kernels; the bias gradient is the
 * output gradient summed over N, H and W.
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: Conv2dOptions = {}): Tensor {
  requireSameDtype("conv2d", ["input", input], ["weight", weight], ["bias", bias]);
  const { batched: x, unbatched } = batchInput(input, 4, "conv2d", "[N, C, H, W] or [C, H, W]");
  const g = conv2dGeometry(x, weight, bias, opts);
  const activation = opts.activation ?? null;
  if (activation !== null && activation !== "relu" && activation !== "relu6") {
    throw new RangeError(`conv2d: activation must be "relu", "relu6" or null, got ${JSON.stringify(activation)}`);
  }
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const residual = opts.residual ? residualOperand(opts.residual, x, g, unbatched) : null;
  // With a gradient to compute, the sum and the activation are their own recorded ops so that
  // autograd sees them; without one they happen in the convolution's own pass over its output.
  const inference = !needsGrad(...inputs, ...(residual ? [residual] : []));
  const backend = getBackend();
  const xData = x.denseData();
  const wData = weight.denseData();
  const bData = bias ? bias.denseData() : null;
  // Only weights read in place can be cached: a strided weight's dense copy is new on every call.
  const cacheable = inference && opts.prepared && wData === weight.data && (bias === null || bData === bias.data);
  const prepared = cacheable && opts.prepared ? opts.prepared.lookup(backend, wData, bData, g) : null;
  const out = uninitialized([g.batch, g.outChannels, g.outHeight, g.outWidth], x.dtype);
  if (out.numel > 0) {
    backend.conv2d(xData, wData, bData, out.data, g, {
      activation: inference && activation !== null ? activation : "none",
      residual: inference && residual ? residual.denseData() : null,
      prepared,
    });
  }
  const y = record(out, "conv2d", inputs, (gy) => {
    const gyData = gy.denseData();
    let gx: Tensor | null = null;
    let gw: Tensor | null = null;
    if (x.requiresGrad) {
      gx = uninitialized(x.shape, x.dtype);
      backend.conv2dBackwardInput(gyData, wData, gx.data, g);
    }
    if (weight.requiresGrad) {
      gw = Tensor.zeros(weight.shape, weight.dtype);
      backend.conv2dBackwardWeight(gyData, xData, gw.data, g);
    }
    // Summing [N, O, H*W] over the last axis first keeps both reductions on adjacent dims (no permute copy).
    const gb = bias?.requiresGrad ? gy.reshape([g.batch, g.outChannels, -1]).sum(2).sum(0) : null;
    return [gx, gw, gb];
  });
  if (inference) {
    const result = unbatched ? y.squeeze(0) : y;
    if (activation !== null) markActivated(result, activation);
    return result;
  }
  const summed = residual ? y.add(residual) : y;
  const activated = activation === null ? summed : activation === "relu" ? relu(summed) : relu6(summed);
  return unbatched ? activated.squeeze(0) : activated;
}
