import { readFile } from "node:fs/promises";
import type { RGBImage } from "./preprocess.js";

/** A file that is not a readable JPEG, PNG or WebP image; a RangeError so the CLI reports it as bad input. */
export class ImageDecodeError extends RangeError {
  override name = "ImageDecodeError";
}

/** The formats `decodeImage` accepts, by their leading bytes. */
function sniffFormat(bytes: Uint8Array): "jpeg" | "png" | "webp" | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0xff, 0xd8, 0xff)) return "jpeg";
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "png";
  if (starts(0x52, 0x49, 0x46, 0x46) && String.fromCharCode(...bytes.subarray(8, 12)) === "WEBP") return "webp";
  return null;
}

type Sharp = typeof import("sharp").default;
let sharpModule: Promise<Sharp> | null = null;

/** sharp (libvips, prebuilt per platform as npm packages) is loaded on first use, so the rest of Lantern works without it. */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import("sharp").then((m) => m.default).catch((error: unknown) => {
    sharpModule = null;
    throw new Error(`decodeImage: the image decoder "sharp" could not be loaded (${error instanceof Error ? error.message : String(error)}); run npm install`);
  });
  return sharpModule;
}

/**
 * Decodes a JPEG, PNG or WebP file (or its bytes) to 8-bit RGB, as torchvision's reference
 * loader does with PIL's `Image.open(f).convert("RGB")`: grey is replicated to three channels,
 * alpha is dropped (not blended), EXIF orientation is not applied, and 16-bit PNGs become 8-bit.
 */
export async function decodeImage(source: string | Uint8Array): Promise<RGBImage> {
  const name = typeof source === "string" ? source : "image data";
  let bytes: Uint8Array;
  try {
    bytes = typeof source === "string" ? await readFile(source) : source;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImageDecodeError(`${name}: cannot read the file (${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : (error as Error).message})`);
  }
  const format = sniffFormat(bytes);
  if (format === null) throw new ImageDecodeError(`${name}: not a JPEG, PNG or WebP image (unrecognised file signature)`);
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(bytes, { failOn: "error", limitInputPixels: 1 << 28 })
      .toColourspace("srgb")
      .removeAlpha()
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new ImageDecodeError(`${name}: cannot decode this ${format.toUpperCase()} file (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
}
