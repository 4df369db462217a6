/**
 * lt.jit.trace: runs a model's forward pass once on an example input, records the backend kernel
 * calls it makes, and returns a TracedModule that replays just those calls on new inputs of the
 * same shape, as torch.jit.trace records a graph. Between kernels an eager forward pass runs
 * JavaScript (argument checks, tensor objects, module dispatch) whose code and data the kernels
 * have pushed out of cache; in MobileNetV2 at batch 1 that cost about 0.5 ms of 6.3. A replay is a
 * flat loop over prepared calls into memory planned ahead (plan.ts).
 *
 * What it records is only valid for forward passes whose kernel calls do not depend on the input's
 * values (no data-dependent branches) and whose results all come from the backend. trace checks
 * that: the replay must reproduce the eager output on the example and on a shuffled copy of it, or
 * trace throws.
 */
import { Tensor } from "../tensor/tensor.js";
import type { DType, TypedArray } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";
import type { Backend } from "../backend/backend.js";
import { getBackend, setBackend } from "../backend/index.js";
import { noGrad } from "../autograd/grad-mode.js";
import { tidy } from "../memory/scope.js";
import { BYTES_PER_ELEMENT, observeAllocations } from "../memory/pool.js";
import { uninitialized } from "../ops/util.js";
import { arenaBytes, forEachArray, mapArrays, mapLeaves, planArenas, rebase, type RecordedCall } from "./plan.js";

/** Backend methods whose result the forward pass keeps (prepared weights): run while recording, never replayed. */
const PREPARATION = new Set(["prepareConv2d", "prepareInvertedResidual"]);

/** What can be traced: a module (its forward) or a function of one tensor. */
export type Traceable = { forward(x: Tensor): Tensor; training?: boolean } | ((x: Tensor) => Tensor);

/** Every method name of a backend object, own or inherited. */
function methodNames(backend: Backend): string[] {
  const names = new Set<string>();
  for (let o: object | null = backend; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== "constructor" && typeof (backend as unknown as Record<string, unknown>)[name] === "function") names.add(name);
    }
  }
  return [...names];
}

interface Recording {
  calls: RecordedCall[];
  /** Buffers allocated while recording: results of the calls, or constants the forward pass made. */
  allocated: Set<ArrayBuffer>;
  /** Of those, the ones the first call that touched them did not change, with their contents then. */
  constants: Map<ArrayBuffer, ArrayBuffer>;
  output: Tensor;
}

