#!/usr/bin/env node
// Rating prediction on MovieLens 100k's official five splits (u1..u5 .base/.test): RMSE and MAE per
// split of the notes' mean-filled SVD and of biased matrix factorisation (SGD and ALS), plus the
// time of a full SVD of the 943 x 1682 mean-filled rating matrix next to NumPy's.
// The data set is GroupLens's (research use only, no redistribution): it is read from the shared
// datasets folder and never copied into the repository.
// Usage: npm run build && node bench/unsupervised/movielens.mjs [--splits 1,2,3,4,5] [--no-als] [--no-timing] [--datasets DIR]
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { readRatingTriples } from "../../dist/src/io/table.js";
import { BiasedMF, SVDRecommender, evaluate, ratingsFromTriples, globalMean } from "../../dist/src/recommend/index.js";
import { svd, svdvals } from "../../dist/src/linalg/index.js";
import { Tensor } from "../../dist/src/tensor/tensor.js";
import { backend } from "../../dist/src/backend/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const root = option("--datasets", new URL("../../../shared/datasets", import.meta.url).pathname);
const dir = join(root, "movielens-100k");
const splits = option("--splits", "1,2,3,4,5").split(",");
if (!existsSync(join(dir, "u1.base"))) {
  console.error(`movielens: ${dir} has no u1.base (MovieLens 100k is not redistributed with Lantern)`);
  process.exit(2);
}

const METHODS = [
  { name: "mean-fill SVD k=10 (notes)", make: () => new SVDRecommender({ rank: 10, seed: 0 }) },
  { name: "mean-fill SVD k=20 (notes)", make: () => new SVDRecommender({ rank: 20, seed: 0 }) },
  { name: "biased MF, Surprise defaults", make: () => new BiasedMF({ nFactors: 100, lr: 0.005, reg: 0.02, epochs: 20, seed: 0 }) },
  { name: "biased MF SGD (Lantern defaults)", make: () => new BiasedMF({ seed: 0 }) },
  ...(args.includes("--no-als") ? [] : [{ name: "biased MF ALS (Lantern defaults)", make: () => new BiasedMF({ algorithm: "als", seed: 0 }) }]),
];

console.log(`MovieLens 100k, splits u${splits.join(", u")}; backend ${backend()}\n`);
const data = splits.map((s) => {
  const train = ratingsFromTriples(readRatingTriples(join(dir, `u${s}.base`)));
  return { split: s, train, test: ratingsFromTriples(readRatingTriples(join(dir, `u${s}.test`)), train) };
});
const header = ["method", ...data.map((d) => `u${d.split}`), "mean RMSE", "mean MAE", "fit s/split"];
const rows = [];
for (const method of METHODS) {
  const rmse = [];
  const mae = [];
  let seconds = 0;
  for (const { train, test } of data) {
    const model = method.make();
    const start = performance.now();
    model.fit(train);
    seconds += (performance.now() - start) / 1000;
    const score = evaluate(model, test);
    rmse.push(score.rmse);
    mae.push(score.mae);
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  rows.push([method.name, ...rmse.map((r) => r.toFixed(4)), mean(rmse).toFixed(4), mean(mae).toFixed(4), (seconds / data.length).toFixed(2)]);
  console.error(`done: ${method.name}`);
}
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (r) => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]) : v.padStart(widths[c]))).join("  ");
console.log([line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n"));

if (!args.includes("--no-timing")) {
  // The notes' matrix: u.data's 943 x 1682 ratings with every missing entry set to the global mean.
  const train = ratingsFromTriples(readRatingTriples(join(dir, "u.data")));
  const users = train.userIds.length;
  const items = train.itemIds.length;
  const mean = globalMean(train);
  const dense = new Float64Array(users * items).fill(mean);
  for (let r = 0; r < train.values.length; r++) dense[train.users[r] * items + train.items[r]] = train.values[r];
  const M = Tensor.fromTypedArray(dense, [users, items]);
  const time = (fn) => {
    const start = performance.now();
    fn();
    return (performance.now() - start) / 1000;
  };
  console.log(`\nSVD of the ${users} x ${items} mean-filled matrix of u.data (best of 2):`);
  console.log(`  lt.linalg.svd (U, S, Vh)        ${Math.min(time(() => svd(M)), time(() => svd(M))).toFixed(3)} s`);
  console.log(`  lt.linalg.svdvals (S only)      ${Math.min(time(() => svdvals(M)), time(() => svdvals(M))).toFixed(3)} s`);
  const fit = () => new SVDRecommender({ rank: 20, seed: 0 }).fit(train);
  console.log(`  SVDRecommender rank 20 (sparse) ${Math.min(time(fit), time(fit)).toFixed(3)} s`);
  const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
  const script = `
import time, numpy as np
rng = np.random.default_rng(0)
M = rng.uniform(1, 5, (${users}, ${items}))
def best(f):
    out = []
    for _ in range(3):
        t = time.perf_counter(); f(); out.append(time.perf_counter() - t)
    return min(out)
print(best(lambda: np.linalg.svd(M, full_matrices=False)), best(lambda: np.linalg.svd(M, compute_uv=False)))
`;
  const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const result = spawnSync(python, ["-c", script], { env, encoding: "utf8" });
  if (result.status === 0) {
    const [full, values] = result.stdout.trim().split(/\s+/).map(Number);
    console.log(`  NumPy (1 thread) svd            ${full.toFixed(3)} s, singular values only ${values.toFixed(3)} s`);
  } else {
    console.log(`  NumPy reference unavailable: ${(result.stderr || result.error?.message || "").trim().split("\n").pop()}`);
  }
}
