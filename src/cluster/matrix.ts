import { Tensor } from "../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../random/generator.js";

/**
 * A dense row-major float64 matrix: the working form of every estimator in `cluster`. Inputs arrive
 * as a 2-D Tensor (any dtype) or nested number arrays and are copied here once, so an estimator
 * never mutates what the caller passed.
 */
export interface Matrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** What `fit`, `predict` and the metrics accept as a data matrix. */
export type MatrixLike = Tensor | readonly (readonly number[])[];

/** Copies `X` into a float64 matrix, rejecting anything that is not a non-empty 2-D array of finite numbers. */
export function toMatrix(X: MatrixLike, who: string, name = "X"): Matrix {
  if (X instanceof Tensor) {
    if (X.ndim !== 2) throw new RangeError(`${who}: ${name} must be 2-D [samples, features], got shape [${X.shape.join(", ")}]`);
    const [rows, cols] = X.shape;
    const data = Float64Array.from(X.denseData() as ArrayLike<number>);
    return checked({ data, rows, cols }, who, name);
  }
  if (!Array.isArray(X)) throw new TypeError(`${who}: ${name} must be a 2-D Tensor or an array of rows, got ${X === null ? "null" : typeof X}`);
  const rows = X.length;
  if (rows > 0 && !Array.isArray(X[0])) throw new RangeError(`${who}: ${name} must be 2-D [samples, features]; got a 1-D array (wrap each sample in its own row)`);
  const cols = rows === 0 ? 0 : X[0].length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = X[i];
    if (!Array.isArray(row) || row.length !== cols) {
      throw new RangeError(`${who}: ${name} is ragged: row ${i} has ${Array.isArray(row) ? row.length : "no"} values, row 0 has ${cols}`);
    }
    for (let j = 0; j < cols; j++) {
      const v = row[j];
      if (typeof v !== "number") throw new TypeError(`${who}: ${name}[${i}][${j}] is ${typeof v}, expected a number`);
      data[i * cols + j] = v;
    }
  }
  return checked({ data, rows, cols }, who, name);
}

function checked(m: Matrix, who: string, name: string): Matrix {
  if (m.rows === 0 || m.cols === 0) throw new RangeError(`${who}: ${name} is empty (shape [${m.rows}, ${m.cols}]); need at least one sample and one feature`);
  const { data, cols } = m;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(`${who}: ${name}[${Math.floor(i / cols)}][${i % cols}] is ${data[i]}; all values must be finite numbers`);
    }
  }
  return m;
}

/** Checks that `X` has the feature count a fitted model expects. */
export function checkFeatures(m: Matrix, expected: number, who: string): void {
  if (m.cols !== expected) throw new RangeError(`${who}: X has ${m.cols} features, but the model was fitted with ${expected}`);
}

export function matrixTensor(data: Float64Array, rows: number, cols: number): Tensor {
  return Tensor.fromTypedArray(data, [rows, cols]);
}

/** Validates an integer hyper-parameter in [min, max]. */
export function checkInteger(value: unknown, name: string, who: string, min: number, max = Infinity): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${who}: ${name} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** Validates a real hyper-parameter; `open` excludes `min` itself. */
export function checkNumber(value: unknown, name: string, who: string, min: number, open = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || (open && value === min)) {
    throw new RangeError(`${who}: ${name} must be a finite number ${open ? ">" : ">="} ${min}, got ${String(value)}`);
  }
  return value;
}

export function checkChoice<T extends string>(value: unknown, name: string, who: string, choices: readonly T[]): T {
  if (!choices.includes(value as T)) throw new RangeError(`${who}: ${name} must be one of ${choices.map((c) => `"${c}"`).join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

/**
 * The random stream of one fit: an explicit seed reproduces it exactly; without one it is seeded
 * from the default generator, so `lt.manualSeed` makes unseeded fits reproducible too.
 */
export function fitGenerator(seed: number | undefined, who: string): Generator {
  if (seed === undefined) return new Generator(getDefaultGenerator().nextUint32());
  if (!Number.isInteger(seed)) throw new RangeError(`${who}: seed must be an integer, got ${String(seed)}`);
  return new Generator(seed);
}

/** Error for reading learned state before `fit`. */
export function notFitted(who: string, what: string): Error {
  return new Error(`${who}: ${what} is not available before fit(X); call fit first`);
}
