// The inputs of `lantern bench unsupervised`, made here from fixed seeds so that every peer (Lantern,
// scikit-learn/SciPy, ml.js) works on the same numbers: the JavaScript peers get them in memory, the
// Python peer reads them from raw float64 files (`matrixFile`). A generator of our own keeps the
// data independent of Lantern's RNG, so a change there cannot move the benchmark's inputs.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Shared datasets (groceries, retail, MovieLens): LANTERN_DATASETS, else ../shared/datasets beside the repository. */
export const DATASETS = process.env.LANTERN_DATASETS ?? new URL("../../../shared/datasets", import.meta.url).pathname;

/** Uniform and normal draws from a 32-bit seed (mulberry32, then Box-Muller): fast, and identical on every platform. */
export class Random {
  constructor(seed) {
    this.state = seed >>> 0;
    this.spare = null;
  }

  uniform() {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  normal() {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u = 1 - this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const a = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(a);
    return r * Math.cos(a);
  }
}

/**
 * `n` points in `d` dimensions around `k` Gaussian centers (scikit-learn's make_blobs, with the
 * centers drawn close enough that the clusters overlap and k-means needs tens of iterations, as on
 * real data), plus `k` initial centers: the first point of each stretch of n/k rows, so every
 * implementation starts from the same place and runs the same iterations.
 */
export function blobs({ n, d, k, spread = 1, seed = 1 }) {
  const g = new Random(seed);
  const centers = Float64Array.from({ length: k * d }, () => spread * g.normal());
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(g.uniform() * k);
    for (let j = 0; j < d; j++) data[i * d + j] = centers[c * d + j] + g.normal();
  }
  const init = new Float64Array(k * d);
  for (let c = 0; c < k; c++) init.set(data.subarray(c * Math.floor(n / k) * d, (c * Math.floor(n / k) + 1) * d), c * d);
  return { x: { rows: n, cols: d, data }, init: { rows: k, cols: d, data: init } };
}

/**
 * PCA input with a decaying spectrum: `cols` features mixed from latent factors of scale
 * 1/(1 + j/4), plus a little noise and a per-feature offset (so centering matters).
 */
export function decayingSpectrum({ rows, cols, seed = 2 }) {
  const g = new Random(seed);
  const mix = Float64Array.from({ length: cols * cols }, (_, j) => g.normal() / (1 + (j % cols) / 8));
  const data = new Float64Array(rows * cols);
  const latent = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < cols; k++) latent[k] = g.normal() / (1 + k / 4);
    const out = i * cols;
    for (let k = 0; k < cols; k++) {
      const l = latent[k];
      const m = k * cols;
      for (let j = 0; j < cols; j++) data[out + j] += l * mix[m + j];
    }
    for (let j = 0; j < cols; j++) data[out + j] += 0.01 * g.normal() + j * 0.1;
  }
  return { rows, cols, data };
}

/**
 * The notes' SVD recommender input: MovieLens 100k's 943 x 1682 rating matrix with every missing
 * entry set to the global mean, read from u.data when the shared datasets are present. Otherwise a
 * matrix of the same shape and sparsity: 100,000 ratings drawn with power-law user activity and
 * item popularity, each a rounded low-rank score in 1..5 (the SVD costs the same either way).
 */
