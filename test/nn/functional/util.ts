import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";

const generator = new lt.Generator(1234);

/** Standard-normal float64 samples from a generator shared by the functional tests (deterministic per file). */
export function randn(shape: number[]): Tensor {
  return lt.randn(shape, { generator, dtype: "float64" });
}

/** Uniform float64 samples in [low, high). */
export function uniform(shape: number[], low: number, high: number): Tensor {
  return lt.rand(shape, { generator, dtype: "float64" }).mul(high - low).add(low);
}

/** Float64 gradcheck of `fn` with respect to every floating input (int inputs pass through). */
export function assertGradcheck(fn: (...inputs: Tensor[]) => Tensor | readonly Tensor[], inputs: Tensor[]): void {
  assert.ok(lt.autograd.gradcheck(fn, inputs));
}
