import { Tensor } from "../tensor/tensor.js";
import { Generator, getDefaultGenerator } from "../random/generator.js";
import type { Transform } from "./transforms/transform.js";
import { transformFromSpec, type TransformSpec } from "./transforms/registry.js";
import { permutation } from "./permutation.js";

/** An image as a CHW float32 tensor in [0, 1] (after transforms, any range) and its class index. */
export type Sample = [Tensor, number];

/**
 * How a worker thread rebuilds a dataset: a kind known to `datasetFromSpec` and data that
 * structured cloning can carry (typed arrays over SharedArrayBuffers cross without a copy).
 */
export interface DatasetSpec {
  kind: string;
  [key: string]: unknown;
}

/**
 * A map-style dataset (torch.utils.data.Dataset): `length` samples, `get(i)` returns one. Random
 * transforms draw from `generator`, which the DataLoader seeds per batch so that a batch is the
 * same whether it is prepared in this thread or in a worker.
 */
export interface Dataset<T = Sample> {
  readonly length: number;
  get(index: number, generator?: Generator): T;
  /** A recipe for rebuilding the dataset in a worker thread; absent when it cannot be. */
  workerSpec?(): DatasetSpec;
}

export function checkIndex(index: number, length: number, owner: string): void {
  if (!Number.isInteger(index) || index < 0 || index >= length) {
    throw new RangeError(`${owner}: index ${index} is out of range for a dataset of ${length} samples`);
  }
}

/** Copies bytes into shared memory, so worker threads read the same images without a copy each. */
export function toShared(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

export interface ImageArrayOptions {
  /** Applied to every image (a CHW float32 tensor in [0, 1]) on `get`. */
  transform?: Transform;
  classes?: readonly string[];
}

/**
 * N uint8 images of one CHW shape in one array, with uint8 labels: the in-memory form of MNIST,
 * Fashion-MNIST and CIFAR-10. Images are scaled to [0, 1] on access (torchvision's ToTensor), so
 * the pixels stay 1 byte each in memory.
 */
export class ImageArrayDataset implements Dataset<Sample> {
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  /** [C, H, W] of every image. */
  readonly imageShape: [number, number, number];
  readonly classes: readonly string[];
  transform: Transform | undefined;

  constructor(images: Uint8Array, labels: Uint8Array, imageShape: [number, number, number], opts: ImageArrayOptions = {}) {
    const size = imageShape[0] * imageShape[1] * imageShape[2];
    if (images.length !== labels.length * size) {
      throw new RangeError(`ImageArrayDataset: ${images.length} pixel bytes do not make ${labels.length} images of shape [${imageShape.join(", ")}]`);
    }
    this.images = toShared(images);
    this.labels = toShared(labels);
    this.imageShape = imageShape;
    this.classes = opts.classes ?? [];
    this.transform = opts.transform;
  }

  get length(): number {
    return this.labels.length;
  }

  /** The stored image as uint8 CHW, without scaling or transforms. */
  raw(index: number): Uint8Array {
    checkIndex(index, this.length, this.constructor.name);
    const size = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
    return this.images.subarray(index * size, (index + 1) * size);
  }

  get(index: number, generator: Generator = getDefaultGenerator()): Sample {
    const pixels = this.raw(index);
    const data = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) data[i] = pixels[i] / 255;
    const image = Tensor.fromTypedArray(data, this.imageShape);
    return [this.transform ? this.transform.apply(image, generator) : image, this.labels[index]];
  }

  workerSpec(): DatasetSpec {
    return {
      kind: "image-array", images: this.images, labels: this.labels, imageShape: this.imageShape, classes: [...this.classes],
      transform: this.transform?.spec() ?? null,
    };
  }

  /** Counts per class index. */
  classCounts(): number[] {
    const counts: number[] = [];
    for (const label of this.labels) counts[label] = (counts[label] ?? 0) + 1;
    return Array.from(counts, (c) => c ?? 0);
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  readonly indices: Int32Array;

  constructor(readonly dataset: Dataset<T>, indices: ArrayLike<number>) {
    this.indices = Int32Array.from(indices);
    for (const i of this.indices) checkIndex(i, dataset.length, "Subset");
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number, generator?: Generator): T {
    checkIndex(index, this.length, "Subset");
    return this.dataset.get(this.indices[index], generator);
  }

  workerSpec(): DatasetSpec {
    const inner = this.dataset.workerSpec?.();
    if (!inner) throw new TypeError(`Subset: the wrapped ${this.dataset.constructor.name} cannot be rebuilt in a worker thread`);
    return { kind: "subset", dataset: inner, indices: this.indices };
  }
}

/** Splits `dataset` at random into subsets of the given lengths (torch.utils.data.random_split). */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator: Generator = getDefaultGenerator()): Subset<T>[] {
  const total = lengths.reduce((a, b) => a + b, 0);
  if (total !== dataset.length || lengths.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new RangeError(`randomSplit: lengths [${lengths.join(", ")}] must be non-negative integers adding up to the dataset's ${dataset.length} samples`);
  }
  const order = permutation(dataset.length, generator);
  let start = 0;
  return lengths.map((n) => new Subset(dataset, order.subarray(start, (start += n))));
}

/** Rebuilds a dataset from `workerSpec()` (in a worker thread). */
export function datasetFromSpec(spec: DatasetSpec): Dataset<unknown> {
  switch (spec.kind) {
    case "image-array": {
      const transform = spec.transform ? transformFromSpec(spec.transform as TransformSpec) : undefined;
      return new ImageArrayDataset(spec.images as Uint8Array, spec.labels as Uint8Array, spec.imageShape as [number, number, number], {
        classes: spec.classes as string[], transform,
      });
    }
    case "subset":
      return new Subset(datasetFromSpec(spec.dataset as DatasetSpec), spec.indices as Int32Array);
    default: {
      const factory = extraKinds.get(spec.kind);
      if (!factory) throw new TypeError(`datasetFromSpec: unknown dataset kind "${spec.kind}"`);
      return factory(spec);
    }
  }
}

/** Kinds defined in other files (tensor, image-folder), registered there to keep this file free of their imports. */
const extraKinds = new Map<string, (spec: DatasetSpec) => Dataset<unknown>>();

export function registerDatasetKind(kind: string, factory: (spec: DatasetSpec) => Dataset<unknown>): void {
  extraKinds.set(kind, factory);
}
