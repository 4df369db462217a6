import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { DType, Tensor } from "../../src/index.js";
import type { Backend } from "../../src/backend/index.js";
import { assertClose, FLOAT32_TOLERANCE } from "./assert.js";
import type { Tolerance } from "./assert.js";

/**
 * Lantern's helper_test_op: runs an op on the inputs stored in a PyTorch reference fixture
 * (test/fixtures/tensor-reference.json by default, made by gen_tensor.py) and checks its outputs,
 * their dtypes and shapes, and the gradients of every input against PyTorch's. Other fixtures in
 * the same layout pass `{ fixture: "name.json" }`.
 */

type Stored = number | "NaN" | "Infinity" | "-Infinity";

interface TensorSpec {
  shape: number[];
  dtype: DType;
  data: Stored[];
  requiresGrad?: boolean;
}

interface OpCase {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  gradOutputs: (Stored[] | null)[];
  grads: (Stored[] | null)[];
}

interface Reference {
  torch: string;
  groups: Record<string, Record<string, OpCase>>;
}

const loaded = new Map<string, Reference>();

/** A fixture file of test/fixtures, read once per process. */
function load(fixture: string): Reference {
  let ref = loaded.get(fixture);
  if (!ref) {
    ref = JSON.parse(readFileSync(new URL(`../../../test/fixtures/${fixture}`, import.meta.url), "utf8")) as Reference;
    loaded.set(fixture, ref);
  }
  return ref;
}

export interface ReferenceOptions {
  /** File under test/fixtures; tensor-reference.json by default. */
  fixture?: string;
  /** Tolerances by result dtype, replacing the float32/float64 defaults. */
  tolerance?: Partial<Record<DType, Tolerance>>;
}

export type OpResult = Tensor | readonly Tensor[] | { values: Tensor; indices: Tensor };
export type OpFn = (...inputs: Tensor[]) => OpResult;

/** float64 results match PyTorch's to rounding of a handful of operations. */
const FLOAT64_TOLERANCE = { rtol: 1e-10, atol: 1e-12 };

function decode(data: readonly Stored[]): number[] {
  return data.map((v) => (typeof v === "number" ? v : Number(v)));
}

function build(spec: TensorSpec, data: readonly Stored[] = spec.data): Tensor {
  return lt.tensor(decode(data), { shape: spec.shape, dtype: spec.dtype, requiresGrad: spec.requiresGrad ?? false });
}

function outputsOf(result: OpResult): Tensor[] {
  if (result instanceof lt.Tensor) return [result];
  if ("values" in result && "indices" in result) return [result.values, result.indices];
  return [...(result as readonly Tensor[])];
}

function toleranceFor(dtype: DType, opts: ReferenceOptions, override: Tolerance | undefined): Tolerance {
  const base = opts.tolerance?.[dtype] ?? (dtype === "float64" ? FLOAT64_TOLERANCE : FLOAT32_TOLERANCE);
  return { ...base, ...override };
}

export function referenceCase(group: string, name: string, opts: ReferenceOptions = {}): OpCase {
  const fixture = opts.fixture ?? "tensor-reference.json";
  const c = load(fixture).groups[group]?.[name];
  if (!c) throw new Error(`${fixture} has no case ${group}/${name}; regenerate it`);
  return c;
}

/** Checks one stored case: forward values, dtypes and shapes, then the gradient of every input. */
export function checkOp(group: string, name: string, fn: OpFn, tol?: Tolerance, opts: ReferenceOptions = {}): void {
  const c = referenceCase(group, name, opts);
  const inputs = c.inputs.map((spec) => build(spec));
  const outputs = outputsOf(fn(...inputs));
  assert.equal(outputs.length, c.outputs.length, `${name}: ${outputs.length} outputs, PyTorch gives ${c.outputs.length}`);
  outputs.forEach((out, i) => {
    const want = c.outputs[i];
    assert.equal(out.dtype, want.dtype, `${name}: output ${i} has dtype ${out.dtype}, PyTorch gives ${want.dtype}`);
    assertClose(out, build(want), { ...toleranceFor(want.dtype, opts, tol), message: `${name}: output ${i}` });
  });
  c.gradOutputs.forEach((g, i) => {
    if (g === null) return;
    const out = outputs[i];
    assert.ok(out.requiresGrad, `${name}: output ${i} does not require grad, but PyTorch's does`);
    out.backward(build({ ...c.outputs[i], requiresGrad: false }, g));
  });
  inputs.forEach((input, k) => {
    const want = c.grads[k];
    if (want === null) {
      assert.equal(input.grad, null, `${name}: input ${k} should get no gradient`);
      return;
    }
    assert.ok(input.grad, `${name}: input ${k} got no gradient`);
    assert.equal(input.grad.dtype, input.dtype, `${name}: gradient of input ${k} has dtype ${input.grad.dtype}, expected ${input.dtype}`);
    const spec = c.inputs[k];
    assertClose(input.grad, build(spec, want), { ...toleranceFor(spec.dtype, opts, tol), message: `${name}: gradient of input ${k}` });
  });
}

/** Runs `fn` with `backend` active, restoring the previous one afterwards. */
function withBackend<T>(backend: Backend, fn: () => T): T {
  const previous = lt.getBackend();
  lt.setBackend(backend);
  try {
    return fn();
  } finally {
    lt.setBackend(previous);
  }
}

/**
 * Registers one test per case of a fixture group, on the active backend and, when that is another
 * one, on the TypeScript reference backend too. The table must name every case the group holds
 * (and no other), so a case added to gen_tensor.py cannot go unchecked. An entry may carry its own
 * tolerance as [fn, {rtol, atol}].
 */
export function opCases(group: string, table: Record<string, OpFn | readonly [OpFn, Tolerance]>, opts: ReferenceOptions = {}): void {
  const reference = load(opts.fixture ?? "tensor-reference.json");
  describe(`${group} vs PyTorch ${reference.torch}`, () => {
    test("the table covers the fixture group exactly", () => {
      assert.deepEqual(Object.keys(table).sort(), Object.keys(reference.groups[group] ?? {}).sort());
    });
    const backends = [...new Set([lt.getBackend(), lt.jsBackend])];
    for (const [name, entry] of Object.entries(table)) {
      const [fn, tol] = typeof entry === "function" ? [entry, undefined] : entry;
      for (const backend of backends) {
        const label = backends.length > 1 ? `${name} [${backend.name}]` : name;
        test(label, () => withBackend(backend, () => checkOp(group, name, fn, tol, opts)));
      }
    }
  });
}