export function ratingMatrix({ users = 943, items = 1682, ratings = 100000, seed = 3 } = {}) {
  const path = join(DATASETS, "movielens-100k", "u.data");
  const rating = new Float64Array(users * items);
  let source = "synthetic, MovieLens-shaped";
  if (users === 943 && items === 1682 && existsSync(path)) {
    for (const line of readFileSync(path, "utf8").split("\n")) {
      const [user, item, value] = line.split("\t").map(Number);
      if (value) rating[(user - 1) * items + (item - 1)] = value;
    }
    source = "MovieLens 100k u.data";
  } else {
    const g = new Random(seed);
    const rank = 12;
    const userF = Float64Array.from({ length: users * rank }, () => g.normal() * 0.45);
    const itemF = Float64Array.from({ length: items * rank }, () => g.normal() * 0.45);
    const pick = (count, exponent) => Math.min(count - 1, Math.floor(count * g.uniform() ** exponent));
    for (let filled = 0; filled < Math.min(ratings, users * items); ) {
      const u = pick(users, 2.2);
      const i = pick(items, 2.8);
      if (rating[u * items + i] !== 0) continue;
      let score = 3.53 + 0.5 * g.normal();
      for (let f = 0; f < rank; f++) score += userF[u * rank + f] * itemF[i * rank + f];
      rating[u * items + i] = Math.min(5, Math.max(1, Math.round(score)));
      filled++;
    }
  }
  let sum = 0;
  let count = 0;
  for (const v of rating) if (v !== 0) (sum += v), count++;
  const mean = sum / count;
  for (let j = 0; j < rating.length; j++) if (rating[j] === 0) rating[j] = mean;
  return { rows: users, cols: items, data: rating, source };
}

/** The market-basket files of the shared datasets: one basket per line, items split by `separator`. */
export const BASKET_FILES = {
  groceries: { file: "groceries/groceries.csv", separator: "," },
  retail: { file: "retail-fimi/retail.dat", separator: " " },
};

/** The baskets of a shared dataset as arrays of item strings, or null when the file is absent. */
export function baskets(name) {
  const { file, separator } = BASKET_FILES[name];
  const path = join(DATASETS, file);
  if (!existsSync(path)) return null;
  return cached(`baskets-${name}`, () => readFileSync(path, "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => line.split(separator).map((item) => item.trim()).filter((item) => item.length > 0)));
}

/** The reason a basket dataset is missing, for the table's notes. */
export function missingBaskets(name) {
  return `${join(DATASETS, BASKET_FILES[name].file)} not found (the shared datasets are not redistributed with Lantern)`;
}

const cache = new Map();

/** Builds a workload's input once per run: every peer of the workload asks for it in turn. */
export function cached(key, make) {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key);
}

let folder = null;
let files = 0;
const written = new WeakMap();

/**
 * A matrix as a raw little-endian float64 file for the Python peer, written once per run into a
 * temporary folder that is removed when the process exits. Returns [path, rows, cols].
 */
export function matrixFile(matrix) {
  if (!written.has(matrix)) {
    if (folder === null) {
      folder = mkdtempSync(join(tmpdir(), "lantern-bench-unsupervised-"));
      process.on("exit", () => rmSync(folder, { recursive: true, force: true }));
    }
    const path = join(folder, `matrix-${files++}.f64`);
    writeFileSync(path, new Uint8Array(matrix.data.buffer, matrix.data.byteOffset, matrix.data.byteLength));
    written.set(matrix, [path, matrix.rows, matrix.cols]);
  }
  return written.get(matrix);
}

/**
 * The matrices of a workload, built once and shared by every peer: `x` (and `init`, the initial
 * centers of a k-means workload). Basket workloads read their dataset with `baskets` instead.
 */
export function workloadMatrices(workload) {
  const p = workload.params;
  switch (workload.kind) {
    case "kmeans":
      return cached(`kmeans-${p.n}x${p.d}-${p.k}`, () => blobs(p));
    case "linkage":
      // Clustered points, as hierarchical clustering is used on: 8 overlapping blobs.
      return cached(`linkage-${p.n}x${p.d}`, () => ({ x: blobs({ n: p.n, d: p.d, k: 8, spread: 2, seed: 4 }).x }));
    case "pca":
      return cached(`pca-${p.rows}x${p.cols}`, () => ({ x: decayingSpectrum(p) }));
    case "svd":
      return cached(`svd-${p.rows}x${p.cols}`, () => ({ x: ratingMatrix({ users: p.rows, items: p.cols, ratings: p.ratings }) }));
    default:
      throw new Error(`workload kind "${workload.kind}" has no matrices`);
  }
}

/** The same matrices as raw float64 files for the Python peer: {name: [path, rows, cols]}. */
export function workloadFiles(workload) {
  const matrices = workloadMatrices(workload);
  return Object.fromEntries(Object.entries(matrices).map(([name, m]) => [name, matrixFile(m)]));
}
