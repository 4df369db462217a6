import { Command } from "commander";
import { FuzzyCMeans } from "../../cluster/index.js";
import { fixed, formatTable, printJson } from "../output.js";
import { addTableOptions, integerFlag, numberFlag, readFeatures } from "../options.js";
import type { TableFlags } from "../options.js";
import { clusterCount, clusterSizes, writeAssignments } from "./kmeans.js";

interface FcmFlags extends TableFlags {
  k: string;
  m: string;
  maxIter: string;
  tol: string;
  seed: string;
  out?: string;
  json?: boolean;
}

export function fcmCommand(): Command {
  const command = new Command("fcm")
    .description("fuzzy c-means: soft clustering of a numeric CSV/TSV table, each sample a membership per cluster")
    .argument("<file>", "numeric table; a header line is detected when a first-line cell is not a number")
    .requiredOption("--k <n>", "number of clusters")
    .option("--m <x>", "fuzzifier, > 1: near 1 almost hard clusters, larger is fuzzier", "2")
    .option("--max-iter <n>", "iterations", "300")
    .option("--tol <x>", "stop when no membership changes by more than this", "1e-5")
    .option("--seed <n>", "seed of the random initial memberships", "0");
  addTableOptions(command);
  return command
    .option("--out <csv>", "write each sample's memberships and most likely cluster")
    .option("--json", "print one JSON document on stdout")
    .action((file: string, flags: FcmFlags) => runFcm(file, flags));
}

function runFcm(file: string, flags: FcmFlags): void {
  const { table, x } = readFeatures(file, flags);
  const { rows, cols } = table;
  const k = clusterCount("--k", flags.k, file, rows);
  const m = numberFlag("--m", flags.m, (v) => v > 1, "a number > 1");
  const fcm = new FuzzyCMeans({
    nClusters: k, m,
    maxIter: integerFlag("--max-iter", flags.maxIter),
    tol: numberFlag("--tol", flags.tol, (v) => v >= 0, "a number >= 0"),
    seed: integerFlag("--seed", flags.seed, 0),
  }).fit(x);
  const u = fcm.membership.toArray();
  const labels = fcm.labels;
  const sizes = clusterSizes(labels, k);
  const outputs: Record<string, string> = {};
  if (flags.out) {
    const names = Array.from({ length: k }, (_, j) => `membership${j}`);
    writeAssignments(flags.out, table, [...names, "cluster"], (i) => [...Array.from(u.subarray(i * k, (i + 1) * k), String), labels[i]]);
    outputs.out = flags.out;
  }
  const centers = fcm.centers.toArray();
  if (flags.json) {
    printJson({
      file, samples: rows, features: cols, columns: table.columns, k, m, seed: Number(flags.seed),
      fpc: fcm.fpc, objective: fcm.objective, nIter: fcm.nIter, sizes,
      centers: fcm.centers.tolist(), membership: fcm.membership.tolist(), labels: Array.from(labels), outputs,
    });
    return;
  }
  console.log(`fuzzy c-means of ${file}: ${rows} samples x ${cols} features, ${k} clusters, m = ${m}\n`);
  console.log(formatTable(["cluster", "samples (highest membership)", ...table.columns], sizes.map((s, j) => [j, s, ...Array.from(centers.subarray(j * cols, (j + 1) * cols), fixed)])));
  console.log(`\nfuzzy partition coefficient ${fixed(fcm.fpc)} (1 = hard partition, ${fixed(1 / k)} = fuzziest)`);
  console.log(`objective J_m ${fixed(fcm.objective)} after ${fcm.nIter} iterations`);
  if (Object.keys(outputs).length > 0) console.log("");
  for (const [what, path] of Object.entries(outputs)) console.log(`wrote ${what}: ${path}`);
}
