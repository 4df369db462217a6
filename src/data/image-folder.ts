import { readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join } from "node:path";
import { Generator, getDefaultGenerator } from "../random/generator.js";
import { checkIndex, registerDatasetKind } from "./dataset.js";
import type { Dataset, DatasetSpec, Sample } from "./dataset.js";
import { DatasetError } from "./errors.js";
import { convertImage, decodeImage } from "./image-decode.js";
import { toTensor } from "./transforms/to-tensor.js";
import type { DecodedImage } from "./transforms/to-tensor.js";
import type { Transform } from "./transforms/transform.js";
import { transformFromSpec, type TransformSpec } from "./transforms/registry.js";

export interface ImageFolderOptions {
  transform?: Transform;
  /** Channels every image is converted to (default "RGB", as torchvision's default loader). */
  mode?: "RGB" | "L";
  /** A decoder for formats Lantern does not read itself (JPEG): bytes in, HWC uint8 pixels out. */
  loader?: (bytes: Uint8Array, path: string) => DecodedImage;
  /** File extensions taken as images (default .png .ppm .pgm, plus .jpg .jpeg when a loader is given). */
  extensions?: readonly string[];
}

/**
 * root/<class>/<...>/<image> as a classification dataset (torchvision.datasets.ImageFolder):
 * classes are the sorted sub-folder names, samples the image files under each, sorted. Images
 * are decoded on access, which is the work a DataLoader's workers take off the training thread.
 */
export class ImageFolder implements Dataset<Sample> {
  readonly classes: string[];
  readonly samples: [string, number][];
  readonly mode: "RGB" | "L";
  transform: Transform | undefined;
  readonly loader: ImageFolderOptions["loader"];

  constructor(readonly root: string, opts: ImageFolderOptions & { samples?: [string, number][]; classes?: string[] } = {}) {
    this.mode = opts.mode ?? "RGB";
    this.transform = opts.transform;
    this.loader = opts.loader;
    const extensions = opts.extensions ?? (opts.loader ? [".png", ".ppm", ".pgm", ".jpg", ".jpeg"] : [".png", ".ppm", ".pgm"]);
    this.classes = opts.classes ?? readdirSync(root).filter((name) => statSync(join(root, name)).isDirectory()).sort();
    if (this.classes.length === 0) throw new DatasetError(`${root}: no class folders (expected root/<class>/<image files>)`, root);
    this.samples = opts.samples ?? this.classes.flatMap((name, label) => listFiles(join(root, name), extensions).map((f): [string, number] => [f, label]));
    if (this.samples.length === 0) throw new DatasetError(`${root}: no images with extensions ${extensions.join(", ")} under the class folders`, root);
  }

  get length(): number {
    return this.samples.length;
  }

  get(index: number, generator: Generator = getDefaultGenerator()): Sample {
    checkIndex(index, this.length, "ImageFolder");
    const [path, label] = this.samples[index];
    const bytes = new Uint8Array(readFileSync(path));
    const image = toTensor(convertImage(this.loader ? this.loader(bytes, path) : decodeImage(bytes, path), this.mode));
    return [this.transform ? this.transform.apply(image, generator) : image, label];
  }

  workerSpec(): DatasetSpec {
    if (this.loader) throw new TypeError("ImageFolder: a custom loader function cannot be sent to a worker thread; use numWorkers: 0");
    return { kind: "image-folder", root: this.root, samples: this.samples, classes: this.classes, mode: this.mode, transform: this.transform?.spec() ?? null };
  }
}

function listFiles(dir: string, extensions: readonly string[]): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path, extensions);
      return extensions.includes(extname(entry.name).toLowerCase()) ? [path] : [];
    });
}

registerDatasetKind("image-folder", (spec) => new ImageFolder(spec.root as string, {
  samples: spec.samples as [string, number][], classes: spec.classes as string[], mode: spec.mode as "RGB" | "L",
  transform: spec.transform ? transformFromSpec(spec.transform as TransformSpec) : undefined,
}));
