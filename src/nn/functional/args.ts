import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";

/** An int or an (h, w) pair, as PyTorch's `_pair` arguments accept. */
export type Pair = number | readonly [number, number];

/** Expands `value` to [h, w] and checks each is an integer >= `min`, naming op and argument on failure. */
export function pair(value: Pair, op: string, name: string, min: number): [number, number] {
  const hw: [number, number] = typeof value === "number" ? [value, value] : [value[0], value[1]];
  if ((typeof value !== "number" && value.length !== 2) || hw.some((v) => !Number.isInteger(v) || v < min)) {
    throw new RangeError(`${op}: ${name} must be ${min > 0 ? "a positive" : "a non-negative"} integer or a pair of them, got ${JSON.stringify(value)}`);
  }
  return hw;
}

export function requireFloat(t: Tensor, op: string, name: string): void {
  if (t.dtype !== "float32" && t.dtype !== "float64") {
    throw new TypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
  }
}

/** Floating operands of one op must share a dtype: PyTorch refuses to mix float and double here too. */
export function requireSameDtype(op: string, ...named: [string, Tensor | null | undefined][]): void {
  const present = named.filter((e): e is [string, Tensor] => e[1] != null);
  for (const [name, t] of present) requireFloat(t, op, name);
  const [firstName, first] = present[0];
  for (const [name, t] of present.slice(1)) {
    if (t.dtype !== first.dtype) throw new TypeError(`${op}: ${name} is ${t.dtype} but ${firstName} is ${first.dtype}`);
  }
}

/** Unbatched input (rank `batchedRank - 1`) is run as a batch of one, as PyTorch does. */
export function batchInput(x: Tensor, batchedRank: number, op: string, layout: string): { batched: Tensor; unbatched: boolean } {
  if (x.ndim === batchedRank) return { batched: x, unbatched: false };
  if (x.ndim === batchedRank - 1) return { batched: x.unsqueeze(0), unbatched: true };
  throw new RangeError(`${op}: expected ${batchedRank - 1}-D or ${batchedRank}-D input (${layout}), got shape ${formatShape(x.shape)}`);
}
