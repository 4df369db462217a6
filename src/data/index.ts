/**
 * lt.data: datasets, their download and verification, batching and image transforms
 * (torch.utils.data together with torchvision.datasets and torchvision.transforms).
 */
export { ImageArrayDataset, Subset, randomSplit, datasetFromSpec } from "./dataset.js";
export type { Dataset, Sample, DatasetSpec, ImageArrayOptions } from "./dataset.js";
export { permutation } from "./permutation.js";
export { DatasetError } from "./errors.js";
export { parseIdx, readIdx } from "./idx.js";
export type { IdxArray, IdxType } from "./idx.js";
export {
  mnist, fashionMnist, readIdxImageSplit, MNIST_RESOURCES, FASHION_MNIST_RESOURCES, MNIST_CLASSES, FASHION_MNIST_CLASSES, MNIST_STATS,
  FASHION_MNIST_STATS,
} from "./mnist.js";
export type { MnistOptions } from "./mnist.js";
export { cifar10, readCifarBatches, CIFAR10_RESOURCES, CIFAR10_CLASSES, CIFAR10_STATS } from "./cifar10.js";
export type { Cifar10Options } from "./cifar10.js";
export { lanternHome, datasetCacheDir, resolveDataset, downloadFile, md5Of, searchDirs } from "./download.js";
export type { RemoteDataset, RemoteFile, ResolveOptions, DownloadOptions } from "./download.js";
export { TensorDataset } from "./tensor-dataset.js";
export { csvDataset } from "./csv-dataset.js";
export type { CsvDataset, CsvDatasetOptions } from "./csv-dataset.js";
export { ImageFolder } from "./image-folder.js";
export type { ImageFolderOptions } from "./image-folder.js";
export { decodeImage, convertImage } from "./image-decode.js";
export { defaultCollate } from "./collate.js";
export { DataLoader } from "./loader.js";
export type { DataLoaderOptions, DataLoaderState } from "./loader.js";
export * as transforms from "./transforms/index.js";
