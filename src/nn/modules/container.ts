import { releaseIntermediate } from "../../memory/scope.js";
import type { Tensor } from "../../tensor/tensor.js";
import { Module } from "./module.js";

/** Position `index` (negative counts from the end) in a list of `length`, or a RangeError naming `op`. */
function position(index: number, length: number, op: string): number {
  const i = index < 0 ? index + length : index;
  if (!Number.isInteger(index) || i < 0 || i >= length) throw new RangeError(`${op}: index ${index} is out of range for ${length} modules`);
  return i;
}

/** Modules given as a list are named "0", "1", …; given as a record they keep the record's names. */
function register(owner: Module, modules: readonly Module[] | Readonly<Record<string, Module>>): void {
  const entries = Array.isArray(modules) ? modules.map((m, i) => [String(i), m] as const) : Object.entries(modules);
  for (const [name, module] of entries) {
    if (!(module instanceof Module)) throw new TypeError(`${owner.constructor.name}: "${name}" is not a Module`);
    owner.registerModule(name, module);
  }
}

/**
 * Modules run one after another (torch.nn.Sequential). Children are named "0", "1", … (so their
 * parameters are `0.weight`, `1.bias`…), or by the record's keys: `new Sequential({conv, relu})`.
 * Indexable by position (`seq.at(-1)`, and `seq[0]` when the names are numbers) and iterable.
 */
export class Sequential extends Module {
  readonly [index: number]: Module;

  constructor(...modules: Module[] | [Readonly<Record<string, Module>>]) {
    super();
    const record = modules.length === 1 && !(modules[0] instanceof Module);
    register(this, record ? (modules[0] as Record<string, Module>) : (modules as Module[]));
  }

  get length(): number {
    return this.namedChildren().length;
  }

  at(index: number): Module {
    const children = this.children();
    return children[position(index, children.length, "Sequential.at")];
  }

  /** A Sequential of children start..end-1 that keeps their names, as indexing torch's Sequential with a slice. */
  slice(start = 0, end?: number): Sequential {
    return new Sequential(Object.fromEntries(this.namedChildren().slice(start, end)));
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    let x = input;
    for (const module of this) {
      const y = module.call(x);
      // Inside lt.tidy, an output this loop made is dead once the next layer has run: recycling it
      // now lets the layer after reuse its storage while it is still in cache.
      if (x !== input && y !== x) releaseIntermediate(x);
      x = y;
    }
    return x;
  }
}

/** A list of submodules that registers them (torch.nn.ModuleList); the owner decides how to run them. */
export class ModuleList extends Module {
  readonly [index: number]: Module;

  constructor(modules: Iterable<Module> = []) {
    super();
    register(this, [...modules]);
  }

  get length(): number {
    return this.namedChildren().length;
  }

  at(index: number): Module {
    const children = this.children();
    return children[position(index, children.length, "ModuleList.at")];
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  forward(): never {
    throw new Error("ModuleList has no forward(): iterate over it in the owning module's forward");
  }
}

/** Submodules by name (torch.nn.ModuleDict); names may not shadow the dict's own methods. */
export class ModuleDict extends Module {
  constructor(modules: Readonly<Record<string, Module>> = {}) {
    super();
    register(this, modules);
  }

  get length(): number {
    return this.namedChildren().length;
  }

  get(key: string): Module | undefined {
    return this.namedChildren().find(([name]) => name === key)?.[1];
  }

  set(key: string, module: Module): this {
    this.registerModule(key, module);
    return this;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  keys(): string[] {
    return this.namedChildren().map(([name]) => name);
  }

  values(): Module[] {
    return this.children();
  }

  entries(): [string, Module][] {
    return this.namedChildren();
  }

  forward(): never {
    throw new Error("ModuleDict has no forward(): look its modules up in the owning module's forward");
  }
}