function sameBytes(a: ArrayBuffer, b: ArrayBuffer): boolean {
  const x = new Uint8Array(a), y = new Uint8Array(b);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** Runs forward(example) with every backend call recorded and every allocation noted. */
function record(forward: (x: Tensor) => Tensor, example: Tensor): Recording {
  const base = getBackend();
  const calls: RecordedCall[] = [];
  const allocated = new Set<ArrayBuffer>();
  const constants = new Map<ArrayBuffer, ArrayBuffer>();
  const touched = new Set<ArrayBuffer>();
  const recorder = Object.create(base) as Record<string, unknown>;
  for (const name of methodNames(base)) {
    const method = (base as unknown as Record<string, (...args: unknown[]) => unknown>)[name];
    recorder[name] = (...args: unknown[]) => {
      // A buffer allocated while recording is either the result of the first call that touches it
      // or a constant the forward pass filled in JavaScript (a scalar operand, say), which that call
      // reads. The contents from before the call tell them apart; a constant keeps its own copy.
      const before = new Map<ArrayBuffer, ArrayBuffer>();
      const detached = args.map(detachViews);
      if (!PREPARATION.has(name)) {
        forEachArray(detached, (array) => {
          const buffer = array.buffer as ArrayBuffer;
          if (!allocated.has(buffer) || touched.has(buffer)) return;
          touched.add(buffer);
          before.set(buffer, buffer.slice(0));
        });
      }
      const result = method.apply(base, args);
      for (const [buffer, copy] of before) if (sameBytes(buffer, copy)) constants.set(buffer, copy);
      if (PREPARATION.has(name)) return result;
      if (result !== undefined) {
        throw new TypeError(`jit.trace: the forward pass reads a result back from the backend (${name}), so its kernel calls cannot be replayed`);
      }
      calls.push({ method: name, args: detached });
      return result;
    };
  }
  setBackend(recorder as unknown as Backend);
  const previous = observeAllocations((data) => allocated.add(data.buffer as ArrayBuffer));
  try {
    const output = tidy(() => noGrad(() => {
      const y = forward(example);
      if (!(y instanceof Tensor)) throw new TypeError(`jit.trace: the forward pass must return one Tensor, got ${describe(y)}`);
      // A strided result is made contiguous by a kernel call, so that the replay's output is one run of memory.
      return y.isContiguous() ? y : y.contiguous();
    }));
    return { calls, allocated, constants, output };
  } finally {
    observeAllocations(previous);
    setBackend(base);
  }
}

/**
 * The argument with every Tensor in it (backends take tensors as strided views) replaced by a plain
 * view of the same storage, which outlives the tensor's disposal at the end of the recording.
 */
function detachViews(value: unknown): unknown {
  return mapLeaves(value, (leaf) =>
    leaf instanceof Tensor ? { data: leaf.data, shape: [...leaf.shape], strides: [...leaf.strides], offset: leaf.offset } : leaf,
  );
}

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/** A prepared call: the bound method and its arguments, remapped into the plan's memory. */
interface Step {
  run: (...args: unknown[]) => unknown;
  args: unknown[];
  readsInput: boolean;
}

/** A forward pass recorded by lt.jit.trace: call forward(x) with inputs of the traced shape and dtype. */
export class TracedModule {
  readonly inputShape: readonly number[];
  readonly inputDtype: DType;
  readonly outputShape: readonly number[];
  readonly outputDtype: DType;
  /** Bytes of the memory the plan holds for intermediate results. */
  readonly arenaBytes: number;
  readonly #steps: Step[];
  readonly #inputBuffer: ArrayBuffer;
  readonly #inputStart: number;
  readonly #output: TypedArray;

  /** @internal Built by trace(). */
  constructor(example: Tensor, recording: Recording) {
    this.inputShape = [...example.shape];
    this.inputDtype = example.dtype;
    this.outputShape = [...recording.output.shape];
    this.outputDtype = recording.output.dtype;
    const input = example.data;
    this.#inputBuffer = input.buffer as ArrayBuffer;
    this.#inputStart = input.byteOffset + example.offset * BYTES_PER_ELEMENT[example.dtype];
    const out = recording.output;
    const outView = out.data.subarray(out.offset, out.offset + out.numel);
    // The example's buffer is the input; buffers allocated while recording are intermediates,
    // except the constants, which move to copies of their own.
    recording.allocated.delete(this.#inputBuffer);
    for (const buffer of recording.constants.keys()) recording.allocated.delete(buffer);
    const backend = getBackend();
    const lineOffset = backend.cacheLineOffset ? (data: Uint8Array) => backend.cacheLineOffset!(data) : undefined;
    const methods = backend as unknown as Record<string, (...args: unknown[]) => unknown>;
    const placements = planArenas(recording.calls, recording.allocated, outView.buffer as ArrayBuffer, lineOffset);
    this.arenaBytes = arenaBytes(placements);
    const place = (array: TypedArray): TypedArray => {
      const buffer = array.buffer as ArrayBuffer;
      const constant = recording.constants.get(buffer);
      if (constant) return rebase(array, constant);
      const placement = placements.get(buffer);
      return placement ? rebase(array, placement.arena, placement.offset) : array;
    };
    this.#steps = recording.calls.map(({ method, args }) => {
      let readsInput = false;
      forEachArray(args, (array) => {
        if (array.buffer === this.#inputBuffer) readsInput = true;
      });
      return { run: methods[method].bind(backend), args: mapArrays(args, place) as unknown[], readsInput };
    });
    this.#output = outView.buffer === this.#inputBuffer ? outView : place(outView);
  }

  /** Kernel calls replayed per forward. */
  get ops(): number {
    return this.#steps.length;
  }

  /** The traced forward pass on `x` (same shape and dtype as the example); returns a new tensor. */
  forward(x: Tensor): Tensor {
    if (!(x instanceof Tensor)) throw new TypeError(`TracedModule.forward: expected a Tensor, got ${describe(x)}`);
    if (x.dtype !== this.inputDtype || x.shape.length !== this.inputShape.length || x.shape.some((d, i) => d !== this.inputShape[i])) {
      throw new RangeError(
        `TracedModule.forward: traced for ${this.inputDtype} input of shape ${formatShape(this.inputShape)}, got ${x.dtype} ${formatShape(x.shape)}`,
      );
    }
    const data = x.denseData();
    const shift = data.byteOffset - this.#inputStart;
    const toInput = (array: TypedArray): TypedArray =>
      array.buffer === this.#inputBuffer ? rebase(array, data.buffer as ArrayBuffer, shift) : array;
    for (const step of this.#steps) {
      if (step.readsInput) step.run(...(mapArrays(step.args, toInput) as unknown[]));
      else step.run(...step.args);
    }
    // Made with gradients off, as an eager inference op's output, so that lt.tidy collects it.
    const result = noGrad(() => uninitialized(this.outputShape, this.outputDtype));
    const source = this.#output.buffer === this.#inputBuffer ? toInput(this.#output) : this.#output;
    (result.data as TypedArray).set(source as never);
    return result;
  }
}

/** Elements of `a` and `b` that differ (NaN equals NaN), or -1. */
function firstDifference(a: TypedArray, b: TypedArray): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) return i;
  }
  return -1;
}

