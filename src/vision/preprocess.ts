import { Tensor } from "../tensor/tensor.js";
import { pythonRound } from "./ops/misc.js";

/**
 * torchvision's ImageNet evaluation transform (ImageClassification: resize the shorter side,
 * centre-crop, scale to [0, 1], normalise) on 8-bit RGB images, reproducing what it computes on
 * PIL images bit for bit: Pillow's antialiased two-pass resampling with 22-bit fixed-point
 * coefficients and a rounding to 8 bits after each pass (libImaging/Resample.c), then float32
 * arithmetic for the normalisation.
 */

/** 8-bit RGB, rows top to bottom, pixels interleaved (HWC), as decoders return them. */
export interface RGBImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type Interpolation = "bilinear" | "bicubic";

/** The ImageNet channel statistics every torchvision classifier was trained with. */
export const IMAGENET_MEAN: readonly [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly [number, number, number] = [0.229, 0.224, 0.225];

/** Pillow's filters with their support radius (bicubic with a = -0.5, as Pillow and Keys 1981). */
const FILTERS: Record<Interpolation, { support: number; weight: (x: number) => number }> = {
  bilinear: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  bicubic: {
    support: 2,
    weight: (t) => {
      const a = -0.5;
      const x = Math.abs(t);
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
};

const PRECISION_BITS = 22;

/** For each output index: the first input index, the tap count, and fixed-point weights (Pillow's precompute_coeffs). */
function coefficients(inSize: number, outSize: number, interpolation: Interpolation): { first: Int32Array; taps: Int32Array; weights: Float64Array[] } {
  const filter = FILTERS[interpolation];
  const scale = inSize / outSize;
  // Downscaling widens the filter by the scale factor: that is the antialiasing.
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const first = new Int32Array(outSize);
  const taps = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const w = new Float64Array(hi - lo);
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      w[i] = filter.weight((i + lo - center + 0.5) / filterScale);
      total += w[i];
    }
    for (let i = 0; i < w.length; i++) {
      const normalised = total !== 0 ? w[i] / total : w[i];
      w[i] = Math.trunc(normalised < 0 ? -0.5 + normalised * (1 << PRECISION_BITS) : 0.5 + normalised * (1 << PRECISION_BITS));
    }
    first[o] = lo;
    taps[o] = w.length;
    weights.push(w);
  }
  return { first, taps, weights };
}

/** Fixed-point sum back to a byte: Pillow's clip8 (round half up by the preloaded 0.5, clamp). */
const clip8 = (sum: number) => Math.min(255, Math.max(0, Math.floor(sum / (1 << PRECISION_BITS))));

/** Resamples every row (along "x") or column (along "y") of an RGB image `width` pixels wide after the pass. */
function resampleAxis(src: Uint8Array, dst: Uint8Array, lines: number, inSize: number, outSize: number, along: "x" | "y", width: number, interpolation: Interpolation): void {
  const { first, taps, weights } = coefficients(inSize, outSize, interpolation);
  const half = 1 << (PRECISION_BITS - 1);
  for (let line = 0; line < lines; line++) {
    for (let o = 0; o < outSize; o++) {
      const w = weights[o];
      let s0 = half;
      let s1 = half;
      let s2 = half;
      for (let t = 0; t < taps[o]; t++) {
        const i = first[o] + t;
        const p = 3 * (along === "x" ? line * inSize + i : i * width + line);
        s0 += src[p] * w[t];
        s1 += src[p + 1] * w[t];
        s2 += src[p + 2] * w[t];
      }
      const q = 3 * (along === "x" ? line * outSize + o : o * width + line);
      dst[q] = clip8(s0);
      dst[q + 1] = clip8(s1);
      dst[q + 2] = clip8(s2);
    }
  }
}

/** Resizes to width x height as PIL's Image.resize: horizontal pass first, each pass rounded to 8 bits. */
export function resize(image: RGBImage, width: number, height: number, interpolation: Interpolation = "bilinear"): RGBImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`resize: size must be positive integers, got ${width}x${height}`);
  if (!(interpolation in FILTERS)) throw new RangeError(`resize: interpolation must be "bilinear" or "bicubic", got ${JSON.stringify(interpolation)}`);
  let current = image;
  if (width !== current.width) {
    const data = new Uint8Array(width * current.height * 3);
    resampleAxis(current.data, data, current.height, current.width, width, "x", width, interpolation);
    current = { width, height: current.height, data };
  }
  if (height !== current.height) {
    const data = new Uint8Array(width * height * 3);
    resampleAxis(current.data, data, width, current.height, height, "y", width, interpolation);
    current = { width, height, data };
  }
  return current === image ? { ...image, data: image.data.slice() } : current;
}

/** torchvision's Resize(size) with an int: the shorter side becomes `size`, the longer keeps the aspect (truncated). */
export function resizeShorterSide(image: RGBImage, size: number, interpolation: Interpolation = "bilinear"): RGBImage {
  const { width: w, height: h } = image;
  const long = Math.trunc((size * Math.max(w, h)) / Math.min(w, h));
  return w <= h ? resize(image, size, long, interpolation) : resize(image, long, size, interpolation);
}


/** torchvision's center_crop: the centred size x size window, zero-padded first where the image is smaller. */
export function centerCrop(image: RGBImage, size: number): RGBImage {
  const padLeft = size > image.width ? Math.floor((size - image.width) / 2) : 0;
  const padTop = size > image.height ? Math.floor((size - image.height) / 2) : 0;
  // Padding (size - side) in total makes the padded side exactly `size`.
  const paddedW = Math.max(image.width, size);
  const paddedH = Math.max(image.height, size);
  const left = pythonRound((paddedW - size) / 2) - padLeft;
  const top = pythonRound((paddedH - size) / 2) - padTop;
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= image.height) continue;
    for (let x = 0; x < size; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= image.width) continue;
      data.set(image.data.subarray(3 * (sy * image.width + sx), 3 * (sy * image.width + sx) + 3), 3 * (y * size + x));
    }
  }
  return { width: size, height: size, data };
}

/** [3, H, W] float32: x / 255, then (x - mean) / std per channel, each step rounded to float32 as torch computes it. */
export function toNormalizedTensor(image: RGBImage, mean: readonly number[] = IMAGENET_MEAN, std: readonly number[] = IMAGENET_STD): Tensor {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const m = Math.fround(mean[c]);
    const s = Math.fround(std[c]);
    for (let i = 0; i < plane; i++) out[c * plane + i] = Math.fround(Math.fround(image.data[3 * i + c] / 255) - m) / s;
  }
  return Tensor.fromTypedArray(out, [3, image.height, image.width]);
}

export interface ImagenetTransformOptions {
  resizeSize?: number;
  cropSize?: number;
  interpolation?: Interpolation;
  mean?: readonly number[];
  std?: readonly number[];
}

/** torchvision's ImageClassification preset: resize 256 (shorter side), centre-crop 224, normalise. Returns [3, crop, crop]. */
export function imagenetTransform(image: RGBImage, opts: ImagenetTransformOptions = {}): Tensor {
  const resized = resizeShorterSide(image, opts.resizeSize ?? 256, opts.interpolation ?? "bilinear");
  return toNormalizedTensor(centerCrop(resized, opts.cropSize ?? 224), opts.mean, opts.std);
}
