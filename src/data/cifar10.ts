import { existsSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { ImageArrayDataset } from "./dataset.js";
import type { ImageArrayOptions } from "./dataset.js";
import { DatasetError } from "./errors.js";
import { readMaybeGzip } from "./idx.js";
import { readTar } from "./tar.js";
import { datasetCacheDir, md5Of, resolveDataset, searchDirs } from "./download.js";
import type { RemoteDataset, ResolveOptions } from "./download.js";
import { writeFileAtomic } from "./atomic.js";

/**
 * CIFAR-10 (Krizhevsky 2009), binary version: data_batch_1..5.bin (training) and test_batch.bin,
 * each 10,000 records of <1 label byte><3072 pixel bytes: 1024 red, 1024 green, 1024 blue, rows of
 * 32>. The archive's md5 is the one published on the dataset's page; the batch files have no
 * published md5s, so they are checked by size and label range.
 */
export const CIFAR10_RESOURCES: RemoteDataset = {
  name: "cifar10",
  title: "CIFAR-10",
  mirrors: ["https://www.cs.toronto.edu/~kriz/"],
  files: [{ file: "cifar-10-binary.tar.gz", md5: "c32a1d4ab5d03f1284b67883e8d87530", md5Of: "file" }],
};

export const CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"] as const;
export const CIFAR10_STATS = { mean: [0.4914, 0.4822, 0.4465], std: [0.2470, 0.2435, 0.2616] } as const;

const FOLDER = "cifar-10-batches-bin";
const TRAIN_BATCHES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
const TEST_BATCHES = ["test_batch.bin"];
const RECORD = 1 + 3 * 32 * 32;

export interface Cifar10Options extends ResolveOptions, ImageArrayOptions {
  train?: boolean;
  /** Check a local archive's md5 before extracting it (default true; downloads are always checked). */
  verify?: boolean;
}

/** Images and labels of CIFAR binary batch files, with an error naming a file of the wrong size or with a bad label. */
export function readCifarBatches(paths: readonly string[], opts: ImageArrayOptions = {}): ImageArrayDataset {
  const parts = paths.map((path) => {
    const bytes = readMaybeGzip(path);
    if (bytes.length === 0 || bytes.length % RECORD !== 0) {
      throw new DatasetError(`${path}: ${bytes.length} bytes is not a whole number of ${RECORD}-byte CIFAR-10 records (a batch file has 30,730,000); the file is truncated or not a CIFAR-10 binary batch`, path);
    }
    return { path, bytes };
  });
  const count = parts.reduce((n, p) => n + p.bytes.length / RECORD, 0);
  const images = new Uint8Array(new SharedArrayBuffer(count * (RECORD - 1)));
  const labels = new Uint8Array(new SharedArrayBuffer(count));
  let n = 0;
  for (const { path, bytes } of parts) {
    for (let r = 0; r < bytes.length; r += RECORD, n++) {
      if (bytes[r] > 9) throw new DatasetError(`${path}: label ${bytes[r]} of record ${r / RECORD} is not a CIFAR-10 class (0-9)`, path);
      labels[n] = bytes[r];
      images.set(bytes.subarray(r + 1, r + RECORD), n * (RECORD - 1));
    }
  }
  return new ImageArrayDataset(images, labels, [3, 32, 32], { ...opts, classes: opts.classes ?? CIFAR10_CLASSES });
}

/** The folder holding the batch files: an extracted copy if one is found, else the archive extracted into the cache. */
async function batchFolder(opts: Cifar10Options, names: readonly string[]): Promise<string> {
  for (const dir of searchDirs(CIFAR10_RESOURCES, opts.root)) {
    for (const candidate of [join(dir, FOLDER), dir]) {
      if (names.every((name) => existsSync(join(candidate, name)))) return candidate;
    }
  }
  const remote = CIFAR10_RESOURCES.files[0];
  const archive = (await resolveDataset(CIFAR10_RESOURCES, opts))[remote.file];
  if (opts.verify !== false) {
    const actual = md5Of(archive, "file");
    if (actual !== remote.md5) throw new DatasetError(`${archive}: md5 ${actual}, expected ${remote.md5} for ${remote.file}; the archive is corrupt or a different version, replace it`, archive);
  }
  opts.log?.(`CIFAR-10: extracting ${archive}`);
  const entries = readTar(readMaybeGzip(archive), archive);
  const target = join(datasetCacheDir(CIFAR10_RESOURCES.name), FOLDER);
  mkdirSync(target, { recursive: true });
  for (const [name, data] of entries) {
    if (basename(name).endsWith(".bin") || basename(name).endsWith(".txt")) writeFileAtomic(join(target, basename(name)), data);
  }
  const missing = [...TRAIN_BATCHES, ...TEST_BATCHES].filter((name) => !existsSync(join(target, name)));
  if (missing.length > 0) throw new DatasetError(`${archive}: the archive lacks ${missing.join(", ")}`, archive);
  return target;
}

/** CIFAR-10 as [3, 32, 32] images in [0, 1] (torchvision.datasets.CIFAR10 followed by ToTensor). */
export async function cifar10(opts: Cifar10Options = {}): Promise<ImageArrayDataset> {
  const names = opts.train === false ? TEST_BATCHES : TRAIN_BATCHES;
  const folder = await batchFolder(opts, names);
  return readCifarBatches(names.map((name) => join(folder, name)), opts);
}
