#!/usr/bin/env node
// Frequent-itemset mining on the shared market-basket datasets: every algorithm at the minimum
// counts whose itemset totals mlxtend 0.25.0 published (see the datasets' README.md files).
// Usage: npm run build && node bench/unsupervised/assoc-bench.mjs [--repeat N] [--datasets DIR]
import { readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import * as assoc from "../../dist/src/assoc/index.js";

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const repeat = Number(option("--repeat", "5"));
const root = option("--datasets", new URL("../../../shared/datasets", import.meta.url).pathname);

const CASES = [
  { name: "groceries", file: "groceries/groceries.csv", expected: { 99: 333, 50: 1001, 10: 13492 } },
  { name: "retail", file: "retail-fimi/retail.dat", expected: { 882: 159, 441: 580, 88: 7712 } },
];

function best(fn) {
  let fastest = Infinity;
  let result;
  for (let r = 0; r < repeat; r++) {
    const start = performance.now();
    result = fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, result };
}

const rows = [];
for (const c of CASES) {
  const path = join(root, c.file);
  if (!existsSync(path)) {
    console.error(`skip ${c.name}: ${path} not found`);
    continue;
  }
  const text = readFileSync(path, "utf8");
  const parse = best(() => assoc.encodeTransactions(assoc.parseBaskets(text)));
  const data = parse.result;
  console.log(`${c.name}: ${data.nTransactions} baskets, ${data.items.length} items, parse+encode ${parse.ms.toFixed(1)} ms`);
  for (const [minCount, expected] of Object.entries(c.expected)) {
    for (const algorithm of assoc.ALGORITHMS) {
      const run = best(() => assoc.frequentItemsets(data, { minSupport: Number(minCount), algorithm }));
      const ok = run.result.length === expected ? "ok" : `MISMATCH (expected ${expected})`;
      rows.push([c.name, minCount, algorithm, run.result.length, run.ms.toFixed(1), ok]);
      console.log(`  min count ${minCount} ${algorithm.padEnd(8)} ${String(run.result.length).padStart(6)} itemsets ${run.ms.toFixed(1).padStart(8)} ms  ${ok}`);
    }
  }
}
console.log("\n| dataset | min count | algorithm | itemsets | best of " + repeat + " (ms) | check |\n| --- | --- | --- | --- | --- | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
