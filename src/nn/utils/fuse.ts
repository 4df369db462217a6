import { Tensor } from "../../tensor/tensor.js";
import { allocate } from "../../tensor/dtype.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Module } from "../modules/module.js";
import { Conv2d } from "../modules/conv.js";
import { BatchNorm2d } from "../modules/normalization.js";
import { ReLU, ReLU6 } from "../modules/activation.js";
import { Identity } from "../modules/linear.js";
import { Parameter } from "../modules/parameter.js";

export interface FuseReport {
  /** Batch norms folded into the convolution before them. */
  batchNorms: number;
  /** ReLU / ReLU6 modules applied inside the convolution before them. */
  activations: number;
  /** Residual blocks whose last convolution now adds the shortcut (and applies the ReLU after it). */
  residuals: number;
}

/**
 * A block that can end in one convolution call once that convolution's batch norm is folded:
 * conv(x) + shortcut and the activation after the sum in the convolution's own pass (torchvision's
 * ResNet BasicBlock / Bottleneck, MobileNetV2's InvertedResidual). Returns the undo, or null when
 * the block does not qualify.
 */
export interface ResidualFusable {
  fuseResidual(): (() => void) | null;
}

function residualFusable(m: Module): m is Module & ResidualFusable {
  return typeof (m as Partial<ResidualFusable>).fuseResidual === "function";
}

type Activation = ReLU | ReLU6;

/** Where a module sits: its parent and the field name, so it can be swapped out. */
type Slot = [parent: Module, name: string];

/**
 * Prepares an eval-mode model for fast inference, as torch.nn.utils.fuse_conv_bn_eval and
 * onnxruntime's graph optimiser do: every BatchNorm2d that only normalises a Conv2d's output is
 * folded into that convolution's weight and bias (w' = w * s, b' = (b - mean) * s + beta with
 * s = gamma / sqrt(var + eps)) and replaced by Identity, and a ReLU / ReLU6 that follows is applied
 * by the convolution itself. Each layer then costs one pass over its output instead of three. An
 * activation module called from several places (torchvision's ResNet blocks share one ReLU) stays
 * in the model and passes the already-activated outputs of fused convolutions through. Residual
 * blocks that support it (ResidualFusable) then end in one call: the last convolution adds the
 * shortcut and applies the activation after the sum, as onnxruntime's fused Conv + Add + Relu.
 *
 * The pairs are found by running `example` through the model once and watching which module's
 * output feeds which, so any architecture works, not only Sequential stacks; the fused model is
 * checked against the original on the same input and the model is left untouched if they differ.
 * The model is changed in place (its state dict no longer has the batch-norm entries): fuse a copy
 * if you need the original for training.
 */
export function fuseConvBn(model: Module, example: Tensor): FuseReport {
  if (model.training) throw new Error("fuseConvBn: the model is in training mode; call model.eval() first (folding uses the running statistics)");
  if (!(example instanceof Tensor)) throw new TypeError("fuseConvBn: example must be a Tensor input for the model");
  const trace = traceProducers(model, example);
  const slots = moduleSlots(model);
  const undo: (() => void)[] = [];
  const folded = new Map<BatchNorm2d, Conv2d>();
  let activations = 0;
  for (const [bn, conv] of trace.bnAfterConv) {
    if (!bn.trackRunningStats || bn.running_mean === null || bn.running_var === null) continue;
    if (conv.activation !== null || !slots.has(bn)) continue;
    undo.push(foldInto(conv, bn));
    undo.push(replace(slots.get(bn)!, new Identity()));
    folded.set(bn, conv);
  }
  for (const [act, source] of trace.activationAfter) {
    const conv = source instanceof Conv2d ? source : folded.get(source);
    if (!conv || conv.activation !== null) continue;
    const previous = conv.activation;
    conv.activation = act instanceof ReLU6 ? "relu6" : "relu";
    undo.push(() => void (conv.activation = previous));
    // A module used at other call sites too stays, and passes the activated output through.
    if (!trace.sharedActivations.has(act) && slots.has(act)) undo.push(replace(slots.get(act)!, new Identity()));
    activations++;
  }
  let residuals = 0;
  for (const m of model.modules()) {
    const step = residualFusable(m) ? m.fuseResidual() : null;
    if (step) undo.push(step), residuals++;
  }
  const after = noGrad(() => model.call(example)) as unknown;
  const error = mismatch(trace.output, after);
  if (error !== null) {
    for (const step of undo.reverse()) step();
    throw new Error(`fuseConvBn: the fused model's output differs from the original's (${error}); the model was left unchanged`);
  }
  return { batchNorms: folded.size, activations, residuals };
}

interface Trace {
  output: unknown;
  bnAfterConv: Map<BatchNorm2d, Conv2d>;
  /** Activation call sites fed only by a conv or batch norm (a shared module once per such site). */
  activationAfter: [Activation, Conv2d | BatchNorm2d][];
  /** Activation modules called more than once (torchvision's ResNet blocks reuse one ReLU). */
  sharedActivations: Set<Activation>;
}

