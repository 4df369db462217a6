import { Tensor } from "./tensor.js";
import type { DType, TypedArray } from "./dtype.js";
import { allocate, dtypeOfArray, isDType } from "./dtype.js";
import { checkShape, formatShape, numel } from "./shape.js";
import { Generator, getDefaultGenerator } from "../random/generator.js";

export interface TensorOptions {
  shape?: readonly number[];
  dtype?: DType;
  requiresGrad?: boolean;
}

export type TensorData = number | boolean | TypedArray | readonly unknown[] | Tensor;

function inferShape(data: unknown, op: string): number[] {
  const shape: number[] = [];
  let level: unknown = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  // Validate raggedness while flattening.
  const walk = (node: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof node !== "number" && typeof node !== "boolean") {
        throw new TypeError(`${op}: expected numbers or booleans, got ${node === null ? "null" : typeof node} at depth ${depth}`);
      }
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RangeError(`${op}: ragged nested array: expected length ${shape[depth]} at depth ${depth}, got ${Array.isArray(node) ? node.length : typeof node}`);
    }
    for (const child of node) walk(child, depth + 1);
  };
  walk(data, 0);
  return shape;
}

function validate(dtype: DType | undefined, op: string): void {
  if (dtype !== undefined && !isDType(dtype)) throw new TypeError(`${op}: unknown dtype "${String(dtype)}" (expected float32, float64, int32 or bool)`);
}

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

/** lt.tensor: from nested arrays, a number, or a typed array (copied), with an optional shape. */
export function tensor(data: TensorData, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "tensor");
  if (data instanceof Tensor) return finish(data.detach().to(opts.dtype ?? data.dtype, { copy: true }), opts);
  let flat: ArrayLike<number | boolean>;
  let shape: number[];
  let dtype: DType;
  if (ArrayBuffer.isView(data)) {
    flat = data as TypedArray;
    shape = [flat.length];
    dtype = opts.dtype ?? (data instanceof Uint8Array ? "bool" : dtypeOfArray(data as TypedArray));
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array)) {
      dtype = opts.dtype ?? "float32";
    }
  } else if (typeof data === "number" || typeof data === "boolean") {
    flat = [data];
    shape = [];
    dtype = opts.dtype ?? (typeof data === "boolean" ? "bool" : "float32");
  } else if (Array.isArray(data)) {
    shape = inferShape(data, "tensor");
    flat = (data as unknown[]).flat(Infinity) as (number | boolean)[];
    dtype = opts.dtype ?? (flat.length > 0 && typeof flat[0] === "boolean" ? "bool" : "float32");
  } else {
    throw new TypeError(`tensor: unsupported data of type ${typeof data}`);
  }
  if (opts.shape) {
    const target = checkShape(opts.shape, "tensor");
    if (numel(target) !== flat.length) {
      throw new RangeError(`tensor: shape ${formatShape(target)} needs ${numel(target)} elements, got ${flat.length}`);
    }
    shape = target;
  }
  const storage = allocate(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) storage[i] = dtype === "bool" ? (flat[i] ? 1 : 0) : Number(flat[i]);
  return finish(new Tensor(storage, shape), opts);
}

type ShapeArg = number | readonly number[];
const asShape = (s: ShapeArg, op: string) => checkShape(typeof s === "number" ? [s] : s, op);

export function zeros(shape: ShapeArg, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "zeros");
  return finish(Tensor.zeros(asShape(shape, "zeros"), opts.dtype), opts);
}

export function ones(shape: ShapeArg, opts: TensorOptions = {}): Tensor {
  return full(shape, 1, opts);
}

export function full(shape: ShapeArg, value: number | boolean, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "full");
  const dtype = opts.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  const t = Tensor.empty(asShape(shape, "full"), dtype);
  t.data.fill(Number(value));
  return finish(t, opts);
}

export const zerosLike = (t: Tensor, opts: TensorOptions = {}) => zeros(t.shape, { dtype: t.dtype, ...opts });
export const onesLike = (t: Tensor, opts: TensorOptions = {}) => ones(t.shape, { dtype: t.dtype, ...opts });
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}) => full(t.shape, value, { dtype: t.dtype, ...opts });

