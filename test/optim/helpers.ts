import { readFileSync } from "node:fs";
import * as lt from "../../src/index.js";
import type { DType, Tensor } from "../../src/index.js";
import * as optim from "../../src/optim/index.js";

/** Reads a JSON fixture from test/fixtures (tests run from dist/test/optim). */
export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/${name}`, import.meta.url), "utf8")) as T;
}

const A = [1, 2, 3, 4, 5, 6];

/** The fixtures' objective over parameters that split w = [w_0 … w_5]: sum((a*w - 1)^2) + sum(sin(w)). */
export function objective(params: readonly Tensor[], offsets: readonly number[]): Tensor {
  let total: Tensor | null = null;
  params.forEach((w, i) => {
    const a = lt.tensor(A.slice(offsets[i], offsets[i] + w.numel), { dtype: w.dtype });
    const term = a.mul(w).sub(1).square().sum().add(w.sin().sum());
    total = total ? total.add(term) : term;
  });
  return total!;
}

/** One optimization step on the objective. */
export function trainStep(opt: optim.Optimizer, params: readonly Tensor[], offsets: readonly number[]): void {
  opt.zeroGrad();
  objective(params, offsets).backward();
  opt.step();
}

/** Concatenated values of the parameters, as the fixtures store them. */
export function flatValues(params: readonly Tensor[]): number[] {
  return params.flatMap((p) => Array.from(p.toArray()));
}

export const OPTIMIZERS = { SGD: optim.SGD, Adam: optim.Adam, AdamW: optim.AdamW, RMSprop: optim.RMSprop } as const;
export type OptimizerName = keyof typeof OPTIMIZERS;

/** torch's keyword arguments (weight_decay, betas as a list…) as Lantern options. */
export function camelOptions(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}

export function makeOptimizer(name: OptimizerName, params: optim.Params, options: Record<string, unknown>): optim.Optimizer {
  const Ctor = OPTIMIZERS[name] as unknown as new (params: optim.Params, options: Record<string, unknown>) => optim.Optimizer;
  return new Ctor(params, camelOptions(options));
}

/** Leaf parameters cut from w0 at the given [start, end) slices. */
export function makeParams(w0: readonly number[], slices: readonly (readonly [number, number])[], dtype: DType = "float32"): Tensor[] {
  return slices.map(([start, end]) => lt.tensor(w0.slice(start, end), { dtype, requiresGrad: true }));
}
