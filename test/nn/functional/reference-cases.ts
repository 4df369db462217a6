import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { DType, Tensor } from "../../../src/index.js";
import { assertClose } from "../../helpers/assert.js";
import type { Tolerance } from "../../helpers/assert.js";

/**
 * Runs the cases of test/fixtures/functional-reference.json (made by gen_functional.py with
 * PyTorch; same layout as tensor-reference.json): forward outputs, then the gradient of every input
 * after back-propagating PyTorch's upstream gradients.
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

const reference = JSON.parse(
  readFileSync(new URL("../../../../test/fixtures/functional-reference.json", import.meta.url), "utf8"),
) as { torch: string; groups: Record<string, Record<string, OpCase>> };

export type CaseFn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];
/** A case, or a case with its own tolerance (where PyTorch rounds a constant to float32). */
export type CaseEntry = CaseFn | readonly [CaseFn, Tolerance];

/** float64 cases agree to the 12 digits stored; float32 ones to PyTorch's float32 rounding. */
const TOLERANCE: Record<string, Tolerance> = { float64: { rtol: 1e-9, atol: 1e-10 }, float32: { rtol: 1e-4, atol: 1e-5 } };

function build(spec: TensorSpec, data: readonly Stored[] = spec.data): Tensor {
  return lt.tensor(data.map(Number), { shape: spec.shape, dtype: spec.dtype, requiresGrad: spec.requiresGrad ?? false });
}

function check(name: string, c: OpCase, fn: CaseFn, override: Tolerance = {}): void {
  const inputs = c.inputs.map((spec) => build(spec));
  const result = fn(...inputs);
  const outputs = result instanceof lt.Tensor ? [result] : [...result];
  assert.equal(outputs.length, c.outputs.length, `${name}: ${outputs.length} outputs, PyTorch gives ${c.outputs.length}`);
  outputs.forEach((out, i) => {
    const want = c.outputs[i];
    assert.equal(out.dtype, want.dtype, `${name}: output ${i} has dtype ${out.dtype}, PyTorch gives ${want.dtype}`);
    assertClose(out, build(want), { ...TOLERANCE[want.dtype], ...override, message: `${name}: output ${i}` });
  });
  c.gradOutputs.forEach((g, i) => {
    if (g !== null) outputs[i].backward(build({ ...c.outputs[i], requiresGrad: false }, g));
  });
  inputs.forEach((input, k) => {
    const want = c.grads[k];
    if (want === null) return;
    assert.ok(input.grad, `${name}: input ${k} got no gradient`);
    assertClose(input.grad, build(c.inputs[k], want), { ...TOLERANCE[input.dtype], ...override, message: `${name}: gradient of input ${k}` });
  });
}

/** One test per case of a group; the table must name exactly the group's cases, so none goes unchecked. */
export function referenceCases(group: string, table: Record<string, CaseEntry>): void {
  describe(`functional ${group} vs PyTorch ${reference.torch}`, () => {
    test("the table covers the fixture group exactly", () => {
      assert.deepEqual(Object.keys(table).sort(), Object.keys(reference.groups[group] ?? {}).sort());
    });
    for (const [name, entry] of Object.entries(table)) {
      const [fn, tol] = typeof entry === "function" ? [entry, undefined] : entry;
      test(name, () => check(name, reference.groups[group][name], fn, tol));
    }
  });
}