/** A copy of `t` with its elements in a fixed pseudo-random order (a second input to check the replay on). */
function shuffled(t: Tensor): Tensor {
  const values = t.toArray();
  let seed = 0x9e3779b9;
  for (let i = values.length - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    const j = seed % (i + 1);
    const v = values[i];
    values[i] = values[j];
    values[j] = v;
  }
  return new Tensor(values, t.shape);
}

/**
 * Records `model`'s forward pass on `example` (inference: no gradients) and returns a TracedModule
 * that replays its kernel calls. The model must be in eval mode. Throws when the replay does not
 * reproduce the eager output, on the example and on a shuffled copy of it (the forward pass
 * branches on values, or computes part of its result outside the backend).
 */
export function trace(model: Traceable, example: Tensor): TracedModule {
  const forward = typeof model === "function" ? model : (x: Tensor) => model.forward(x);
  if (typeof model !== "function" && (model === null || typeof model !== "object" || typeof model.forward !== "function")) {
    throw new TypeError(`jit.trace: expected a module or a function of one tensor, got ${describe(model)}`);
  }
  if (typeof model !== "function" && model.training === true) {
    throw new TypeError("jit.trace: the model is in training mode; call model.eval() first (a trace records inference)");
  }
  if (!(example instanceof Tensor)) throw new TypeError(`jit.trace: the example input must be a Tensor, got ${describe(example)}`);
  const input = example.isContiguous() ? example : example.contiguous();
  const recording = record(forward, input);
  const eager = recording.output.toArray();
  const traced = new TracedModule(input, recording);
  if (recording.output !== input && recording.output !== example) recording.output.dispose();
  const check = (x: Tensor, expected: TypedArray, what: string) => {
    const replayed = traced.forward(x);
    const actual = replayed.toArray();
    replayed.dispose();
    const i = firstDifference(actual, expected);
    if (i >= 0) {
      throw new Error(
        `jit.trace: replaying the recorded kernel calls on ${what} gives ${actual[i]} at element ${i} where the forward pass gives ` +
          `${expected[i]}: the forward pass branches on the input's values or computes part of its result outside the backend`,
      );
    }
  };
  check(input, eager, "the example");
  const second = shuffled(input);
  const eagerSecond = tidy(() => noGrad(() => forward(second)));
  const expected = eagerSecond.toArray();
  if (eagerSecond !== second) eagerSecond.dispose();
  check(second, expected, "a shuffled copy of the example");
  return traced;
}
