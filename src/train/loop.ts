import type { Tensor } from "../tensor/tensor.js";
import { noGrad } from "../autograd/grad-mode.js";
import type { Module } from "../nn/modules/module.js";
import { crossEntropy } from "../nn/functional/loss.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Scheduler } from "../optim/lr-scheduler/lr-scheduler.js";
import { clipGradNorm_ } from "../nn/utils/clip-grad.js";
import { ConfusionMatrix, MetricAccumulator, predictions, targetRanks } from "./metrics.js";

/**
 * The training and evaluation loops of a classifier: forward pass, loss, backward pass (backprop
 * through the recorded graph), and a gradient-descent step by the optimizer. Batches are
 * [inputs, int32 class indices], as a DataLoader over image datasets yields them.
 */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

export interface StepOptions {
  lossFn?: LossFn;
  /** Clip the gradients' global 2-norm to this value before each step (clipGradNorm_). */
  clipGradNorm?: number;
}

export interface StepResult {
  loss: number;
  /** Rank of the true class in each row's scores (0 = predicted), for top-k accuracy. */
  ranks: Int32Array;
}

function asBatch(batch: unknown): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length < 2) throw new TypeError("train: a batch must be [inputs, targets]");
  return [batch[0] as Tensor, batch[1] as Tensor];
}

/** One optimisation step on one batch; the model must be in training mode. */
export function trainStep(model: Module, batch: unknown, optimizer: Optimizer<any>, opts: StepOptions = {}): StepResult {
  const [x, y] = asBatch(batch);
  const output = model.call(x) as Tensor;
  const loss = (opts.lossFn ?? crossEntropy)(output, y);
  optimizer.zeroGrad();
  loss.backward();
  if (opts.clipGradNorm !== undefined) clipGradNorm_(optimizer.paramGroups.flatMap((g) => g.params), opts.clipGradNorm);
  optimizer.step();
  return { loss: loss.item(), ranks: targetRanks(output.detach(), y) };
}

export interface TrainEpochOptions extends StepOptions {
  /** A scheduler stepped after every batch (OneCycleLR); epoch schedulers are stepped by the caller. */
  batchScheduler?: Scheduler;
  /** Sums carried over from the part of the epoch done before a resume. */
  accumulator?: MetricAccumulator;
  /** Called after each step with the 1-based batch number; returning false stops the epoch there. */
  onBatch?: (batch: number, metrics: MetricAccumulator) => boolean | void | Promise<boolean | void>;
  /** Batches already done this epoch (a resumed epoch), so onBatch numbers stay absolute. */
  startBatch?: number;
}

export interface EpochResult {
  loss: number;
  top1: number;
  top5: number;
  samples: number;
  /** Wall time of this call, and samples it processed per second. */
  seconds: number;
  samplesPerSecond: number;
  /** True when onBatch stopped the epoch early. */
  stopped: boolean;
}

/**
 * One pass over `loader` in training mode: the API a benchmark calls to time an epoch
 * (`lantern bench train`). The loader may be any async or sync iterable of batches.
 */
export async function trainEpoch(
  model: Module,
  loader: AsyncIterable<unknown> | Iterable<unknown>,
  optimizer: Optimizer<any>,
  opts: TrainEpochOptions = {},
): Promise<EpochResult> {
  model.train();
  const metrics = opts.accumulator ?? new MetricAccumulator();
  const before = metrics.samples;
  const started = performance.now();
  let batch = opts.startBatch ?? 0;
  let stopped = false;
  for await (const data of loader as AsyncIterable<unknown>) {
    const { loss, ranks } = trainStep(model, data, optimizer, opts);
    opts.batchScheduler?.step();
    metrics.add(loss, ranks);
    batch++;
    if ((await opts.onBatch?.(batch, metrics)) === false) {
      stopped = true;
      break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { ...metrics.result(), seconds, samplesPerSecond: (metrics.samples - before) / Math.max(seconds, 1e-9), stopped };
}

export interface EvalOptions {
  lossFn?: LossFn;
  /** Size of the confusion matrix (default: the model's output width). */
  numClasses?: number;
  onBatch?: (batch: number, metrics: MetricAccumulator) => void;
}

export interface EvalResult {
  loss: number;
  top1: number;
  top5: number;
  samples: number;
  seconds: number;
  /** counts[true][predicted]. */
  confusionMatrix: number[][];
}

/** Loss, top-1/top-5 accuracy and the confusion matrix over `loader`, in eval mode without a graph. */
export async function evaluate(model: Module, loader: AsyncIterable<unknown> | Iterable<unknown>, opts: EvalOptions = {}): Promise<EvalResult> {
  const wasTraining = model.training;
  model.eval();
  const metrics = new MetricAccumulator();
  let confusion: ConfusionMatrix | null = opts.numClasses ? new ConfusionMatrix(opts.numClasses) : null;
  const started = performance.now();
  let batch = 0;
  try {
    for await (const data of loader as AsyncIterable<unknown>) {
      const [x, y] = asBatch(data);
      const { output, loss } = noGrad(() => {
        const out = model.call(x) as Tensor;
        return { output: out, loss: (opts.lossFn ?? crossEntropy)(out, y).item() };
      });
      confusion ??= new ConfusionMatrix(output.shape[1]);
      confusion.update(predictions(output), y.denseData());
      metrics.add(loss, targetRanks(output, y));
      opts.onBatch?.(++batch, metrics);
    }
  } finally {
    model.train(wasTraining);
  }
  return { ...metrics.result(), seconds: (performance.now() - started) / 1000, confusionMatrix: confusion?.counts ?? [] };
}
