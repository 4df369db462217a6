import { inflateSync } from "node:zlib";
import { DatasetError } from "./errors.js";
import type { DecodedImage } from "./transforms/to-tensor.js";

/**
 * Decoders for the lossless formats an image folder of a small dataset uses: PNG (every colour
 * type, bit depths 1-16, not interlaced; ISO/IEC 15948) and binary PGM/PPM (P5/P6). JPEG needs a
 * decoder library: pass its decode function as ImageFolder's `loader`.
 */
export function decodeImage(bytes: Uint8Array, file: string): DecodedImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return decodePng(bytes, file);
  if (bytes[0] === 0x50 && (bytes[1] === 0x35 || bytes[1] === 0x36)) return decodePnm(bytes, file);
  if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    throw new DatasetError(`${file}: JPEG is not decoded by Lantern itself; convert the images to PNG or pass a decoder as ImageFolder's loader option`, file);
  }
  throw new DatasetError(`${file}: not a PNG, PGM or PPM image`, file);
}

function decodePnm(bytes: Uint8Array, file: string): DecodedImage {
  const header: number[] = [];
  let i = 2;
  while (header.length < 3) {
    while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
    if (bytes[i] === 0x23) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
      continue;
    }
    let value = "";
    while (i < bytes.length && bytes[i] >= 0x30 && bytes[i] <= 0x39) value += String.fromCharCode(bytes[i++]);
    if (value === "") throw new DatasetError(`${file}: malformed PGM/PPM header`, file);
    header.push(Number(value));
  }
  const [width, height, maxval] = header;
  if (maxval !== 255) throw new DatasetError(`${file}: only 8-bit PGM/PPM (maxval 255) is supported, got maxval ${maxval}`, file);
  const channels = bytes[1] === 0x35 ? 1 : 3;
  const start = i + 1;
  const size = width * height * channels;
  if (bytes.length < start + size) throw new DatasetError(`${file}: truncated: ${width}x${height}x${channels} pixels need ${size} bytes after the header`, file);
  return { data: bytes.slice(start, start + size), width, height, channels };
}

const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function decodePng(bytes: Uint8Array, file: string): DecodedImage {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string): never => {
    throw new DatasetError(`${file}: corrupt PNG: ${why}`, file);
  };
  let offset = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = 0;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (offset + 8 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length) fail(`chunk ${type} is truncated`);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      depth = data[8];
      colorType = data[9];
      if (data[12] !== 0) throw new DatasetError(`${file}: interlaced PNG is not supported; save it without interlacing`, file);
      if (PNG_CHANNELS[colorType] === undefined) fail(`unknown colour type ${colorType}`);
    } else if (type === "PLTE") palette = data;
    else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    offset += 12 + length;
  }
  if (width === 0 || height === 0 || idat.length === 0) fail("missing IHDR or IDAT");
  let raw: Uint8Array;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch (error) {
    return fail(`image data does not inflate (${(error as Error).message})`);
  }
  const channels = PNG_CHANNELS[colorType];
  const bitsPerPixel = channels * depth;
  const stride = Math.ceil((width * bitsPerPixel) / 8);
  if (raw.length < height * (stride + 1)) fail(`image data holds ${raw.length} bytes, ${height * (stride + 1)} expected`);
  const unfiltered = unfilter(raw, height, stride, Math.max(1, bitsPerPixel >> 3), fail);
  const samples = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = unfiltered.subarray(y * stride, (y + 1) * stride);
    for (let s = 0; s < width * channels; s++) samples[y * width * channels + s] = sample(row, s, depth, colorType === 3);
  }
  if (colorType !== 3) return { data: samples, width, height, channels };
  if (!palette) return fail("palette image without PLTE");
  const rgb = new Uint8Array(width * height * 3);
  samples.forEach((index, i) => rgb.set(palette!.subarray(index * 3, index * 3 + 3), i * 3));
  return { data: rgb, width, height, channels: 3 };
}

/** Sample `s` of a row scaled to 8 bits (palette indices are not scaled). */
function sample(row: Uint8Array, s: number, depth: number, indexed: boolean): number {
  if (depth === 8) return row[s];
  if (depth === 16) return row[2 * s];
  const perByte = 8 / depth;
  const value = (row[Math.floor(s / perByte)] >> (8 - depth * (1 + (s % perByte)))) & ((1 << depth) - 1);
  return indexed ? value : Math.round((value * 255) / ((1 << depth) - 1));
}

/** Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth). */
function unfilter(raw: Uint8Array, height: number, stride: number, bpp: number, fail: (why: string) => never): Uint8Array {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    const prev = y * stride - stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[row + x - bpp] : 0;
      const b = y > 0 ? out[prev + x] : 0;
      const c = x >= bpp && y > 0 ? out[prev + x - bpp] : 0;
      let predictor = 0;
      if (filter === 1) predictor = a;
      else if (filter === 2) predictor = b;
      else if (filter === 3) predictor = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (filter !== 0) fail(`unknown filter type ${filter} in row ${y}`);
      out[row + x] = (src[x] + predictor) & 0xff;
    }
  }
  return out;
}

/** Drops alpha and converts to "RGB" (3 channels) or "L" (luma, 1 channel), as PIL's convert. */
export function convertImage(image: DecodedImage, mode: "RGB" | "L"): DecodedImage {
  const { data, width, height, channels } = image;
  const n = width * height;
  const out = new Uint8Array(n * (mode === "RGB" ? 3 : 1));
  for (let i = 0; i < n; i++) {
    const p = i * channels;
    const [r, g, b] = channels >= 3 ? [data[p], data[p + 1], data[p + 2]] : [data[p], data[p], data[p]];
    if (mode === "RGB") out.set([r, g, b], i * 3);
    // PIL's L = R * 299/1000 + G * 587/1000 + B * 114/1000.
    else out[i] = channels >= 3 ? Math.round((r * 299 + g * 587 + b * 114) / 1000) : r;
  }
  return { data: out, width, height, channels: mode === "RGB" ? 3 : 1 };
}
