import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";

/**
 * Element codecs for the safetensors dtypes Lantern reads and writes. Stored bytes are
 * little-endian; typed arrays read them in host order, which is little-endian on every platform
 * Node runs on (checked once in `assertLittleEndian`).
 */

/** Bytes per element of every dtype the safetensors spec defines (sub-byte and 8-bit float formats are refused). */
export const ELEMENT_SIZE: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** Known to the spec but without a Lantern dtype to land in. */
export const UNSUPPORTED = new Set(["F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "C64"]);

/** What each Lantern dtype is written as. */
export const WRITE_DTYPE: Readonly<Record<DType, string>> = { float32: "F32", float64: "F64", int32: "I32", bool: "BOOL" };

/**
 * Rank of the written dtypes in the Rust safetensors `Dtype` enum. Hugging Face's writer orders
 * tensors by this rank descending (widest alignment first), then by name, and we do the same so
 * files are byte-identical to theirs.
 */
export const WRITE_RANK: Readonly<Record<string, number>> = { BOOL: 0, I32: 1, F32: 2, F64: 3 };

export function assertLittleEndian(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error("safetensors: this host is big-endian; Lantern reads and writes safetensors only on little-endian hosts");
  }
}

let halfTable: Float32Array | null = null;

/** IEEE 754 binary16 -> number: sign, 5-bit exponent (bias 15), 10-bit fraction; exponent 0 is subnormal, 31 is inf/NaN. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** All 65536 half values, built on first use: a lookup beats decoding each element. */
function halfLookup(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) halfTable[i] = halfToFloat(i);
  }
  return halfTable;
}

/** Builds the error for element `index` holding a value Lantern cannot represent (`problem` says why). */
export type ElementError = (index: number, problem: string) => Error;

const INT32_MAX = 2147483647;

/**
 * Decodes `bytes` (exactly numel * element size, freshly copied so aligned at offset 0) of a
 * stored dtype into a Lantern tensor: F16/BF16 widen to float32, F64 stays float64, integers
 * land in int32 (64-bit and U32 values that do not fit raise `invalid`), BOOL bytes must be 0 or 1.
 */
export function decodeTensor(dtype: string, shape: readonly number[], bytes: Uint8Array, invalid: ElementError): Tensor {
  const buffer = bytes.buffer;
  const n = shape.reduce((a, b) => a * b, 1);
  switch (dtype) {
    case "F32":
      return new Tensor(new Float32Array(buffer, 0, n), shape);
    case "F64":
      return new Tensor(new Float64Array(buffer, 0, n), shape);
    case "I32":
      return new Tensor(new Int32Array(buffer, 0, n), shape);
    case "F16": {
      const table = halfLookup();
      const halves = new Uint16Array(buffer, 0, n);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = table[halves[i]];
      return new Tensor(out, shape);
    }
    case "BF16": {
      // bfloat16 is the top half of a float32: shift the bits up and reinterpret.
      const halves = new Uint16Array(buffer, 0, n);
      const words = new Uint32Array(n);
      for (let i = 0; i < n; i++) words[i] = halves[i] << 16;
      return new Tensor(new Float32Array(words.buffer), shape);
    }
    case "I64":
    case "U64": {
      // Each value is (low word, high word); it fits int32 when the high word is the low word's sign extension.
      const words = new Int32Array(buffer, 0, 2 * n);
      const out = new Int32Array(n);
      const signed = dtype === "I64";
      for (let i = 0; i < n; i++) {
        const low = words[2 * i];
        const high = words[2 * i + 1];
        if (high !== (signed ? low >> 31 : 0) || (!signed && low < 0)) {
          const value = signed ? new BigInt64Array(buffer, 8 * i, 1)[0] : new BigUint64Array(buffer, 8 * i, 1)[0];
          throw invalid(i, `value ${value} does not fit int32`);
        }
        out[i] = low;
      }
      return new Tensor(out, shape);
    }
    case "U32": {
      const values = new Uint32Array(buffer, 0, n);
      for (let i = 0; i < n; i++) if (values[i] > INT32_MAX) throw invalid(i, `value ${values[i]} does not fit int32`);
      return new Tensor(new Int32Array(buffer, 0, n), shape);
    }
    case "I16":
      return new Tensor(Int32Array.from(new Int16Array(buffer, 0, n)), shape);
    case "U16":
      return new Tensor(Int32Array.from(new Uint16Array(buffer, 0, n)), shape);
    case "I8":
      return new Tensor(Int32Array.from(new Int8Array(buffer, 0, n)), shape);
    case "U8":
      return new Tensor(Int32Array.from(bytes.subarray(0, n)), shape);
    case "BOOL": {
      const flags = bytes.subarray(0, n);
      const bad = flags.findIndex((b) => b > 1);
      if (bad >= 0) throw invalid(bad, `byte ${flags[bad]} is not a bool (0 or 1)`);
      return new Tensor(flags, shape);
    }
    default:
      throw new Error(`decodeTensor: no decoder for ${dtype}`);
  }
}
