import type { Tensor } from "../../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../../random/generator.js";
import { permutation } from "../permutation.js";
import { Transform, readChw, chwTensor, checkProbability, uniformIn } from "./transform.js";
import type { ChwImage } from "./transform.js";

/** (x - mean[c]) / std[c] per channel (torchvision.transforms.Normalize). */
export class Normalize extends Transform {
  readonly mean: number[];
  readonly std: number[];

  constructor(mean: readonly number[], std: readonly number[]) {
    super(mean, std);
    if (mean.length === 0 || mean.length !== std.length) throw new RangeError(`Normalize: mean and std need one value per channel, got ${mean.length} and ${std.length}`);
    if (std.some((s) => !(s > 0))) throw new RangeError(`Normalize: std must be positive, got [${std.join(", ")}]`);
    this.mean = [...mean];
    this.std = [...std];
  }

  apply(image: Tensor): Tensor {
    const { data, channels, height, width } = readChw(image, "Normalize");
    if (this.mean.length !== 1 && this.mean.length !== channels) {
      throw new RangeError(`Normalize: ${this.mean.length} means for an image of ${channels} channels`);
    }
    const plane = height * width;
    const out = new Float32Array(data.length);
    for (let c = 0; c < channels; c++) {
      const m = this.mean[this.mean.length === 1 ? 0 : c];
      const s = this.std[this.std.length === 1 ? 0 : c];
      for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (data[i] - m) / s;
    }
    return chwTensor(out, channels, height, width);
  }
}

/** ITU-R 601-2 luma, the weights torchvision's rgb_to_grayscale uses. */
const LUMA = [0.2989, 0.587, 0.114] as const;

function luma(image: ChwImage): Float32Array {
  const { data, channels, height, width } = image;
  const plane = height * width;
  if (channels === 1) return data.slice(0, plane);
  if (channels !== 3) throw new RangeError(`grayscale: expected 1 or 3 channels, got ${channels}`);
  const out = new Float32Array(plane);
  for (let i = 0; i < plane; i++) out[i] = LUMA[0] * data[i] + LUMA[1] * data[plane + i] + LUMA[2] * data[2 * plane + i];
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

/** Converts RGB to luma, repeated over `numOutputChannels` (1 or 3) (torchvision.transforms.Grayscale). */
export class Grayscale extends Transform {
  constructor(readonly numOutputChannels: 1 | 3 = 1) {
    super(numOutputChannels);
    if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError(`Grayscale: numOutputChannels must be 1 or 3, got ${numOutputChannels}`);
  }

  apply(image: Tensor): Tensor {
    const chw = readChw(image, "Grayscale");
    const gray = luma(chw);
    const out = new Float32Array(gray.length * this.numOutputChannels);
    for (let c = 0; c < this.numOutputChannels; c++) out.set(gray, c * gray.length);
    return chwTensor(out, this.numOutputChannels, chw.height, chw.width);
  }
}

/** Grayscale with probability p, keeping the channel count (torchvision.transforms.RandomGrayscale). */
export class RandomGrayscale extends Transform {
  readonly p: number;

  constructor(p = 0.1) {
    super(p);
    this.p = checkProbability(p, "RandomGrayscale");
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const chw = readChw(image, "RandomGrayscale");
    if (!(generator.uniform() < this.p)) return image;
    return new Grayscale(chw.channels === 3 ? 3 : 1).apply(image);
  }
}

export interface ColorJitterOptions {
  /** Brightness factor drawn from [max(0, 1 - b), 1 + b]. */
  brightness?: number;
  contrast?: number;
  saturation?: number;
  /** Hue shift drawn from [-h, h], h <= 0.5 (a fraction of the colour circle). */
  hue?: number;
}

/**
 * Random brightness, contrast, saturation and hue, applied in a random order
 * (torchvision.transforms.ColorJitter on float images in [0, 1]). Saturation and hue leave
 * one-channel images unchanged, as torchvision does.
 */
export class ColorJitter extends Transform {
  readonly brightness: number;
  readonly contrast: number;
  readonly saturation: number;
  readonly hue: number;

  constructor(opts: ColorJitterOptions = {}) {
    super(opts);
    const check = (name: keyof ColorJitterOptions, max: number): number => {
      const v = opts[name] ?? 0;
      if (!(v >= 0 && v <= max)) throw new RangeError(`ColorJitter: ${name} must be between 0 and ${max}, got ${v}`);
      return v;
    };
    this.brightness = check("brightness", Infinity);
    this.contrast = check("contrast", Infinity);
    this.saturation = check("saturation", Infinity);
    this.hue = check("hue", 0.5);
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const chw = readChw(image, "ColorJitter");
    const factor = (v: number) => uniformIn(generator, Math.max(0, 1 - v), 1 + v);
    let data: Float32Array = chw.data.slice();
    const current = (): ChwImage => ({ ...chw, data });
    for (const op of permutation(4, generator)) {
      if (op === 0 && this.brightness > 0) data = blend(data, null, factor(this.brightness));
      else if (op === 1 && this.contrast > 0) {
        const f = factor(this.contrast);
        const gray = luma(current());
        const mean = gray.reduce((a, b) => a + b, 0) / gray.length;
        data = blend(data, mean, f);
      } else if (op === 2 && this.saturation > 0) {
        const f = factor(this.saturation);
        if (chw.channels === 3) data = blendPlane(data, luma(current()), f);
      } else if (op === 3 && this.hue > 0) {
        const shift = uniformIn(generator, -this.hue, this.hue);
        if (chw.channels === 3) data = shiftHue(data, chw.height * chw.width, shift);
      }
    }
    return chwTensor(data, chw.channels, chw.height, chw.width);
  }
}

/** f * x + (1 - f) * other, clamped to [0, 1] (torchvision's _blend); `other` null means black. */
function blend(data: Float32Array, other: number | null, f: number): Float32Array {
  const base = (1 - f) * (other ?? 0);
  return data.map((x) => clamp01(f * x + base));
}

/** Blends every channel with one plane (the luma image). */
function blendPlane(data: Float32Array, plane: Float32Array, f: number): Float32Array {
  const n = plane.length;
  return data.map((x, i) => clamp01(f * x + (1 - f) * plane[i % n]));
}

/** Rotates the hue of RGB planes by `shift` turns through HSV, as torchvision's adjust_hue. */
function shiftHue(data: Float32Array, plane: number, shift: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < plane; i++) {
    const r = data[i];
    const g = data[plane + i];
    const b = data[2 * plane + i];
    const max = Math.max(r, g, b);
    const min = Math.min(r, g, b);
    const chroma = max - min;
    let h = 0;
    if (chroma > 0) {
      if (max === r) h = ((g - b) / chroma) % 6;
      else if (max === g) h = (b - r) / chroma + 2;
      else h = (r - g) / chroma + 4;
      h /= 6;
    }
    h = (((h + shift) % 1) + 1) % 1;
    const s = max === 0 ? 0 : chroma / max;
    const [nr, ng, nb] = hsvToRgb(h, s, max);
    out[i] = nr;
    out[plane + i] = ng;
    out[2 * plane + i] = nb;
  }
  return out;
}

function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const sector = Math.floor(h * 6) % 6;
  const f = h * 6 - Math.floor(h * 6);
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  switch (sector) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}
