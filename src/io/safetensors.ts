import { closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import { ELEMENT_SIZE, UNSUPPORTED, WRITE_DTYPE, WRITE_RANK, assertLittleEndian, decodeTensor } from "./safetensors-dtypes.js";

/**
 * The safetensors format (github.com/huggingface/safetensors): an 8-byte little-endian header
 * length N, N bytes of JSON mapping each tensor name to {dtype, shape, data_offsets: [begin, end]}
 * (offsets into the data section that follows) plus an optional "__metadata__" of strings, then
 * the data. The header is padded with spaces to a multiple of 8 bytes so the data starts aligned.
 */

/**
 * A malformed or unreadable safetensors file: the message names the file and, where one is at
 * fault, the tensor. A RangeError, so callers that sort errors into bad input and bugs (the CLI)
 * treat it as bad input.
 */
export class SafetensorsError extends RangeError {
  override name = "SafetensorsError";
  constructor(
    message: string,
    readonly file: string,
    readonly key: string | null = null,
  ) {
    super(message);
  }
}

export interface SafetensorsEntry {
  /** The stored dtype ("F32", "BF16", "I64"…). */
  dtype: string;
  shape: number[];
  /** Byte range in the data section. */
  dataOffsets: [number, number];
}

export interface SafetensorsHeader {
  metadata: Record<string, string>;
  tensors: Record<string, SafetensorsEntry>;
  /** Where the data section starts in the file. */
  dataStart: number;
}

/** Hugging Face's reader refuses headers above 100 MB; so do we. */
const MAX_HEADER_SIZE = 100_000_000;
const METADATA_KEY = "__metadata__";

type Source = string | Uint8Array;

const sourceName = (source: Source): string => (typeof source === "string" ? source : "<bytes>");

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

const isCount = (x: unknown): x is number => typeof x === "number" && Number.isSafeInteger(x) && x >= 0;

/** One entry of the header, checked for form and for a byte size that matches its dtype and shape. */
function parseEntry(key: string, raw: unknown, fail: (msg: string, key?: string) => never): SafetensorsEntry {
  if (!isRecord(raw)) fail(`tensor "${key}": header entry must be an object with dtype, shape and data_offsets`, key);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== "string") fail(`tensor "${key}": dtype must be a string, got ${JSON.stringify(dtype)}`, key);
  if (UNSUPPORTED.has(dtype)) fail(`tensor "${key}": dtype ${dtype} is not supported (Lantern reads F32, F16, BF16, F64, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL)`, key);
  if (!(dtype in ELEMENT_SIZE)) fail(`tensor "${key}": unknown dtype ${JSON.stringify(dtype)}`, key);
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${key}": shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`, key);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`tensor "${key}": data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`, key);
  }
  const expected = shape.reduce((a: number, b: number) => a * b, 1) * ELEMENT_SIZE[dtype];
  const stored = offsets[1] - offsets[0];
  if (stored !== expected) {
    fail(`tensor "${key}": ${dtype} ${formatShape(shape)} needs ${expected} bytes but data_offsets [${offsets[0]}, ${offsets[1]}] hold ${stored}`, key);
  }
  return { dtype, shape: [...shape], dataOffsets: [offsets[0], offsets[1]] };
}

/**
 * Parses and validates the header against a data section of `dataLength` bytes: every tensor's
 * range lies inside it, ranges neither overlap nor leave gaps, and together they cover it exactly,
 * as the reference reader requires.
 */
