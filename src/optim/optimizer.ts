import { Tensor } from "../tensor/tensor.js";
import type { TypedArray } from "../tensor/dtype.js";
import { isFloating } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";
import { enableGrad } from "../autograd/grad-mode.js";
import { describe } from "./validate.js";
import type { JsonValue, LoadableOptimizerStateDict, OptimizerStateDict, ParamState, SavedParamGroup } from "./state-dict.js";
import { toCamelCase, toSnakeCase } from "./state-dict.js";
import { bumpStorageVersion } from "../tensor/version.js";

/** Every optimizer has a learning rate; schedulers rely on nothing else. */
export interface HyperParameters {
  lr: number;
}

/**
 * A parameter group as the optimizer holds it: its tensors, every hyper-parameter (mutable, which is
 * how schedulers work), and any extra keys a scheduler stores (`initialLr`, `maxLr`…), as in torch.
 */
export type ParamGroup<H extends HyperParameters = HyperParameters> = H & { params: Tensor[]; [key: string]: unknown };

/** A parameter group as given to a constructor or `addParamGroup`; omitted keys take the defaults. */
export type ParamGroupSpec<H extends HyperParameters = HyperParameters> = Partial<H> & {
  params: Iterable<Tensor> | Tensor;
  [key: string]: unknown;
};

/** What an optimizer is built from: parameters, or parameter groups with per-group overrides. */
export type Params<H extends HyperParameters = HyperParameters> = Iterable<Tensor> | Iterable<ParamGroupSpec<H>>;

/**
 * Base class of the optimizers, following torch.optim.Optimizer: parameter groups that override
 * the defaults, per-parameter state created lazily on the first step, and state dicts in torch's
 * layout (see state-dict.ts). Subclasses supply `validate` (hyper-parameter checks) and `update`
 * (one parameter's step through a fused backend kernel).
 */
export abstract class Optimizer<H extends HyperParameters = HyperParameters> {
  readonly defaults: Readonly<H>;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Buffers of each parameter that has taken a step (torch's `optimizer.state`). */
  readonly state = new Map<Tensor, ParamState>();
  /** The class name (SGD, AdamW…), for error messages. */
  protected readonly label: string;

  protected constructor(params: Params<H>, defaults: H) {
    const label = new.target.name;
    this.label = label;
    this.validate(defaults);
    this.defaults = { ...defaults };
    if (params instanceof Tensor || params === null || typeof params !== "object" || !(Symbol.iterator in params)) {
      throw new TypeError(`${label}: params must be an iterable of Tensors or of parameter groups, got ${params instanceof Tensor ? "a single Tensor (wrap it in an array)" : describe(params)}`);
    }
    const list: unknown[] = [...params];
    if (list.length === 0) throw new Error(`${label}: got an empty parameter list`);
    const tensors = list.filter((p) => p instanceof Tensor).length;
    if (tensors === list.length) this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupSpec<H>);
    else if (tensors === 0) for (const group of list) this.addParamGroup(group as ParamGroupSpec<H>);
    else throw new TypeError(`${label}: params mixes Tensors and parameter groups; give one or the other`);
  }

  /** Throws a RangeError/TypeError naming the first invalid hyper-parameter. */
  protected abstract validate(group: H): void;

  /**
   * Updates one parameter in place. `param` and `grad` are the dense storage of the parameter and
   * its gradient; `state` is that parameter's state (empty before its first step).
   */
  protected abstract update(param: TypedArray, grad: TypedArray, group: ParamGroup<H>, state: ParamState, tensor: Tensor): void;

