import type { Tensor } from "../tensor/tensor.js";
import type { Module } from "../nn/modules/module.js";
import type { Optimizer } from "../optim/optimizer.js";
import type { Scheduler } from "../optim/lr-scheduler/lr-scheduler.js";
import type { JsonValue } from "../optim/state-dict.js";
import { flattenStateDict, unflattenStateDict } from "../optim/state-dict.js";
import { Generator, getDefaultGenerator } from "../random/generator.js";
import { loadSafetensorsWithMetadata, saveSafetensors } from "../io/safetensors.js";
import type { DataLoader, DataLoaderState } from "../data/loader.js";

/**
 * A training checkpoint in one safetensors file, so it is written atomically by one rename:
 * tensors `model.<PyTorch key>` and `optimizer.state.<i>.<buffer>`, and under the metadata key
 * `lantern.checkpoint` a JSON document with the optimizer's groups, the scheduler, every random
 * generator (the default one included, which dropout draws from), the DataLoader's position and
 * whatever the trainer needs to carry on exactly where it stopped.
 */
export interface CheckpointParts {
  model: Module;
  optimizer?: Optimizer<any>;
  scheduler?: Scheduler;
  loader?: DataLoader<any, any>;
  /** Extra generators by name (a dropout or augmentation generator), restored in place. */
  generators?: Record<string, Generator>;
}

export interface CheckpointContents {
  format: 1;
  trainer: JsonValue;
  config: JsonValue;
  optimizerMetadata: Record<string, string> | null;
  scheduler: JsonValue;
  generators: Record<string, number[]>;
  loader: DataLoaderState | null;
}

const KEY = "lantern.checkpoint";

function generatorStates(parts: CheckpointParts): Record<string, number[]> {
  const states: Record<string, number[]> = { default: getDefaultGenerator().getState() };
  for (const [name, g] of Object.entries(parts.generators ?? {})) states[name] = g.getState();
  return states;
}

export function saveCheckpoint(path: string, parts: CheckpointParts, trainer: JsonValue = null, config: JsonValue = null): void {
  const tensors: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(parts.model.stateDict())) tensors[`model.${key}`] = t;
  let optimizerMetadata: Record<string, string> | null = null;
  if (parts.optimizer) {
    const flat = flattenStateDict(parts.optimizer.stateDict());
    for (const [key, t] of Object.entries(flat.tensors)) tensors[`optimizer.${key}`] = t;
    optimizerMetadata = flat.metadata;
  }
  const contents: CheckpointContents = {
    format: 1, trainer, config, optimizerMetadata, scheduler: parts.scheduler?.stateDict() ?? null,
    generators: generatorStates(parts), loader: parts.loader?.stateDict() ?? null,
  };
  // A generator with no spare normal keeps NaN in its state, which JSON writes as null.
  saveSafetensors(path, tensors, { format: "pt", [KEY]: JSON.stringify(contents, (_, v) => (Number.isNaN(v) ? null : v)) });
}

/** Reads a checkpoint without applying it (the CLI reads the run's configuration first). */
export function readCheckpoint(path: string): { contents: CheckpointContents; tensors: Record<string, Tensor> } {
  const { tensors, metadata } = loadSafetensorsWithMetadata(path);
  const raw = metadata[KEY];
  if (raw === undefined) throw new RangeError(`${path}: not a Lantern training checkpoint (no "${KEY}" metadata); a weights file is loaded with --weights, not --resume`);
  const contents = JSON.parse(raw) as CheckpointContents;
  if (contents.format !== 1) throw new RangeError(`${path}: checkpoint format ${String(contents.format)} is not supported (expected 1)`);
  return { contents, tensors };
}

/** Restores every part from `path` and returns the trainer's and the run's saved JSON. */
export function loadCheckpoint(path: string, parts: CheckpointParts): { trainer: JsonValue; config: JsonValue } {
  const { contents, tensors } = readCheckpoint(path);
  const model: Record<string, Tensor> = {};
  const optimizer: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(tensors)) {
    if (key.startsWith("model.")) model[key.slice(6)] = t;
    else if (key.startsWith("optimizer.")) optimizer[key.slice(10)] = t;
  }
  parts.model.loadStateDict(model);
  if (parts.optimizer) {
    if (!contents.optimizerMetadata) throw new RangeError(`${path}: the checkpoint holds no optimizer state`);
    parts.optimizer.loadStateDict(unflattenStateDict(optimizer, contents.optimizerMetadata));
  }
  if (parts.scheduler && contents.scheduler) parts.scheduler.loadStateDict(contents.scheduler as Record<string, JsonValue>);
  if (parts.loader && contents.loader) parts.loader.loadStateDict(contents.loader);
  const restore = (g: Generator, state: number[] | undefined) => state && g.setState(state.map((v) => (v === null ? NaN : v)));
  restore(getDefaultGenerator(), contents.generators.default);
  for (const [name, g] of Object.entries(parts.generators ?? {})) restore(g, contents.generators[name]);
  return { trainer: contents.trainer, config: contents.config };
}