function parseHeader(headerBytes: Uint8Array, dataLength: number, file: string): SafetensorsHeader {
  const fail = (msg: string, key?: string): never => {
    throw new SafetensorsError(`${file}: ${msg}`, file, key ?? null);
  };
  let text = "";
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    fail("header is not valid UTF-8");
  }
  if (!text.startsWith("{")) fail(`header must be a JSON object starting with "{", got ${JSON.stringify(text.slice(0, 20))}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (!isRecord(json)) fail("header must be a JSON object");
  const header = json as Record<string, unknown>;
  const metadata: Record<string, string> = {};
  const rawMetadata = header[METADATA_KEY];
  if (rawMetadata !== undefined) {
    if (!isRecord(rawMetadata)) fail(`${METADATA_KEY} must be an object of strings`);
    for (const [k, v] of Object.entries(rawMetadata as Record<string, unknown>)) {
      if (typeof v !== "string") fail(`${METADATA_KEY} value for "${k}" must be a string, got ${JSON.stringify(v)}`);
      metadata[k] = v as string;
    }
  }
  const tensors: Record<string, SafetensorsEntry> = {};
  for (const [key, raw] of Object.entries(header)) {
    if (key === METADATA_KEY) continue;
    const entry = parseEntry(key, raw, fail);
    if (entry.dataOffsets[1] > dataLength) {
      fail(`tensor "${key}": data_offsets [${entry.dataOffsets.join(", ")}] go beyond the data section (${dataLength} bytes)`, key);
    }
    tensors[key] = entry;
  }
  const byOffset = Object.entries(tensors).sort(([, a], [, b]) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  let covered = 0;
  let previous = "";
  for (const [key, { dataOffsets: [begin, end] }] of byOffset) {
    if (begin < covered) fail(`tensor "${key}": data_offsets [${begin}, ${end}] overlap tensor "${previous}" (which ends at ${covered})`, key);
    if (begin > covered) fail(`tensor "${key}": data_offsets start at ${begin}, leaving bytes ${covered}..${begin} of the data section unused`, key);
    covered = end;
    previous = key;
  }
  if (covered !== dataLength) fail(`the tensors cover ${covered} bytes but the data section has ${dataLength}`);
  return { metadata, tensors, dataStart: 8 + headerBytes.length };
}

/** The header length field, checked against the limit and the file size. */
function headerLength(prefix: Uint8Array, fileLength: number, file: string): number {
  if (fileLength < 8) throw new SafetensorsError(`${file}: file is ${fileLength} bytes, too short for the 8-byte header length`, file);
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) throw new SafetensorsError(`${file}: header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte limit`, file);
  if (8n + n > BigInt(fileLength)) throw new SafetensorsError(`${file}: header length ${n} goes beyond the end of the file (${fileLength} bytes)`, file);
  return Number(n);
}

/** The validated header of a whole file held in memory. */
function headerOfBytes(bytes: Uint8Array, file: string): SafetensorsHeader {
  const n = headerLength(bytes, bytes.length, file);
  return parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, file);
}

/** Parses and validates a whole file (or its bytes); returns the tensors in header order and the metadata. */
export function loadSafetensorsWithMetadata(source: Source): { tensors: Record<string, Tensor>; metadata: Record<string, string> } {
  assertLittleEndian();
  const file = sourceName(source);
  const bytes = typeof source === "string" ? readFileSync(source) : source;
  const header = headerOfBytes(bytes, file);
  const tensors: Record<string, Tensor> = {};
  for (const [key, { dtype, shape, dataOffsets }] of Object.entries(header.tensors)) {
    const start = header.dataStart + dataOffsets[0];
    // A copy into a fresh buffer: aligned for any typed-array view and detached from the file's bytes.
    // (Buffer.slice would not copy, hence the Uint8Array constructor.)
    const data = new Uint8Array(bytes.subarray(start, header.dataStart + dataOffsets[1]));
    tensors[key] = decodeTensor(dtype, shape, data, (index, problem) =>
      new SafetensorsError(`${file}: tensor "${key}" (${dtype}): element ${index}: ${problem}`, file, key));
  }
  return { tensors, metadata: header.metadata };
}

/**
 * lt.io.loadSafetensors: every tensor of a safetensors file (a path, or the file's bytes). F16 and
 * BF16 widen to float32, F64 stays float64, integer types (I64, I32, I16, I8, U64, U32, U16, U8)
 * become int32 (a value that does not fit is an error naming the tensor), BOOL becomes bool.
 */
export function loadSafetensors(source: Source): Record<string, Tensor> {
  return loadSafetensorsWithMetadata(source).tensors;
}

/** Reads and validates only the header (dtypes, shapes, offsets, metadata): a path is read no further than that. */
export function readSafetensorsHeader(source: Source): SafetensorsHeader {
  const file = sourceName(source);
  if (typeof source !== "string") return headerOfBytes(source, file);
  const fd = openSync(source, "r");
  try {
    const read = (length: number, position: number): Uint8Array => {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const got = readSync(fd, out, done, length - done, position + done);
        if (got === 0) break;
        done += got;
      }
      return out.subarray(0, done);
    };
    const size = fstatSync(fd).size;
    const n = headerLength(read(8, 0), size, file);
    return parseHeader(read(n, 8), size - 8 - n, file);
  } finally {
    closeSync(fd);
  }
}

/** A JSON object of already-serialised values, keys in exactly the given order (JSON.stringify would move integer-like keys first). */
function orderedJson(entries: readonly [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

/**
 * The bytes of a safetensors file holding `tensors` (float32, float64, int32 and bool stored as
 * F32, F64, I32 and BOOL), laid out as Hugging Face's writer does: widest dtype first, then by
 * name, header padded with spaces to a multiple of 8. Returned as chunks so a large model is not
 * copied into one buffer.
 */
export function serializeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array[] {
  assertLittleEndian();
  for (const [key, t] of Object.entries(tensors)) {
    if (key === "" || key === METADATA_KEY) throw new TypeError(`saveSafetensors: invalid tensor name ${JSON.stringify(key)}`);
    if (!(t instanceof Tensor)) throw new TypeError(`saveSafetensors: "${key}" is not a Tensor`);
  }
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (typeof value !== "string") throw new TypeError(`saveSafetensors: metadata value for "${key}" must be a string, got ${typeof value}`);
  }
  const utf8 = (s: string) => Buffer.from(s, "utf8");
  const entries = Object.entries(tensors).map(([key, t]) => ({ key, t, dtype: WRITE_DTYPE[t.dtype] }));
  entries.sort((a, b) => WRITE_RANK[b.dtype] - WRITE_RANK[a.dtype] || Buffer.compare(utf8(a.key), utf8(b.key)));
  const headerEntries: [string, string][] = [];
  if (metadata) headerEntries.push([METADATA_KEY, orderedJson(Object.entries(metadata).map(([k, v]) => [k, JSON.stringify(v)]))]);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { key, t, dtype } of entries) {
    const data = t.denseData();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    headerEntries.push([key, JSON.stringify({ dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] })]);
    chunks.push(bytes);
    offset += bytes.length;
  }
  const headerBytes = utf8(orderedJson(headerEntries));
  const padded = new Uint8Array(Math.ceil(headerBytes.length / 8) * 8).fill(0x20);
  padded.set(headerBytes);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(padded.length), true);
  return [prefix, padded, ...chunks];
}

/**
 * lt.io.saveSafetensors: writes `tensors` (and string `metadata`) to `path` atomically: the bytes
 * go to a temporary file in the same directory, which is renamed over `path` only once complete,
 * so a crash never leaves a truncated checkpoint.
 */
export function saveSafetensors(path: string, tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): void {
  const chunks = serializeSafetensors(tensors, metadata);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx");
  try {
    try {
      for (const chunk of chunks) {
        for (let done = 0; done < chunk.length; ) done += writeSync(fd, chunk, done, chunk.length - done);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // The temp file may already be gone; the original error is the one to report.
    }
    throw error;
  }
}
