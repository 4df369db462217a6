import { ImageArrayDataset } from "./dataset.js";
import type { ImageArrayOptions } from "./dataset.js";
import { DatasetError } from "./errors.js";
import { parseIdx, readMaybeGzip } from "./idx.js";
import type { IdxArray } from "./idx.js";
import { resolveDataset, verifyContent } from "./download.js";
import type { RemoteDataset, RemoteFile, ResolveOptions } from "./download.js";

/**
 * MNIST (LeCun, Cortes & Burges) and Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 60,000 training
 * and 10,000 test 28x28 greyscale images in IDX files with the same names, shapes and magics. The
 * md5s are those of the decompressed original files, because mirrors and distributions re-compress
 * them (see /work/shared/datasets/{mnist,fashion-mnist}/README.md).
 */
const SPLIT_FILES = {
  train: ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"],
  test: ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"],
} as const;

function files(md5s: [string, string, string, string]): RemoteFile[] {
  return [...SPLIT_FILES.train, ...SPLIT_FILES.test].map((file, i) => ({ file, md5: md5s[i] }));
}

export const MNIST_RESOURCES: RemoteDataset = {
  name: "mnist",
  title: "MNIST",
  // The PyTorch project's mirror first: the original LeCun site often refuses automated downloads.
  mirrors: ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"],
  files: files(["6bbc9ace898e44ae57da46a324031adb", "a25bea736e30d166cdddb491f175f624", "2646ac647ad5339dbf082846283269ea", "27ae3e4e09519cfbb04c329615203637"]),
};

export const FASHION_MNIST_RESOURCES: RemoteDataset = {
  name: "fashion-mnist",
  title: "Fashion-MNIST",
  mirrors: ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/", "https://github.com/zalandoresearch/fashion-mnist/raw/master/data/fashion/"],
  files: files(["f4a8712d7a061bf5bd6d2ca38dc4d50a", "9018921c3c673c538a1fc5bad174d6f9", "8181f5470baa50b63fa0f6fddb340f0a", "15d484375f8d13e6eb1aabb0c3f46965"]),
  // Debian's dataset-fashion-mnist package installs the four files here.
  systemDirs: ["/usr/share/datasets/fashion-mnist"],
};

export const MNIST_CLASSES = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"] as const;
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"] as const;

/** Per-channel mean and std of the training pixels in [0, 1], for Normalize. */
export const MNIST_STATS = { mean: [0.1307], std: [0.3081] } as const;
export const FASHION_MNIST_STATS = { mean: [0.2860], std: [0.3530] } as const;

export interface MnistOptions extends ResolveOptions, ImageArrayOptions {
  /** The 60,000-image training split (default) or the 10,000-image test split. */
  train?: boolean;
  /** Check the decompressed files' md5s (default true; turn off for subsets or synthetic files). */
  verify?: boolean;
}

function readChecked(path: string, remote: RemoteFile | null): IdxArray {
  const content = readMaybeGzip(path);
  if (remote) verifyContent(content, remote, path);
  return parseIdx(content, path);
}

/**
 * One split from an IDX image file and an IDX label file: uint8 images [N, H, W] and uint8 labels
 * [N] below `numClasses`, with an error naming the file for anything else.
 */
export function readIdxImageSplit(imagesPath: string, labelsPath: string, opts: ImageArrayOptions & { numClasses?: number; remotes?: [RemoteFile, RemoteFile] } = {}): ImageArrayDataset {
  const images = readChecked(imagesPath, opts.remotes?.[0] ?? null);
  const labels = readChecked(labelsPath, opts.remotes?.[1] ?? null);
  if (images.type !== "uint8" || images.shape.length !== 3) {
    throw new DatasetError(`${imagesPath}: expected an IDX file of uint8 images [N, H, W] (magic 0x00000803), got ${images.type} [${images.shape.join(", ")}]`, imagesPath);
  }
  if (labels.type !== "uint8" || labels.shape.length !== 1) {
    throw new DatasetError(`${labelsPath}: expected an IDX file of uint8 labels [N] (magic 0x00000801), got ${labels.type} [${labels.shape.join(", ")}]`, labelsPath);
  }
  if (images.shape[0] !== labels.shape[0]) {
    throw new DatasetError(`${imagesPath} has ${images.shape[0]} images but ${labelsPath} has ${labels.shape[0]} labels`, labelsPath);
  }
  const numClasses = opts.numClasses ?? 10;
  const bad = (labels.data as Uint8Array).findIndex((l) => l >= numClasses);
  if (bad >= 0) throw new DatasetError(`${labelsPath}: label ${labels.data[bad]} at index ${bad} is not below ${numClasses}`, labelsPath);
  return new ImageArrayDataset(images.data as Uint8Array, labels.data as Uint8Array, [1, images.shape[1], images.shape[2]], opts);
}

async function loadIdxDataset(resources: RemoteDataset, classes: readonly string[], opts: MnistOptions): Promise<ImageArrayDataset> {
  const paths = await resolveDataset(resources, opts);
  const [imageFile, labelFile] = SPLIT_FILES[opts.train === false ? "test" : "train"];
  const remote = (file: string) => resources.files.find((f) => f.file === file) as RemoteFile;
  return readIdxImageSplit(paths[imageFile], paths[labelFile], {
    ...opts, classes: opts.classes ?? classes, remotes: opts.verify === false ? undefined : [remote(imageFile), remote(labelFile)],
  });
}

/** MNIST digits as [1, 28, 28] images in [0, 1] (torchvision.datasets.MNIST followed by ToTensor). */
export function mnist(opts: MnistOptions = {}): Promise<ImageArrayDataset> {
  return loadIdxDataset(MNIST_RESOURCES, MNIST_CLASSES, opts);
}

/** Fashion-MNIST clothing images, same layout as MNIST (torchvision.datasets.FashionMNIST). */
export function fashionMnist(opts: MnistOptions = {}): Promise<ImageArrayDataset> {
  return loadIdxDataset(FASHION_MNIST_RESOURCES, FASHION_MNIST_CLASSES, opts);
}
