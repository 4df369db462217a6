import type { Tensor } from "../../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../../random/generator.js";
import { Transform, readChw, chwTensor, sizePair, rangePair, checkProbability, uniformIn } from "./transform.js";
import type { ChwImage } from "./transform.js";

/** The [top, left, h, w] window of `image`, with pixels outside the image set to `fill`. */
function cropWindow(image: ChwImage, top: number, left: number, h: number, w: number, fill: number): Tensor {
  const { data, channels, height, width } = image;
  const out = new Float32Array(channels * h * w);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < h; y++) {
      const sy = top + y;
      const row = (c * h + y) * w;
      if (sy < 0 || sy >= height) {
        out.fill(fill, row, row + w);
        continue;
      }
      for (let x = 0; x < w; x++) {
        const sx = left + x;
        out[row + x] = sx < 0 || sx >= width ? fill : data[(c * height + sy) * width + sx];
      }
    }
  }
  return chwTensor(out, channels, h, w);
}

export interface RandomCropOptions {
  /** Zero-padding (or `fill`) added on every side before cropping, as torchvision's `padding`. */
  padding?: number;
  fill?: number;
}

/** A random size-h x w window of the image padded by `padding` (torchvision.transforms.RandomCrop). */
export class RandomCrop extends Transform {
  readonly size: [number, number];
  readonly padding: number;
  readonly fill: number;

  constructor(size: number | [number, number], opts: RandomCropOptions = {}) {
    super(size, opts);
    this.size = sizePair(size, "RandomCrop");
    this.padding = opts.padding ?? 0;
    this.fill = opts.fill ?? 0;
    if (!Number.isInteger(this.padding) || this.padding < 0) throw new RangeError(`RandomCrop: padding must be a non-negative integer, got ${this.padding}`);
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const chw = readChw(image, "RandomCrop");
    const [h, w] = this.size;
    const p = this.padding;
    if (chw.height + 2 * p < h || chw.width + 2 * p < w) {
      throw new RangeError(`RandomCrop: crop ${h}x${w} is larger than the padded image ${chw.height + 2 * p}x${chw.width + 2 * p}`);
    }
    const top = generator.integer(0, chw.height + 2 * p - h + 1) - p;
    const left = generator.integer(0, chw.width + 2 * p - w + 1) - p;
    return cropWindow(chw, top, left, h, w, this.fill);
  }
}

/** The central h x w window (torchvision.transforms.CenterCrop; pads with zeros when the image is smaller). */
export class CenterCrop extends Transform {
  readonly size: [number, number];

  constructor(size: number | [number, number]) {
    super(size);
    this.size = sizePair(size, "CenterCrop");
  }

  apply(image: Tensor): Tensor {
    const chw = readChw(image, "CenterCrop");
    const [h, w] = this.size;
    return cropWindow(chw, Math.round((chw.height - h) / 2), Math.round((chw.width - w) / 2), h, w, 0);
  }
}

/** Mirrors the image left-right with probability p (torchvision.transforms.RandomHorizontalFlip). */
export class RandomHorizontalFlip extends Transform {
  readonly p: number;

  constructor(p = 0.5) {
    super(p);
    this.p = checkProbability(p, "RandomHorizontalFlip");
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const chw = readChw(image, "RandomHorizontalFlip");
    if (!(generator.uniform() < this.p)) return image;
    const { data, channels, height, width } = chw;
    const out = new Float32Array(data.length);
    for (let row = 0; row < channels * height; row++) {
      const base = row * width;
      for (let x = 0; x < width; x++) out[base + x] = data[base + width - 1 - x];
    }
    return chwTensor(out, channels, height, width);
  }
}

/**
 * Bilinear resampling of the window [top, left, h, w] to outH x outW with half-pixel centres
 * (torch's interpolate(mode="bilinear", align_corners=False), without antialiasing).
 */
