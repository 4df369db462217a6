import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DatasetError } from "./errors.js";

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * two zero bytes, a type code, the number of dimensions, one big-endian uint32 per dimension, then
 * the values in C order. Every length is checked against the header, so a truncated or padded
 * file is an error rather than a tensor of garbage.
 */
export type IdxType = "uint8" | "int8" | "int16" | "int32" | "float32" | "float64";

const TYPE_CODES: Record<number, [IdxType, number]> = {
  0x08: ["uint8", 1], 0x09: ["int8", 1], 0x0b: ["int16", 2], 0x0c: ["int32", 4], 0x0d: ["float32", 4], 0x0e: ["float64", 8],
};

export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** The values; uint8 data is a view of the (decompressed) file bytes. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

/** True for bytes that start with the gzip magic (RFC 1952: 1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The file's bytes, gunzipped when they are gzip (whatever the file is called). */
export function readMaybeGzip(path: string): Uint8Array {
  const raw = readFileSync(path);
  if (!isGzip(raw)) return raw;
  try {
    return gunzipSync(raw);
  } catch (error) {
    throw new DatasetError(`${path}: corrupt or truncated gzip data (${(error as Error).message}); delete the file and download it again`, path);
  }
}

export function parseIdx(bytes: Uint8Array, file: string): IdxArray {
  const fail = (why: string): never => {
    throw new DatasetError(`${file}: not a valid IDX file: ${why}`, file);
  };
  if (bytes.length < 4) fail(`${bytes.length} bytes, shorter than the 4-byte magic number`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`magic number starts with 0x${hex(bytes[0])}${hex(bytes[1])}, expected 0x0000`);
  const code = TYPE_CODES[bytes[2]];
  if (code === undefined) fail(`unknown type code 0x${hex(bytes[2])} (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)`);
  const [type, itemSize] = code;
  const ndim = bytes[3];
  if (ndim === 0) fail("zero dimensions");
  const headerSize = 4 + 4 * ndim;
  if (bytes.length < headerSize) fail(`header declares ${ndim} dimensions (${headerSize} bytes) but the file has ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerSize + count * itemSize;
  if (bytes.length < expected) fail(`truncated: header [${shape.join(", ")}] of ${type} needs ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the data for shape [${shape.join(", ")}] of ${type}`);
  return { type, shape, data: decode(bytes, headerSize, count, type, view) };
}

export function readIdx(path: string): IdxArray {
  return parseIdx(readMaybeGzip(path), path);
}

function decode(bytes: Uint8Array, offset: number, count: number, type: IdxType, view: DataView): IdxArray["data"] {
  if (type === "uint8") return bytes.subarray(offset, offset + count);
  if (type === "int8") return new Int8Array(bytes.buffer, bytes.byteOffset + offset, count).slice();
  // Multi-byte values are big-endian on disk, so they are read one by one rather than viewed.
  const out = type === "int16" ? new Int16Array(count) : type === "int32" ? new Int32Array(count) : type === "float32" ? new Float32Array(count) : new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = offset + i * out.BYTES_PER_ELEMENT;
    out[i] = type === "int16" ? view.getInt16(at) : type === "int32" ? view.getInt32(at) : type === "float32" ? view.getFloat32(at) : view.getFloat64(at);
  }
  return out;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, "0");
}