/** One forward pass with hooks: which module produced each tensor, and who consumed it. */
function traceProducers(model: Module, example: Tensor): Trace {
  const producer = new Map<Tensor, Module>();
  const calls = new Map<Module, number>();
  const consumers = new Map<Tensor, number>();
  const bnInput = new Map<BatchNorm2d, Tensor>();
  const actInputs: [Activation, Tensor][] = [];
  const handles = model.modules().map((module) =>
    module.registerForwardHook((m, args, output) => {
      calls.set(m, (calls.get(m) ?? 0) + 1);
      const input = args[0];
      if (input instanceof Tensor) consumers.set(input, (consumers.get(input) ?? 0) + 1);
      if (m instanceof BatchNorm2d && input instanceof Tensor) bnInput.set(m, input);
      if ((m instanceof ReLU || m instanceof ReLU6) && input instanceof Tensor) actInputs.push([m, input]);
      if ((m instanceof Conv2d || m instanceof BatchNorm2d) && output instanceof Tensor) producer.set(output, m);
    }),
  );
  let output: unknown;
  try {
    output = noGrad(() => model.call(example));
  } finally {
    for (const handle of handles) handle.remove();
  }
  // A module run twice (shared) or a tensor read by two leaf modules cannot be rewritten safely.
  const single = (m: Module, input: Tensor) => calls.get(m) === 1 && consumers.get(input) === 1;
  const bnAfterConv = new Map<BatchNorm2d, Conv2d>();
  for (const [bn, input] of bnInput) {
    const conv = producer.get(input);
    if (conv instanceof Conv2d && single(bn, input) && calls.get(conv) === 1) bnAfterConv.set(bn, conv);
  }
  const activationAfter: [Activation, Conv2d | BatchNorm2d][] = [];
  const sharedActivations = new Set<Activation>();
  for (const [act, input] of actInputs) {
    if (calls.get(act) !== 1) sharedActivations.add(act);
    const source = producer.get(input);
    if ((source instanceof Conv2d || source instanceof BatchNorm2d) && consumers.get(input) === 1 && calls.get(source) === 1) {
      activationAfter.push([act, source]);
    }
  }
  return { output, bnAfterConv, activationAfter, sharedActivations };
}

/** Each module's place in the tree; modules reachable by two paths are left out. */
function moduleSlots(model: Module): Map<Module, Slot> {
  const slots = new Map<Module, Slot>();
  const shared = new Set<Module>();
  for (const parent of model.modules()) {
    for (const [name, child] of parent.namedChildren()) {
      if (slots.has(child)) shared.add(child);
      slots.set(child, [parent, name]);
    }
  }
  for (const module of shared) slots.delete(module);
  return slots;
}

function replace([parent, name]: Slot, module: Module): () => void {
  const fields = parent as unknown as Record<string, Module>;
  const previous = fields[name];
  fields[name] = module;
  return () => void (fields[name] = previous);
}

/** Folds bn's affine normalisation into conv's weight and bias; returns the undo. */
function foldInto(conv: Conv2d, bn: BatchNorm2d): () => void {
  const { weight, bias } = conv;
  const out = conv.outChannels;
  const mean = float64(bn.running_mean!);
  const variance = float64(bn.running_var!);
  const gamma = bn.weight ? float64(bn.weight) : new Float64Array(out).fill(1);
  const beta = bn.bias ? float64(bn.bias) : new Float64Array(out);
  const w = float64(weight);
  const b = bias ? float64(bias) : new Float64Array(out);
  const perChannel = w.length / out;
  const newW = new Float64Array(w.length);
  const newB = new Float64Array(out);
  for (let o = 0; o < out; o++) {
    // Folded in float64 so that the only rounding is the final cast to the weights' dtype.
    const scale = gamma[o] / Math.sqrt(variance[o] + bn.eps);
    for (let i = o * perChannel; i < (o + 1) * perChannel; i++) newW[i] = w[i] * scale;
    newB[o] = (b[o] - mean[o]) * scale + beta[o];
  }
  conv.weight = new Parameter(Tensor.fromTypedArray(cast(newW, weight.dtype), weight.shape), weight.requiresGrad);
  conv.bias = new Parameter(Tensor.fromTypedArray(cast(newB, weight.dtype), [out]), weight.requiresGrad);
  return () => {
    conv.weight = weight;
    conv.bias = bias;
  };
}

function float64(t: Tensor): Float64Array {
  return Float64Array.from(t.toArray() as ArrayLike<number>);
}

function cast(values: Float64Array, dtype: Tensor["dtype"]) {
  const out = allocate(dtype, values.length);
  out.set(values);
  return out;
}

/** Why two model outputs differ beyond float32 rounding, or null when they agree. */
function mismatch(expected: unknown, actual: unknown): string | null {
  const a = tensorsOf(expected);
  const b = tensorsOf(actual);
  if (a === null || b === null || a.length !== b.length) return "the outputs have a different structure";
  for (let t = 0; t < a.length; t++) {
    if (a[t].shape.join() !== b[t].shape.join()) return `output ${t} has shape [${b[t].shape}] instead of [${a[t].shape}]`;
    const x = float64(a[t]);
    const y = float64(b[t]);
    // Relative to the output's own scale (untrained models give outputs near 1e-13 or 1e10): folding
    // only reorders float32 roundings, far below a thousandth of the largest value.
    let scale = 0;
    for (const v of x) scale = Math.max(scale, Math.abs(v));
    let worst = 0;
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
    if (!(worst <= 1e-3 * scale)) return `max difference ${worst.toExponential(2)} against a largest value of ${scale.toPrecision(3)}`;
  }
  return null;
}

function tensorsOf(value: unknown): Tensor[] | null {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value) && value.every((v) => v instanceof Tensor)) return value as Tensor[];
  return null;
}
