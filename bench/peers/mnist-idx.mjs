// Where `lantern bench train` finds MNIST, and a plain IDX reader for the JavaScript peers (the
// Lantern peer reads the same files through lt.data, PyTorch through NumPy).
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FILES = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"];

function holdsTrainSplit(dir) {
  return FILES.every((f) => existsSync(join(dir, f)) || existsSync(join(dir, `${f}.gz`)));
}

/**
 * The MNIST folder: $LANTERN_BENCH_MNIST when set (used as given), else the shared copy beside the
 * repository (../shared/datasets/mnist), else Lantern's download cache. Null when none holds it.
 */
export function findMnist() {
  if (process.env.LANTERN_BENCH_MNIST) return process.env.LANTERN_BENCH_MNIST;
  const home = process.env.LANTERN_HOME || join(homedir(), ".cache", "lantern");
  const candidates = [join(REPO, "..", "shared", "datasets", "mnist"), join(home, "datasets", "mnist")];
  return candidates.find(holdsTrainSplit) ?? null;
}

/** The error every peer reports when the suite found no MNIST copy. */
export function mnistMissing() {
  return new Error("MNIST not found: set LANTERN_BENCH_MNIST to a folder with train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz), or run `lantern train lenet5 --dataset mnist` once to download it");
}

function readIdx(dir, name, magic) {
  const path = [join(dir, `${name}.gz`), join(dir, name)].find(existsSync);
  if (!path) throw new Error(`${join(dir, name)}(.gz) not found`);
  const raw = readFileSync(path);
  const bytes = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0) !== magic) throw new Error(`${path}: magic 0x${view.getUint32(0).toString(16)}, expected 0x${magic.toString(16)}`);
  const dims = magic & 0xff;
  return { count: view.getUint32(4), data: bytes.subarray(4 + 4 * dims) };
}

/** The 60,000 training images (uint8, 784 bytes each) and labels of the MNIST folder `dir`. */
export function readMnistTrain(dir) {
  const images = readIdx(dir, FILES[0], 0x803);
  const labels = readIdx(dir, FILES[1], 0x801);
  if (images.count !== labels.count) throw new Error(`${dir}: ${images.count} images but ${labels.count} labels`);
  return { count: images.count, images: images.data, labels: labels.data };
}
