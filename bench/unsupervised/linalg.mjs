#!/usr/bin/env node
// Dense float64 linear algebra next to NumPy / scikit-learn in the same run: the full SVD and the
// singular values of the 943 x 1682 mean-filled MovieLens rating matrix, eigh of a 256 x 256 symmetric
// matrix, PCA of 20000 x 256 data to 16 components (full and randomized), a 1000^3 DGEMM and a
// 2000 x 500 QR. Single thread on both sides (LANTERN_NUM_THREADS=1; OpenBLAS with one thread and its
// AVX-512 kernel, as bench/peers/python.mjs sets up). The matrices are generated here from a seed
// and handed to Python as raw float64 files, so both sides factor the same numbers; the accuracy
// columns compare Lantern's singular values / eigenvalues with NumPy's.
// Usage: npm run build && node bench/unsupervised/linalg.mjs [--reps 5] [--only svd,eigh]
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { PYTHON, pythonEnvironment } from "../peers/python.mjs";
import { cpuModel } from "../machine.mjs";
import { decayingSpectrum, ratingMatrix } from "./data.mjs";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const reps = Number(option("--reps", "5"));
const only = option("--only", "")
  .split(",")
  .filter(Boolean);
// The thread count is read when the native core first runs a kernel, so it is set before loading it.
process.env.LANTERN_NUM_THREADS ??= "1";
const threads = Number(process.env.LANTERN_NUM_THREADS);

const { Tensor } = await import("../../dist/src/tensor/tensor.js");
const { Generator } = await import("../../dist/src/random/generator.js");
const { backend } = await import("../../dist/src/backend/index.js");
const linalg = await import("../../dist/src/linalg/index.js");
const { PCA } = await import("../../dist/src/decomposition/index.js");
const { matmul } = await import("../../dist/src/ops/matmul.js");

function uniformMatrix(g, rows, cols) {
  return { rows, cols, data: Float64Array.from({ length: rows * cols }, () => 2 * g.uniform() - 1) };
}

function symmetric(g, n) {
  const a = uniformMatrix(g, n, n).data;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) a[j * n + i] = a[i * n + j];
  return { rows: n, cols: n, data: a };
}

const g = new Generator(20240607);
const matrices = {
  ratings: ratingMatrix(),
  sym256: symmetric(g, 256),
  pca: decayingSpectrum({ rows: 20000, cols: 256 }),
  gemmA: uniformMatrix(g, 1000, 1000),
  gemmB: uniformMatrix(g, 1000, 1000),
  tall: uniformMatrix(g, 2000, 500),
};
const tensor = (m) => Tensor.fromTypedArray(m.data.slice(), [m.rows, m.cols]);

// Each workload: Lantern's call (returning the values to compare) and the same call in Python.
const WORKLOADS = [
  { id: "svd", label: "svd 943x1682 (U, S, Vh)", input: "ratings", lantern: (x) => linalg.svd(x).S, python: "np.linalg.svd(ratings, full_matrices=False)[1]" },
  { id: "svdvals", label: "svdvals 943x1682 (S only)", input: "ratings", lantern: (x) => linalg.svdvals(x), python: "np.linalg.svd(ratings, compute_uv=False)" },
  { id: "eigh", label: "eigh 256x256 (values, vectors)", input: "sym256", lantern: (x) => linalg.eigh(x).eigenvalues, python: "np.linalg.eigh(sym256)[0]" },
  { id: "pca-full", label: "PCA 20000x256 -> 16, full", input: "pca", lantern: (x) => new PCA({ nComponents: 16, solver: "full" }).fit(x).singularValues, python: "PCA(n_components=16, svd_solver='full').fit(pca).singular_values_" },
  { id: "pca-randomized", label: "PCA 20000x256 -> 16, randomized", input: "pca", lantern: (x) => new PCA({ nComponents: 16, solver: "randomized", seed: 0 }).fit(x).singularValues, python: "PCA(n_components=16, svd_solver='randomized', random_state=0).fit(pca).singular_values_" },
  { id: "qr", label: "qr 2000x500 (Q, R)", input: "tall", lantern: (x) => void linalg.qr(x), python: "np.linalg.qr(tall)[1].diagonal()" },
  { id: "gemm", label: "matmul float64 1000^3", input: "gemmA", lantern: (x) => void matmul(x, tensor(matrices.gemmB)), python: "gemmA @ gemmB" },
].filter((w) => only.length === 0 || only.includes(w.id));

const dir = mkdtempSync(join(tmpdir(), "lantern-linalg-"));
for (const [name, m] of Object.entries(matrices)) writeFileSync(join(dir, `${name}.f64`), m.data);

const pythonScript = `
import json, sys, time
import numpy as np
from sklearn.decomposition import PCA
d = sys.argv[1]
shapes = json.loads(sys.argv[2])
mats = {k: np.fromfile(f"{d}/{k}.f64", dtype=np.float64).reshape(r, c) for k, (r, c) in shapes.items()}
globals().update(mats)
out = {}
for w in json.loads(sys.argv[3]):
    f = lambda: eval(w["python"])
    v = f()
    times = []
    for _ in range(int(sys.argv[4])):
        t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    out[w["id"]] = {"times": times, "values": np.asarray(v).ravel()[:512].tolist()}
print(json.dumps(out))
`;
const shapes = Object.fromEntries(Object.entries(matrices).map(([k, m]) => [k, [m.rows, m.cols]]));
const py = spawnSync(PYTHON, ["-c", pythonScript, dir, JSON.stringify(shapes), JSON.stringify(WORKLOADS.map(({ id, python }) => ({ id, python }))), String(reps)], {
  env: pythonEnvironment(1),
  encoding: "utf8",
  maxBuffer: 1 << 26,
});
rmSync(dir, { recursive: true, force: true });
const peer = py.status === 0 ? JSON.parse(py.stdout) : null;
if (!peer) console.error(`python reference failed: ${(py.stderr || py.error?.message || "").trim().split("\n").pop()}`);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const w of WORKLOADS) {
  const x = tensor(matrices[w.input]);
  const result = w.lantern(x);
  const times = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    w.lantern(x);
    times.push((performance.now() - start) / 1000);
  }
  const ours = median(times);
  const theirs = peer ? median(peer[w.id].times) : NaN;
  let error = "";
  if (peer && result && ["svd", "svdvals", "eigh", "pca-full", "pca-randomized"].includes(w.id)) {
    const a = result.toArray();
    const b = peer[w.id].values;
    const scale = Math.max(...b.map(Math.abs));
    error = (Math.max(...a.slice(0, b.length).map((v, i) => Math.abs(v - b[i]))) / scale).toExponential(1);
  }
  rows.push([w.label, ours.toFixed(4), theirs.toFixed(4), (ours / theirs).toFixed(2), error]);
  console.error(`done: ${w.label}`);
}

console.log(`${cpuModel()}; Lantern backend ${backend()}, ${threads} thread(s); NumPy/scikit-learn single thread; median of ${reps}\n`);
const header = ["workload", "Lantern s", "NumPy/sklearn s", "ratio", "rel. error"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
console.log([line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));