/** Values from start (inclusive) to end (exclusive) by step; int32 when all are integers, as torch. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "arange");
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new RangeError(`arange: step must be a finite non-zero number, got ${step}`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  const dtype = opts.dtype ?? ([from, to, step].every(Number.isInteger) ? "int32" : "float32");
  const t = Tensor.empty([count], dtype);
  for (let i = 0; i < count; i++) t.data[i] = from + i * step;
  return finish(t, opts);
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "linspace");
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const t = Tensor.empty([steps], opts.dtype ?? "float32");
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Fill symmetrically from both ends, as PyTorch does (its halfway is steps / 2 rounded down; one
  // step gives `start`), so both end points are exact.
  const halfway = Math.max(1, Math.floor(steps / 2));
  for (let i = 0; i < steps; i++) t.data[i] = i < halfway ? start + i * delta : end - (steps - 1 - i) * delta;
  return finish(t, opts);
}

export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  validate(opts.dtype, "eye");
  const t = Tensor.zeros(asShape([n, m], "eye"), opts.dtype);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return finish(t, opts);
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function sample(shape: ShapeArg, opts: RandomOptions, op: string, draw: (g: Generator) => number): Tensor {
  validate(opts.dtype, op);
  const g = opts.generator ?? getDefaultGenerator();
  const t = Tensor.empty(asShape(shape, op), opts.dtype ?? "float32");
  for (let i = 0; i < t.data.length; i++) t.data[i] = draw(g);
  return finish(t, opts);
}

/** Uniform samples in [0, 1). */
export function rand(shape: ShapeArg, opts: RandomOptions = {}): Tensor {
  return sample(shape, opts, "rand", (g) => g.uniform());
}

/** Standard normal samples. */
export function randn(shape: ShapeArg, opts: RandomOptions = {}): Tensor {
  return sample(shape, opts, "randn", (g) => g.normal());
}

/** Integers uniform in [low, high), int32 by default: randint(low, high, shape) or randint(high, shape), as torch.randint. */
export function randint(high: number, shape: ShapeArg, opts?: RandomOptions): Tensor;
export function randint(low: number, high: number, shape: ShapeArg, opts?: RandomOptions): Tensor;
export function randint(a: number, b: number | ShapeArg, c?: ShapeArg | RandomOptions, d: RandomOptions = {}): Tensor {
  const full = typeof c === "number" || Array.isArray(c);
  const [low, high, shape, opts] = full ? [a, b as number, c as ShapeArg, d] : [0, a, b as ShapeArg, (c as RandomOptions | undefined) ?? {}];
  if (!(high > low)) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
  return sample(shape, { dtype: "int32", ...opts }, "randint", (g) => g.integer(low, high));
}

export const randLike = (t: Tensor, opts: RandomOptions = {}) => rand(t.shape, { dtype: t.dtype, ...opts });
export const randnLike = (t: Tensor, opts: RandomOptions = {}) => randn(t.shape, { dtype: t.dtype, ...opts });
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}) => randint(low, high, t.shape, { dtype: t.dtype, ...opts });

/** A random permutation of 0..n-1 (Fisher-Yates). */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  const g = opts.generator ?? getDefaultGenerator();
  const t = Tensor.empty([n], "int32");
  for (let i = 0; i < n; i++) t.data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const tmp = t.data[i];
    t.data[i] = t.data[j];
    t.data[j] = tmp;
  }
  return t;
}

/** Uniform samples in [low, high) written into `t` (an initialiser helper). */
export function uniform_(t: Tensor, low: number, high: number, generator?: Generator): Tensor {
  const g = generator ?? getDefaultGenerator();
  const d = t.denseData();
  for (let i = 0; i < d.length; i++) d[i] = low + (high - low) * g.uniform();
  return t;
}

/** Normal samples with the given mean and std written into `t`. */
export function normal_(t: Tensor, mean: number, std: number, generator?: Generator): Tensor {
  const g = generator ?? getDefaultGenerator();
  const d = t.denseData();
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return t;
}
