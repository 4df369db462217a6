import { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import { noGrad } from "../autograd/grad-mode.js";
import { getBackend, setBackend } from "../backend/index.js";
import type { Module, RemovableHandle } from "../nn/modules/module.js";
import { Conv2d } from "../nn/modules/conv.js";
import { Linear } from "../nn/modules/linear.js";
import { shapeOnlyBackend } from "./shape-backend.js";

/** One call of one leaf module (a module called twice, like ResNet's shared ReLU, gets two rows). */
export interface LayerSummary {
  /** Dotted path, as in the state dict ("layer1.0.conv1"). */
  name: string;
  /** The module's class ("Conv2d"). */
  type: string;
  /** Shape of the output of this call. */
  output: number[];
  /** The module's own parameter elements (counted again on every call). */
  params: number;
  trainableParams: number;
  /** Multiply-accumulates of this call: conv and linear layers only, as torch.utils.flop_counter counts. */
  macs: number;
}

export interface ModelSummary {
  inputShape: number[];
  /** Shape of the model's output (the first tensor when it returns several). */
  outputShape: number[];
  layers: LayerSummary[];
  /** Parameter elements of the whole model, shared ones once. */
  params: number;
  trainableParams: number;
  frozenParams: number;
  /** Floating-point buffer elements (BatchNorm's running mean and variance); integer counters are left out. */
  buffers: number;
  macs: number;
  /** 2 x macs: one multiply and one add each, the FLOP count torch.utils.flop_counter.FlopCounterMode reports. */
  flops: number;
  /** Bytes of parameters and buffers. */
  paramBytes: number;
  /** Bytes of every leaf output of one forward pass: what training keeps alive for the backward pass. */
  activationBytes: number;
}

export interface SummaryOptions {
  /**
   * "shapes" (default): run the forward pass on a backend that skips the arithmetic, since a
   * summary needs shapes only; "compute": run it for real (when the model's control flow reads values).
   */
  execution?: "shapes" | "compute";
  /** Summarise the training-mode graph (dropout, GoogLeNet's auxiliary heads) instead of eval mode. */
  training?: boolean;
}

/** Multiply-accumulates of one call, from the layer's hyper-parameters and its output shape. */
export function layerMacs(module: Module, output: readonly number[]): number {
  const outputElements = output.reduce((a, b) => a * b, 1);
  if (module instanceof Conv2d) return outputElements * (module.inChannels / module.groups) * module.kernelSize[0] * module.kernelSize[1];
  if (module instanceof Linear) return outputElements * module.inFeatures;
  return 0;
}

function firstTensor(value: unknown): Tensor | null {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) return value.map(firstTensor).find((t) => t !== null) ?? null;
  if (value && typeof value === "object") return Object.values(value).map(firstTensor).find((t) => t !== null) ?? null;
  return null;
}

const BYTES: Record<string, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/**
 * Runs one forward pass of `model` on an input of `inputShape` (batch included, e.g. [1, 3, 224,
 * 224]) with a forward hook on every leaf module, and totals parameters, buffers and MACs
 * (torchinfo's summary; FLOPs as torch.utils.flop_counter). Modules are put in eval mode for the
 * pass (unless `training`) and restored after, so running statistics are never touched.
 */
export function summary(model: Module, inputShape: readonly number[], opts: SummaryOptions = {}): ModelSummary {
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`summary: inputShape must be positive integers with the batch first, got ${formatShape(inputShape)}`);
  }
  const execution = opts.execution ?? "shapes";
  if (execution !== "shapes" && execution !== "compute") throw new RangeError(`summary: execution must be "shapes" or "compute", got ${JSON.stringify(execution)}`);
  const layers: LayerSummary[] = [];
  const handles: RemovableHandle[] = [];
  let activationBytes = 0;
  for (const [name, module] of model.namedModules()) {
    if (module.children().length > 0) continue;
    const own = module.parameters();
    const params = own.reduce((n, p) => n + p.numel, 0);
    const trainableParams = own.filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel, 0);
    handles.push(module.registerForwardHook((m, _inputs, out) => {
      const tensor = firstTensor(out);
      const output = tensor?.shape ?? [];
      activationBytes += tensor ? tensor.numel * BYTES[tensor.dtype] : 0;
      layers.push({ name, type: m.constructor.name, output, params, trainableParams, macs: layerMacs(m, output) });
    }));
  }
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.train(opts.training ?? false);
  const previousBackend = getBackend();
  let output: unknown;
  try {
    if (execution === "shapes") setBackend(shapeOnlyBackend);
    output = noGrad(() => model.call(Tensor.zeros(inputShape)));
  } finally {
    setBackend(previousBackend);
    for (const h of handles) h.remove();
    for (const [m, training] of modes) m.training = training;
  }
  const params = model.numParameters();
  const trainableParams = model.numParameters({ trainableOnly: true });
  const floatBuffers = model.buffers().filter((b) => b.dtype === "float32" || b.dtype === "float64");
  const macs = layers.reduce((n, l) => n + l.macs, 0);
  const stateBytes = [...model.parameters(), ...model.buffers()].reduce((n, t) => n + t.numel * BYTES[t.dtype], 0);
  return {
    inputShape: [...inputShape],
    outputShape: firstTensor(output)?.shape ?? [],
    layers,
    params,
    trainableParams,
    frozenParams: params - trainableParams,
    buffers: floatBuffers.reduce((n, b) => n + b.numel, 0),
    macs,
    flops: 2 * macs,
    paramBytes: stateBytes,
    activationBytes,
  };
}
