import assert from "node:assert/strict";
import { Tensor } from "../../src/index.js";

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

/** float32 defaults: a few ulps of relative error, and an absolute floor for values near zero. */
export const FLOAT32_TOLERANCE = { rtol: 1e-5, atol: 1e-6 } as const;
export const FLOAT64_TOLERANCE = { rtol: 1e-12, atol: 1e-12 } as const;

type Numeric = Tensor | ArrayLike<number> | number | readonly unknown[];

function flatten(x: Numeric): { values: ArrayLike<number>; shape: number[] | null } {
  if (x instanceof Tensor) return { values: x.toArray(), shape: x.shape };
  if (typeof x === "number") return { values: [x], shape: null };
  if (Array.isArray(x)) {
    const shape: number[] = [];
    for (let level: unknown = x; Array.isArray(level); level = level[0]) shape.push(level.length);
    return { values: (x as unknown[]).flat(Infinity).map(Number), shape };
  }
  return { values: x as ArrayLike<number>, shape: null };
}

/**
 * Element-wise |actual - expected| <= atol + rtol * |expected| (numpy.allclose), NaN matching
 * NaN and infinities matching exactly. Shapes are compared when both sides carry one.
 */
export function assertClose(actual: Numeric, expected: Numeric, tol: Tolerance & { message?: string } = {}): void {
  const { rtol, atol } = { ...FLOAT32_TOLERANCE, ...tol };
  const a = flatten(actual);
  const e = flatten(expected);
  const what = tol.message ? `${tol.message}: ` : "";
  if (a.shape && e.shape) assert.deepEqual(a.shape, e.shape, `${what}shape [${a.shape}] differs from expected [${e.shape}]`);
  assert.equal(a.values.length, e.values.length, `${what}${a.values.length} elements, expected ${e.values.length}`);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < e.values.length; i++) {
    const x = a.values[i];
    const y = e.values[i];
    if (Number.isNaN(y) ? Number.isNaN(x) : !Number.isFinite(y) ? x === y : Math.abs(x - y) <= atol + rtol * Math.abs(y)) continue;
    const excess = Number.isFinite(x - y) ? Math.abs(x - y) - (atol + rtol * Math.abs(y)) : Infinity;
    if (worst < 0 || excess > worstExcess) [worst, worstExcess] = [i, excess];
  }
  if (worst >= 0) {
    assert.fail(
      `${what}element ${worst} is ${a.values[worst]}, expected ${e.values[worst]} (rtol ${rtol}, atol ${atol}); ` +
        `actual [${Array.from(a.values).slice(0, 12).join(", ")}${a.values.length > 12 ? ", …" : ""}]`,
    );
  }
}

/** Asserts that `fn` throws an error whose message contains every fragment (op name, shapes…). */
export function assertThrowsWith(fn: () => unknown, ...fragments: string[]): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof Error, "expected an Error");
    for (const f of fragments) assert.ok(err.message.includes(f), `error "${err.message}" does not mention "${f}"`);
    return true;
  });
}
