import { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";
import { Generator, getDefaultGenerator } from "../../random/generator.js";
import type { TransformSpec } from "./registry.js";

/**
 * An image transform on CHW float tensors (torchvision.transforms.v2 on tensors). Random
 * transforms draw only from the generator they are given, which makes a pipeline reproducible
 * from a seed and lets a worker thread replay exactly what the main thread would have done.
 * `args` are the constructor's arguments, kept so the transform can be rebuilt from `spec()`.
 */
export abstract class Transform {
  protected readonly args: unknown[];

  protected constructor(...args: unknown[]) {
    this.args = args;
  }

  abstract apply(image: Tensor, generator?: Generator): Tensor;

  /** JSON that `transformFromSpec` turns back into this transform (in a worker thread). */
  spec(): TransformSpec {
    return { kind: this.constructor.name, args: structuredClone(this.args) };
  }

  toString(): string {
    return `${this.constructor.name}(${this.args.map((a) => JSON.stringify(a)).join(", ")})`;
  }
}

/** Applies transforms in order (torchvision.transforms.Compose). */
export class Compose extends Transform {
  readonly transforms: readonly Transform[];

  constructor(transforms: readonly Transform[]) {
    super();
    if (!Array.isArray(transforms) || transforms.some((t) => !(t instanceof Transform))) {
      throw new TypeError("Compose: expected an array of transforms");
    }
    this.transforms = [...transforms];
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    return this.transforms.reduce((x, t) => t.apply(x, generator), image);
  }

  override spec(): TransformSpec {
    return { kind: "Compose", args: [this.transforms.map((t) => t.spec())] };
  }

  override toString(): string {
    return `Compose(${this.transforms.map(String).join(", ")})`;
  }
}

/** A user function as a transform. It cannot cross into a worker thread: use numWorkers 0 with it. */
export class Lambda extends Transform {
  constructor(readonly fn: (image: Tensor, generator: Generator) => Tensor) {
    super();
  }

  apply(image: Tensor, generator: Generator = getDefaultGenerator()): Tensor {
    return this.fn(image, generator);
  }

  override spec(): TransformSpec {
    throw new TypeError("Lambda: a function transform cannot be sent to a worker thread; use numWorkers: 0 or a built-in transform");
  }
}

/** An image's pixels as a dense float32 CHW array. */
export interface ChwImage {
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
}

/** The CHW pixels of `image`, with an error naming the transform when it is not a 3-D float tensor. */
export function readChw(image: Tensor, owner: string): ChwImage {
  if (!(image instanceof Tensor) || image.ndim !== 3) {
    throw new TypeError(`${owner}: expected a [C, H, W] tensor, got ${image instanceof Tensor ? `shape ${formatShape(image.shape)}` : typeof image}`);
  }
  if (image.dtype !== "float32" && image.dtype !== "float64") {
    throw new TypeError(`${owner}: expected a float image (convert uint8 HWC pixels with toTensor first), got dtype ${image.dtype}`);
  }
  const dense = image.dtype === "float32" ? image.denseData() : image.to("float32").denseData();
  const [channels, height, width] = image.shape;
  return { data: dense as Float32Array, channels, height, width };
}

export function chwTensor(data: Float32Array, channels: number, height: number, width: number): Tensor {
  return Tensor.fromTypedArray(data, [channels, height, width]);
}

/** [h, w] from a size given as one number (square) or a pair, checked positive integers. */
export function sizePair(size: number | readonly [number, number], owner: string): [number, number] {
  const pair: [number, number] = typeof size === "number" ? [size, size] : [size[0], size[1]];
  if (!pair.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`${owner}: size must be a positive integer or a pair of them, got ${JSON.stringify(size)}`);
  return pair;
}

/** A [low, high] range with low <= high, both finite. */
export function rangePair(range: readonly [number, number], name: string, owner: string): [number, number] {
  if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isFinite) || range[0] > range[1]) {
    throw new RangeError(`${owner}: ${name} must be [low, high] with low <= high, got ${JSON.stringify(range)}`);
  }
  return [range[0], range[1]];
}

export function checkProbability(p: number, owner: string): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${owner}: p must be between 0 and 1, got ${p}`);
  return p;
}

/** Uniform draw in [low, high). */
export function uniformIn(generator: Generator, low: number, high: number): number {
  return low + (high - low) * generator.uniform();
}
