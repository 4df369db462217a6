import type { TypedArray } from "./dtype.js";
import type { NestedArray } from "./tensor.js";

/** Nested JS arrays from flat row-major data, as torch's tolist(). */
export function toNested(flat: TypedArray, shape: readonly number[], asBool: boolean): NestedArray {
  const convert = (v: number): number | boolean => (asBool ? v !== 0 : v);
  if (shape.length === 0) return convert(flat[0]);
  let at = 0;
  const build = (dim: number): NestedArray[] => {
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]; i++) {
      if (dim === shape.length - 1) out.push(convert(flat[at++]));
      else out.push(build(dim + 1));
    }
    return out;
  };
  return build(0);
}
