import { BYTES_PER_ELEMENT, POOLED_MIN_LENGTH, freshBuffer, markOwned, noteAllocation, takeRecycled, viewOf } from "../memory/pool.js";

/** Element types a tensor can hold; names follow PyTorch without the `torch.` prefix. */
export type DType = "float32" | "float64" | "int32" | "bool";

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

/** Zero-filled storage: a recycled buffer (see src/memory) when one of this size is free. */
export function allocate(dtype: DType, size: number): TypedArray {
  const recycled = takeRecycled(dtype, size);
  // A new ArrayBuffer is zeroed; pooled sizes get one whose views start on a cache line.
  const fresh = () =>
    size >= POOLED_MIN_LENGTH ? viewOf(dtype, freshBuffer(size * BYTES_PER_ELEMENT[dtype], (bytes) => new ArrayBuffer(bytes)), size) : newArray(dtype, size);
  const data = recycled ? recycled.fill(0) : fresh();
  if (!recycled) markOwned(data);
  noteAllocation(data);
  return data;
}

function newArray(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "int32":
      return new Int32Array(size);
    case "bool":
      return new Uint8Array(size);
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  return "bool";
}

export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** Type promotion between two tensors, as PyTorch does for these four types. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Type of `tensor op scalar`: a JS number never widens a floating tensor (as in PyTorch, where a
 * Python scalar does not promote float32 to float64), but a fractional scalar lifts integer and
 * bool tensors to float32.
 */
export function promoteWithScalar(dtype: DType, scalar: number): DType {
  if (isFloating(dtype)) return dtype;
  if (!Number.isInteger(scalar)) return "float32";
  return dtype === "bool" ? "int32" : dtype;
}
