import type { Tensor } from "../../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../../random/generator.js";
import { Transform, readChw, chwTensor, rangePair, checkProbability, uniformIn } from "./transform.js";

/** The normalised 1-D Gaussian of `size` taps (torchvision's _get_gaussian_kernel1d). */
function gaussianKernel(size: number, sigma: number): Float32Array {
  const half = (size - 1) / 2;
  const k = new Float32Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = (i - half) / sigma;
    k[i] = Math.exp(-0.5 * x * x);
    sum += k[i];
  }
  return k.map((v) => v / sum);
}

/** Index into [0, n) mirrored at the edges without repeating the edge pixel (torch's "reflect" padding). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/**
 * Gaussian blur with sigma drawn uniformly from `sigma` (torchvision.transforms.GaussianBlur),
 * as two 1-D passes over reflect-padded rows and columns.
 */
export class GaussianBlur extends Transform {
  readonly kernelSize: [number, number];
  readonly sigma: [number, number];

  constructor(kernelSize: number | [number, number], sigma: number | [number, number] = [0.1, 2]) {
    super(kernelSize, sigma);
    const ks: [number, number] = typeof kernelSize === "number" ? [kernelSize, kernelSize] : [kernelSize[0], kernelSize[1]];
    if (!ks.every((k) => Number.isInteger(k) && k > 0 && k % 2 === 1)) throw new RangeError(`GaussianBlur: kernelSize must be odd positive integers, got ${JSON.stringify(kernelSize)}`);
    this.kernelSize = ks;
    this.sigma = rangePair(typeof sigma === "number" ? [sigma, sigma] : sigma, "sigma", "GaussianBlur");
    if (!(this.sigma[0] > 0)) throw new RangeError(`GaussianBlur: sigma must be positive, got ${JSON.stringify(sigma)}`);
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const { data, channels, height, width } = readChw(image, "GaussianBlur");
    const sigma = uniformIn(generator, this.sigma[0], this.sigma[1]);
    const ky = gaussianKernel(this.kernelSize[0], sigma);
    const kx = gaussianKernel(this.kernelSize[1], sigma);
    const hy = (ky.length - 1) / 2;
    const hx = (kx.length - 1) / 2;
    const rows = new Float32Array(data.length);
    for (let r = 0; r < channels * height; r++) {
      const base = r * width;
      for (let x = 0; x < width; x++) {
        let acc = 0;
        for (let t = 0; t < kx.length; t++) acc += kx[t] * data[base + reflect(x + t - hx, width)];
        rows[base + x] = acc;
      }
    }
    const out = new Float32Array(data.length);
    for (let c = 0; c < channels; c++) {
      const plane = c * height * width;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let acc = 0;
          for (let t = 0; t < ky.length; t++) acc += ky[t] * rows[plane + reflect(y + t - hy, height) * width + x];
          out[plane + y * width + x] = acc;
        }
      }
    }
    return chwTensor(out, channels, height, width);
  }
}

export interface RandomErasingOptions {
  p?: number;
  /** Range of the erased area as a fraction of the image's (default [0.02, 0.33]). */
  scale?: [number, number];
  /** Range of the erased rectangle's aspect ratio h/w (default [0.3, 3.3]), sampled log-uniformly. */
  ratio?: [number, number];
  /** Fill value, or "random" for standard-normal noise (default 0). */
  value?: number | "random";
}

/**
 * Erases a random rectangle with probability p (Zhong et al. 2017, "Random Erasing Data
 * Augmentation"; torchvision.transforms.RandomErasing): ten tries at a rectangle that fits.
 */
export class RandomErasing extends Transform {
  readonly p: number;
  readonly scale: [number, number];
  readonly ratio: [number, number];
  readonly value: number | "random";

  constructor(opts: RandomErasingOptions = {}) {
    super(opts);
    this.p = checkProbability(opts.p ?? 0.5, "RandomErasing");
    this.scale = rangePair(opts.scale ?? [0.02, 0.33], "scale", "RandomErasing");
    this.ratio = rangePair(opts.ratio ?? [0.3, 3.3], "ratio", "RandomErasing");
    this.value = opts.value ?? 0;
    if (this.value !== "random" && !Number.isFinite(this.value)) throw new RangeError(`RandomErasing: value must be a number or "random", got ${String(this.value)}`);
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    const { data, channels, height, width } = readChw(image, "RandomErasing");
    if (!(generator.uniform() < this.p)) return image;
    const area = height * width;
    const logRatio = [Math.log(this.ratio[0]), Math.log(this.ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const target = area * uniformIn(generator, this.scale[0], this.scale[1]);
      const aspect = Math.exp(uniformIn(generator, logRatio[0], logRatio[1]));
      const h = Math.round(Math.sqrt(target * aspect));
      const w = Math.round(Math.sqrt(target / aspect));
      if (!(h < height && w < width)) continue;
      const top = generator.integer(0, height - h + 1);
      const left = generator.integer(0, width - w + 1);
      const out = data.slice();
      for (let c = 0; c < channels; c++) {
        for (let y = top; y < top + h; y++) {
          for (let x = left; x < left + w; x++) out[(c * height + y) * width + x] = this.value === "random" ? generator.normal() : this.value;
        }
      }
      return chwTensor(out, channels, height, width);
    }
    return image;
  }
}
