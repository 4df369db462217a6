#!/usr/bin/env node
// Frequent-itemset mining on the shared market-basket datasets: every algorithm at the minimum
// counts whose itemset totals mlxtend 0.25.0 published (see the datasets' README.md files), best
// of --repeat runs on data encoded once; parse+encode is timed separately.
//   npm run build && node bench/unsupervised/assoc-bench.mjs [--repeat N] [--datasets DIR] [--peer DIR]
// --peer DIR: a folder whose node_modules holds node-fpgrowth (npm i node-fpgrowth@1.2.1 there),
// timed on the same baskets as a JavaScript peer. mlxtend (Python) is not installable here.
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { performance } from "node:perf_hooks";
import * as assoc from "../../dist/src/assoc/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repeat = Number(option("--repeat", "5"));
const root = option("--datasets", process.env.LANTERN_DATASETS ?? new URL("../../../shared/datasets", import.meta.url).pathname);
const peerDir = option("--peer", undefined);
const FPGrowthPeer = peerDir ? createRequire(resolve(peerDir, "package.json"))("node-fpgrowth").FPGrowth : undefined;

const CASES = [
  { name: "groceries", file: "groceries/groceries.csv", expected: [[99, 333], [50, 1001], [10, 13492]] },
  { name: "retail", file: "retail-fimi/retail.dat", expected: [[882, 159], [441, 580], [88, 7712]] },
];

// Best wall time and best CPU time (user + system) over the repeats: on a shared, loaded machine
// the CPU time is the steadier of the two.
async function best(fn) {
  let fastest = Infinity;
  let leastCpu = Infinity;
  let result;
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    result = await fn();
    const used = process.cpuUsage(cpu);
    fastest = Math.min(fastest, performance.now() - start);
    leastCpu = Math.min(leastCpu, (used.user + used.system) / 1000);
  }
  return { ms: fastest, cpuMs: leastCpu, result };
}

const rows = [];
for (const c of CASES) {
  const path = join(root, c.file);
  if (!existsSync(path)) {
    console.error(`skip ${c.name}: ${path} not found`);
    continue;
  }
  const text = readFileSync(path, "utf8");
  const parse = await best(() => assoc.encodeTransactions(assoc.parseBaskets(text)));
  rows.push([c.name, "-", "parse + encode", parse.result.nTransactions + " baskets", parse.ms.toFixed(1), parse.cpuMs.toFixed(1), "-"]);
  const data = parse.result;
  const baskets = assoc.parseBaskets(text);
  console.error(`${c.name}: ${data.nTransactions} baskets, ${data.items.length} items, parse+encode ${parse.ms.toFixed(1)} ms`);
  for (const [minCount, expected] of c.expected) {
    const runs = assoc.ALGORITHMS.map((algorithm) => [algorithm, () => assoc.frequentItemsets(data, { minSupport: minCount, algorithm })]);
    // the peer takes a fraction; half a basket below the count keeps its float threshold unambiguous
    if (FPGrowthPeer) runs.push(["node-fpgrowth", () => new FPGrowthPeer((minCount - 0.5) / data.nTransactions).exec(baskets)]);
    for (const [algorithm, run] of runs) {
      const { ms, cpuMs, result } = await best(run);
      const check = result.length === expected ? "ok" : `MISMATCH (expected ${expected})`;
      rows.push([c.name, minCount, algorithm, result.length, ms.toFixed(1), cpuMs.toFixed(1), check]);
      console.error(`  min count ${minCount} ${algorithm.padEnd(13)} ${String(result.length).padStart(6)} itemsets ${ms.toFixed(1).padStart(8)} ms wall ${cpuMs.toFixed(1).padStart(8)} ms cpu  ${check}`);
    }
  }
}
console.log(`| dataset | min count | algorithm | itemsets | wall ms (best of ${repeat}) | CPU ms (best of ${repeat}) | count check |\n| --- | --- | --- | --- | --- | --- | --- |`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