  /** Adds a group of parameters trained with its own hyper-parameters (torch's add_param_group). */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    if (spec === null || typeof spec !== "object" || !("params" in spec)) {
      throw new TypeError(`${this.label}: a parameter group must be an object with a "params" entry, got ${describe(spec)}`);
    }
    const params: unknown[] = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      const where = `${this.label}: parameter ${i} of group ${this.paramGroups.length}`;
      if (!(p instanceof Tensor)) throw new TypeError(`${where} is ${describe(p)}, but only Tensors can be optimized`);
      if (!isFloating(p.dtype)) throw new TypeError(`${where} has dtype ${p.dtype}; only float32 and float64 parameters can be optimized`);
      if (!p.isLeaf) throw new Error(`${where} is not a leaf tensor (made by ${p.gradFn?.name}); optimize the leaf it was computed from`);
      // The kernels write the update straight into the parameter's storage.
      if (!p.isContiguous()) {
        throw new Error(`${where} is not contiguous (shape ${formatShape(p.shape)}, strides [${p.strides.join(", ")}]); create it with .contiguous()`);
      }
      if (taken.has(p)) throw new Error(`${where} appears more than once across the parameter groups`);
      taken.add(p);
    });
    const overrides = Object.fromEntries(Object.entries(spec).filter(([key, value]) => key !== "params" && value !== undefined));
    const group = { ...this.defaults, ...overrides, params } as ParamGroup<H>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Drops every gradient (torch's zero_grad(set_to_none=True)), or zeroes them in place. */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) p.grad = null;
        else p.grad?.zero_();
      }
    }
  }

  /**
   * One optimization step over every parameter that has a gradient (those without are skipped).
   * `closure`, if given, re-evaluates the model with grad enabled and its result is returned.
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    this.paramGroups.forEach((group, g) => {
      group.params.forEach((param, i) => {
        const grad = param.grad;
        if (grad === null) return;
        if (grad.numel !== param.numel) {
          throw new RangeError(`${this.label}: gradient of parameter ${i} in group ${g} has shape ${formatShape(grad.shape)}, but the parameter has shape ${formatShape(param.shape)}`);
        }
        const state = this.state.get(param) ?? {};
        this.update(param.denseData(), grad.denseData(), group, state, param);
        bumpStorageVersion(param.data);
        if (Object.keys(state).length > 0) this.state.set(param, state);
      });
    });
    return loss;
  }

  /** The state buffer `key` of `param`, created as zeros (torch.zeros_like) on first use. */
  protected buffer(state: ParamState, key: string, param: Tensor): TypedArray {
    const existing = state[key];
    if (existing instanceof Tensor) return existing.data;
    const created = Tensor.zeros(param.shape, param.dtype);
    state[key] = created;
    return created.data;
  }

  /** A snapshot in torch's layout: cloned buffers, so later steps do not change it. */
  stateDict(): OptimizerStateDict {
    let next = 0;
    const indexOf = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((group, g) => {
      const saved: Record<string, JsonValue> = {};
      for (const [key, value] of Object.entries(group)) {
        if (key !== "params") saved[toSnakeCase(key)] = toJson(value, `${this.label}.stateDict: parameter group ${g} key "${key}"`);
      }
      const params = group.params.map((p) => {
        indexOf.set(p, next);
        return next++;
      });
      return { ...saved, params } as SavedParamGroup;
    });
    const state: Record<number, ParamState> = {};
    for (const [param, index] of indexOf) {
      const entry = this.state.get(param);
      if (!entry) continue;
      state[index] = Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]));
    }
    return { state, param_groups };
  }

  /**
   * Restores hyper-parameters and buffers saved by `stateDict` (or by torch, with its tensors
   * converted to Tensors or arrays). Groups must match in number and size; buffers are copied and
   * cast to the parameter's dtype. Nothing changes if the dict is rejected.
   */
  loadStateDict(stateDict: LoadableOptimizerStateDict): void {
    const where = `${this.label}.loadStateDict`;
    const savedGroups: unknown = stateDict?.param_groups;
    if (!Array.isArray(savedGroups) || savedGroups.length !== this.paramGroups.length) {
      throw new Error(`${where}: the state dict has ${Array.isArray(savedGroups) ? savedGroups.length : "no"} parameter groups, the optimizer has ${this.paramGroups.length}`);
    }
    const saved = savedGroups as readonly SavedParamGroup[];
    const paramOf = new Map<number, Tensor>();
    const groups = saved.map((savedGroup, g) => {
      const params = this.paramGroups[g].params;
      if (!Array.isArray(savedGroup.params) || savedGroup.params.length !== params.length) {
        throw new Error(`${where}: parameter group ${g} has ${savedGroup.params?.length ?? "no"} parameters in the state dict, ${params.length} in the optimizer`);
      }
      savedGroup.params.forEach((id, i) => paramOf.set(id, params[i]));
      // Keys a dict lacks (one written before an option existed) take the defaults, as torch's
      // Optimizer.__setstate__ does.
      const group: Record<string, unknown> = { ...this.defaults };
      for (const [key, value] of Object.entries(savedGroup)) if (key !== "params") group[toCamelCase(key)] = structuredClone(value);
      this.validate(group as unknown as H);
      return { ...group, params } as ParamGroup<H>;
    });
    const state = new Map<Tensor, ParamState>();
    for (const [id, entry] of Object.entries(stateDict.state ?? {})) {
      const param = paramOf.get(Number(id));
      if (!param) throw new Error(`${where}: the state dict has state for parameter ${id}, which no parameter group lists`);
      const restored: ParamState = {};
      // torch writes a None momentum_buffer for SGD without momentum: no buffer.
      for (const [key, value] of Object.entries(entry)) if (value !== null) restored[key] = restoreValue(key, value, param, `${where}: state[${id}].${key}`);
      state.set(param, restored);
    }
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state.clear();
    for (const [param, entry] of state) this.state.set(param, entry);
  }
}

function toJson(value: unknown, where: string): JsonValue {
  if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v, i) => toJson(v, `${where}[${i}]`));
  throw new TypeError(`${where} holds ${value instanceof Tensor ? "a Tensor" : typeof value}, which a state dict cannot store; use numbers, booleans, strings or arrays of them`);
}

/**
 * A saved state entry as the optimizer keeps it: scalars as numbers (torch saves `step` as a 0-d
 * tensor, so that is accepted too), buffers as tensors of `param`'s shape and dtype.
 */
function restoreValue(key: string, value: unknown, param: Tensor, where: string): Tensor | number {
  if (typeof value === "number") return value;
  if (key === "step" && value instanceof Tensor && value.numel === 1) return value.item();
  const data = value instanceof Tensor ? value.toArray() : ArrayBuffer.isView(value) || Array.isArray(value) ? (value as ArrayLike<number>) : null;
  if (data === null) throw new TypeError(`${where} is ${describe(value)}; expected a number, a Tensor or an array of numbers`);
  if (data.length !== param.numel) {
    throw new RangeError(`${where} has ${data.length} elements, but its parameter has shape ${formatShape(param.shape)} (${param.numel} elements)`);
  }
  const out = Tensor.zeros(param.shape, param.dtype);
  (out.data as Float64Array).set(data);
  return out;
}