function resizeWindow(image: ChwImage, top: number, left: number, h: number, w: number, outH: number, outW: number): Tensor {
  const { data, channels, height, width } = image;
  const out = new Float32Array(channels * outH * outW);
  const sy = h / outH;
  const sx = w / outW;
  const x0 = new Int32Array(outW);
  const x1 = new Int32Array(outW);
  const fx = new Float32Array(outW);
  for (let x = 0; x < outW; x++) {
    const src = Math.max((x + 0.5) * sx - 0.5, 0);
    const i = Math.min(Math.floor(src), w - 1);
    x0[x] = left + i;
    x1[x] = left + Math.min(i + 1, w - 1);
    fx[x] = src - i;
  }
  for (let y = 0; y < outH; y++) {
    const src = Math.max((y + 0.5) * sy - 0.5, 0);
    const i = Math.min(Math.floor(src), h - 1);
    const fy = src - i;
    const y0 = top + i;
    const y1 = top + Math.min(i + 1, h - 1);
    for (let c = 0; c < channels; c++) {
      const r0 = (c * height + y0) * width;
      const r1 = (c * height + y1) * width;
      const o = (c * outH + y) * outW;
      for (let x = 0; x < outW; x++) {
        const a = data[r0 + x0[x]] + (data[r0 + x1[x]] - data[r0 + x0[x]]) * fx[x];
        const b = data[r1 + x0[x]] + (data[r1 + x1[x]] - data[r1 + x0[x]]) * fx[x];
        out[o + x] = a + (b - a) * fy;
      }
    }
  }
  return chwTensor(out, channels, outH, outW);
}

/** Bilinear resize to h x w (torchvision.transforms.Resize with a pair, antialias off). */
export class Resize extends Transform {
  readonly size: [number, number];

  constructor(size: number | [number, number]) {
    super(size);
    this.size = sizePair(size, "Resize");
  }

  apply(image: Tensor): Tensor {
    const chw = readChw(image, "Resize");
    return resizeWindow(chw, 0, 0, chw.height, chw.width, this.size[0], this.size[1]);
  }
}

export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's (default [0.08, 1]). */
  scale?: [number, number];
  /** Range of the crop's aspect ratio w/h (default [3/4, 4/3]), sampled log-uniformly. */
  ratio?: [number, number];
}

/**
 * A random window of random area and aspect ratio, resized to `size` (the Inception-style crop of
 * Szegedy et al. 2015, torchvision.transforms.RandomResizedCrop): ten tries at a window that fits,
 * then the largest central window of an allowed ratio.
 */
export class RandomResizedCrop extends Transform {
  readonly size: [number, number];
  readonly scale: [number, number];
  readonly ratio: [number, number];

  constructor(size: number | [number, number], opts: RandomResizedCropOptions = {}) {
    super(size, opts);
    this.size = sizePair(size, "RandomResizedCrop");
    this.scale = rangePair(opts.scale ?? [0.08, 1], "scale", "RandomResizedCrop");
    this.ratio = rangePair(opts.ratio ?? [3 / 4, 4 / 3], "ratio", "RandomResizedCrop");
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const chw = readChw(image, "RandomResizedCrop");
    const [top, left, h, w] = this.window(chw.height, chw.width, generator);
    return resizeWindow(chw, top, left, h, w, this.size[0], this.size[1]);
  }

  /** [top, left, h, w] of the crop (torchvision's get_params). */
  window(height: number, width: number, generator: Generator): [number, number, number, number] {
    const area = height * width;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * uniformIn(generator, this.scale[0], this.scale[1]);
      const aspect = Math.exp(uniformIn(generator, logRatio[0], logRatio[1]));
      const w = Math.round(Math.sqrt(target * aspect));
      const h = Math.round(Math.sqrt(target / aspect));
      if (w > 0 && h > 0 && w <= width && h <= height) {
        return [generator.integer(0, height - h + 1), generator.integer(0, width - w + 1), h, w];
      }
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    if (inRatio < this.ratio[0]) h = Math.round(w / this.ratio[0]);
    else if (inRatio > this.ratio[1]) w = Math.round(h * this.ratio[1]);
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }
}
