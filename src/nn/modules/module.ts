import { keep } from "../../memory/scope.js";
import { Tensor } from "../../tensor/tensor.js";
import type { DType } from "../../tensor/dtype.js";
import { isFloating } from "../../tensor/dtype.js";
import { formatShape, sameShape } from "../../tensor/shape.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { Parameter } from "./parameter.js";

/** Called after every `call()` with the module, its arguments and its output; a returned value replaces the output. */
export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown;

export interface RemovableHandle {
  remove(): void;
}

export interface LoadStateDictOptions {
  /** Require the dict's keys to equal the model's exactly (default true). */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * A checkpoint that does not fit the model. A RangeError, so callers that sort errors into "bad
 * input" and "bug" (the CLI) treat a wrong checkpoint as bad input.
 */
export class StateDictError extends RangeError {
  override name = "StateDictError";
  constructor(
    message: string,
    readonly missingKeys: string[],
    readonly unexpectedKeys: string[],
    readonly mismatchedKeys: string[],
  ) {
    super(message);
  }
}

type Fields = Record<string, unknown>;

/** At most `limit` names, then a count, so one error line stays readable for big models. */
function listNames(names: readonly string[], limit = 8): string {
  const shown = names.slice(0, limit).join(", ");
  return names.length > limit ? `${shown} … and ${names.length - limit} more` : shown;
}

/**
 * Base class of every layer and model, following torch.nn.Module. Registration is by assignment:
 * a field holding a `Parameter` is a parameter and a field holding a `Module` is a submodule, found
 * in the order the fields were defined, so a model written like torchvision's
 *
 *     class LeNet5 extends Module { features = new Sequential(...); classifier = new Sequential(...); }
 *
 * gets PyTorch's dotted state-dict keys (`features.0.weight`) in PyTorch's order. Field names are
 * the key names, which is why a few fields keep PyTorch's snake_case (`running_mean`). Buffers
 * (state that is saved but not trained) are declared with `registerBuffer`, since any tensor field
 * could otherwise be mistaken for one. A field set to null (a layer built with `bias: false`) is
 * simply absent from the state dict, as in PyTorch. Integer-like field names enumerate first in
 * JavaScript, which is the order Sequential and ModuleList want and no other module uses.
 */
export abstract class Module {
  /** Whether the module is in training mode (Dropout drops, BatchNorm uses batch statistics). */
  training = true;
  /** Names of registered buffers, mapped to whether they are saved in the state dict. */
  readonly #buffers = new Map<string, boolean>();
  readonly #forwardHooks = new Set<ForwardHook>();

  /** The computation; `call()` runs it together with any forward hooks. */
  abstract forward(...args: any[]): any;

  /** Runs `forward` and then the forward hooks (the equivalent of calling a torch module). */
  call(...args: Parameters<this["forward"]>): ReturnType<this["forward"]> {
    let output = this.forward(...args);
    for (const hook of this.#forwardHooks) {
      const replaced = hook(this, args, output);
      if (replaced !== undefined) output = replaced;
    }
    return output;
  }

  registerForwardHook(hook: ForwardHook): RemovableHandle {
    this.#forwardHooks.add(hook);
    return { remove: () => void this.#forwardHooks.delete(hook) };
  }

  // ---- registration ----

  #fields(): Fields {
    return this as unknown as Fields;
  }

  /** Names must be usable as one segment of a dotted key and must not hide a member of the class. */
  #checkName(name: string, kind: string): void {
    if (typeof name !== "string" || name === "" || name.includes(".")) {
      throw new TypeError(`${this.constructor.name}: ${kind} name must be a non-empty string without ".", got ${JSON.stringify(name)}`);
    }
    const current = this.#fields()[name];
    const free = current === undefined || current === null || current instanceof Module || current instanceof Tensor;
    if ((name in this && !Object.prototype.hasOwnProperty.call(this, name)) || !free) {
      throw new TypeError(`${this.constructor.name}: cannot register ${kind} "${name}": the module already has an attribute of that name`);
    }
  }

  /** Registers `param` (wrapped in a Parameter if it is a plain tensor) under `name`. */
  registerParameter(name: string, param: Tensor | null): Parameter | null {
    this.#checkName(name, "parameter");
    const p = param === null || param instanceof Parameter ? param : new Parameter(param);
    this.#buffers.delete(name);
    this.#fields()[name] = p;
    return p;
  }

