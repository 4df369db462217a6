import { Tensor } from "../tensor/tensor.js";

/**
 * Optimizer and scheduler state dicts use PyTorch's layout and key names (`state`, `param_groups`,
 * `exp_avg`, `weight_decay`, `last_epoch`…) so a checkpoint reads the same in both libraries.
 *
 * - `state[i]` holds the buffers of the i-th parameter, counting across groups in order, as
 *   cloned Tensors, and `step` as a plain number (torch keeps a 0-d tensor; a number is exact and
 *   JSON-friendly).
 * - `param_groups` holds each group's hyper-parameters (snake_case, JSON values) and the indices of
 *   its parameters.
 *
 * To write it to disk, `flattenStateDict` turns it into `{tensors, metadata}` for
 * `lt.io.saveSafetensors(path, tensors, metadata)`; `unflattenStateDict` undoes that after
 * `lt.io.loadSafetensors`. Scheduler state dicts are plain JSON (`JSON.stringify` them).
 */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type ParamState = Record<string, Tensor | number>;

export interface SavedParamGroup {
  params: number[];
  [key: string]: JsonValue;
}

export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: SavedParamGroup[];
}

/**
 * What `loadStateDict` accepts: buffers may also be flat number arrays (e.g. parsed from JSON), and
 * null (torch writes a None momentum_buffer for SGD without momentum) means no buffer.
 */
export interface LoadableOptimizerStateDict {
  state: Record<number | string, Record<string, Tensor | number | readonly number[] | null>>;
  param_groups: readonly SavedParamGroup[];
}

export type SchedulerStateDict = Record<string, JsonValue>;

/** `weightDecay` -> `weight_decay`, PyTorch's spelling of a Lantern option. */
export function toSnakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` -> `weightDecay`; the inverse of toSnakeCase for the keys Lantern writes. */
export function toCamelCase(key: string): string {
  return key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

const GROUPS_KEY = "lantern.optimizer.param_groups";
const SCALARS_KEY = "lantern.optimizer.scalar_state";
const TENSOR_KEY = /^state\.(\d+)\.([A-Za-z_][A-Za-z0-9_]*)$/;

/**
 * Splits an optimizer state dict into tensors named `state.<index>.<buffer>` and string metadata
 * (param groups and scalar state as JSON), the two arguments `lt.io.saveSafetensors` takes.
 */
export function flattenStateDict(stateDict: OptimizerStateDict): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  const tensors: Record<string, Tensor> = {};
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, entry] of Object.entries(stateDict.state)) {
    for (const [key, value] of Object.entries(entry)) {
      if (value instanceof Tensor) tensors[`state.${index}.${key}`] = value;
      else (scalars[index] ??= {})[key] = value;
    }
  }
  const metadata = { [GROUPS_KEY]: JSON.stringify(stateDict.param_groups), [SCALARS_KEY]: JSON.stringify(scalars) };
  return { tensors, metadata };
}

/** Rebuilds the state dict that `flattenStateDict` split. */
export function unflattenStateDict(tensors: Record<string, Tensor>, metadata: Record<string, string>): OptimizerStateDict {
  const groups = metadata[GROUPS_KEY];
  if (groups === undefined) {
    throw new Error(`unflattenStateDict: metadata has no "${GROUPS_KEY}" entry; expected the output of flattenStateDict`);
  }
  const state: Record<number, ParamState> = {};
  const scalars = JSON.parse(metadata[SCALARS_KEY] ?? "{}") as Record<string, Record<string, number>>;
  for (const [index, entry] of Object.entries(scalars)) state[Number(index)] = { ...entry };
  for (const [name, tensor] of Object.entries(tensors)) {
    const match = TENSOR_KEY.exec(name);
    if (!match) throw new Error(`unflattenStateDict: tensor name "${name}" is not of the form state.<index>.<buffer>`);
    (state[Number(match[1])] ??= {})[match[2]] = tensor;
  }
  return { state, param_groups: JSON.parse(groups) as SavedParamGroup[] };
}
