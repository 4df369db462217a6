import { opCases } from "../../helpers/check-op.js";
import type { OpFn } from "../../helpers/check-op.js";
import type { Tolerance } from "../../helpers/assert.js";

/** A case, or a case with its own tolerance (where PyTorch rounds a constant to float32). */
export type CaseEntry = OpFn | readonly [OpFn, Tolerance];

/**
 * The cases of test/fixtures/functional-reference.json (made by gen_functional.py with PyTorch),
 * checked by the shared op helper: float64 cases agree to the 12 digits stored, float32 ones to
 * PyTorch's float32 rounding.
 */
export function referenceCases(group: string, table: Record<string, CaseEntry>): void {
  opCases(group, table, {
    fixture: "functional-reference.json",
    tolerance: { float64: { rtol: 1e-9, atol: 1e-10 }, float32: { rtol: 1e-4, atol: 1e-5 } },
  });
}