  /** Registers state that is not trained (BatchNorm's running statistics); non-persistent buffers are left out of the state dict. */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, opts: { persistent?: boolean } = {}): T {
    this.#checkName(name, "buffer");
    this.#buffers.set(name, opts.persistent ?? true);
    // Module state outlives any lt.tidy it happens to be built in.
    if (tensor) keep(tensor);
    this.#fields()[name] = tensor;
    return tensor;
  }

  registerModule<M extends Module | null>(name: string, module: M): M {
    this.#checkName(name, "module");
    this.#buffers.delete(name);
    this.#fields()[name] = module;
    return module;
  }

  /** This module's own entries in definition order. */
  #own(): { params: [string, Parameter][]; buffers: [string, Tensor, boolean][]; children: [string, Module][] } {
    const params: [string, Parameter][] = [];
    const buffers: [string, Tensor, boolean][] = [];
    const children: [string, Module][] = [];
    const fields = this.#fields();
    for (const name of Object.keys(this)) {
      const value = fields[name];
      const persistent = this.#buffers.get(name);
      if (persistent !== undefined) {
        if (value instanceof Tensor) buffers.push([name, value, persistent]);
      } else if (value instanceof Parameter) params.push([name, value]);
      else if (value instanceof Module) children.push([name, value]);
    }
    return { params, buffers, children };
  }

  // ---- traversal ----

  namedChildren(): [string, Module][] {
    return this.#own().children;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module ("") and every descendant with its dotted path, each module once (shared ones at their first path). */
  namedModules(prefix = ""): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const visit = (module: Module, path: string): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([path, module]);
      for (const [name, child] of module.namedChildren()) visit(child, path ? `${path}.${name}` : name);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names; a parameter shared by two modules (tied weights) is listed once, as PyTorch. */
  namedParameters(opts: { recurse?: boolean } = {}): [string, Parameter][] {
    return this.#namedTensors((m) => m.#own().params, opts.recurse ?? true);
  }

  parameters(opts: { recurse?: boolean } = {}): Parameter[] {
    return this.namedParameters(opts).map(([, p]) => p);
  }

  namedBuffers(opts: { recurse?: boolean } = {}): [string, Tensor][] {
    return this.#namedTensors((m) => m.#own().buffers.map(([n, t]) => [n, t] as [string, Tensor]), opts.recurse ?? true);
  }

  buffers(opts: { recurse?: boolean } = {}): Tensor[] {
    return this.namedBuffers(opts).map(([, b]) => b);
  }

  #namedTensors<T extends Tensor>(own: (m: Module) => [string, T][], recurse: boolean): [string, T][] {
    const seen = new Set<Tensor>();
    const out: [string, T][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules() : [["", this]];
    for (const [path, module] of modules) {
      for (const [name, t] of own(module)) {
        if (seen.has(t)) continue;
        seen.add(t);
        out.push([path ? `${path}.${name}` : name, t]);
      }
    }
    return out;
  }

  /** The submodule at a dotted path ("features.0"), with an error naming the first missing segment. */
  getSubmodule(target: string): Module {
    let module: Module = this;
    for (const name of target === "" ? [] : target.split(".")) {
      const child = module.#fields()[name];
      if (!(child instanceof Module)) throw new RangeError(`getSubmodule: ${module.constructor.name} has no submodule "${name}" (path "${target}")`);
      module = child;
    }
    return module;
  }

  /** Number of parameter elements (shared parameters counted once), optionally only those that require grad. */
  numParameters(opts: { trainableOnly?: boolean } = {}): number {
    return this.parameters()
      .filter((p) => !opts.trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.numel, 0);
  }

  // ---- state dict ----

  /**
   * Parameters and persistent buffers by PyTorch key, as detached tensors sharing the module's
   * storage. Unlike `namedParameters`, tied weights appear under every key, as torch's state_dict.
   */
  stateDict(): Record<string, Tensor> {
    const dict: Record<string, Tensor> = {};
    const visit = (module: Module, prefix: string): void => {
      const { params, buffers, children } = module.#own();
      for (const [name, p] of params) dict[prefix + name] = p.detach();
      for (const [name, b, persistent] of buffers) if (persistent) dict[prefix + name] = b.detach();
      for (const [name, child] of children) visit(child, `${prefix}${name}.`);
    };
    visit(this, "");
    return dict;
  }

  /** The tensors a state dict is loaded into: like stateDict() but the live tensors themselves. */
  #stateTargets(): Map<string, Tensor> {
    const targets = new Map<string, Tensor>();
    const visit = (module: Module, prefix: string): void => {
      const { params, buffers, children } = module.#own();
      for (const [name, p] of params) targets.set(prefix + name, p);
      for (const [name, b, persistent] of buffers) if (persistent) targets.set(prefix + name, b);
      for (const [name, child] of children) visit(child, `${prefix}${name}.`);
    };
    visit(this, "");
    return targets;
  }

  /**
   * Copies `dict`'s tensors into the module's parameters and buffers (converting dtype, so an
   * int64-saved `num_batches_tracked` or a float64 checkpoint loads). Every check runs before
   * anything is copied: a shape mismatch always throws, and with `strict` (the default) so do
   * missing and unexpected keys, all of them named in one StateDictError.
   */
  loadStateDict(dict: Record<string, Tensor>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const targets = this.#stateTargets();
    const missingKeys = [...targets.keys()].filter((k) => !(k in dict));
    const unexpectedKeys = Object.keys(dict).filter((k) => !targets.has(k));
    const mismatched: string[] = [];
    for (const [key, target] of targets) {
      const source = dict[key];
      if (source === undefined) continue;
      if (!(source instanceof Tensor)) mismatched.push(`${key} (not a Tensor)`);
      else if (!sameShape(source.shape, target.shape)) mismatched.push(`${key} (${formatShape(source.shape)} in the dict, ${formatShape(target.shape)} in the model)`);
    }
    const problems: string[] = [];
    if (mismatched.length > 0) problems.push(`shape mismatch for ${listNames(mismatched)}`);
    if (strict && missingKeys.length > 0) problems.push(`missing keys: ${listNames(missingKeys)}`);
    if (strict && unexpectedKeys.length > 0) problems.push(`unexpected keys: ${listNames(unexpectedKeys)}`);
    if (problems.length > 0) {
      throw new StateDictError(`loadStateDict: cannot load into ${this.constructor.name}: ${problems.join("; ")}`, missingKeys, unexpectedKeys, mismatched);
    }
    noGrad(() => {
      for (const [key, target] of targets) if (key in dict) target.copy_(dict[key]);
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- modes and bulk operations ----

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Calls `fn` on every descendant, children before parents, as torch's Module.apply. */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Drops every parameter's gradient (torch's default set_to_none=True). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Freezes (false) or unfreezes every parameter. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad = requiresGrad;
    return this;
  }

  /**
   * Converts floating parameters and buffers to `dtype` (integer buffers stay). Parameters are
   * replaced by new Parameter objects, tied ones by the same new object, so build optimizers after
   * converting. Gradients are dropped.
   */
  to(dtype: DType): this {
    if (!isFloating(dtype)) throw new TypeError(`Module.to: dtype must be float32 or float64, got ${dtype}`);
    const converted = new Map<Tensor, Tensor>();
    const convert = <T extends Tensor>(t: T, make: (c: Tensor) => T): T => {
      if (!isFloating(t.dtype) || t.dtype === dtype) return t;
      if (!converted.has(t)) converted.set(t, make(t.detach().to(dtype)));
      return converted.get(t) as T;
    };
    for (const module of this.modules()) {
      const fields = module.#fields();
      const { params, buffers } = module.#own();
      for (const [name, p] of params) fields[name] = convert(p, (c) => new Parameter(c, p.requiresGrad));
      for (const [name, b] of buffers) fields[name] = convert(b, (c) => c);
    }
    return this;
  }

  float(): this {
    return this.to("float32");
  }

  double(): this {
    return this.to("float64");
  }

  // ---- printing ----

  /** The constructor arguments shown by toString(), as torch's extra_repr. */
  extraRepr(): string {
    return "";
  }

  /** A tree like PyTorch's print(model). */
  toString(): string {
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = children.map(([name, child]) => `  (${name}): ${child.toString().split("\n").join("\n  ")}`);
    return `${this.constructor.name}(\n${extra ? `  ${extra}\n` : ""}${lines.join("\n")}\n)`;
  }
}
