import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** An IDX file: magic 0x0000 <type> <ndim>, big-endian dimensions, then the bytes as given. */
export function idxBytes(typeCode: number, shape: readonly number[], payload: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, payload]);
}

/**
 * n learnable 28x28 "digits": class k is a bright 6x6 square at one of ten fixed places plus a
 * little deterministic noise, so a small CNN separates them within an epoch or two.
 */
export function syntheticDigits(n: number, seed = 1): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  let state = seed >>> 0;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    const top = 3 + 5 * Math.floor(label / 5) * 2;
    const left = 2 + 5 * (label % 5);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = Math.floor(next() * 40);
    for (let y = top; y < top + 6; y++) for (let x = left; x < left + 6; x++) images[i * 784 + y * 28 + x] = 200 + Math.floor(next() * 55);
  }
  return { images, labels };
}

/** Writes MNIST-named IDX files (gzipped or not) of synthetic digits into `dir`. */
export function writeSyntheticMnist(dir: string, nTrain: number, nTest: number, opts: { gzip?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, bytes: Uint8Array) => {
    if (opts.gzip === false) writeFileSync(join(dir, name), bytes);
    else writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes));
  };
  for (const [prefix, n, seed] of [["train", nTrain, 1], ["t10k", nTest, 2]] as const) {
    const { images, labels } = syntheticDigits(n, seed);
    write(`${prefix}-images-idx3-ubyte`, idxBytes(0x08, [n, 28, 28], images));
    write(`${prefix}-labels-idx1-ubyte`, idxBytes(0x08, [n], labels));
  }
}
