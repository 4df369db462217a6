import { basename } from "node:path";
import { Command, Option } from "commander";
import { elbowCurve, KMeans, silhouetteScore } from "../../cluster/index.js";
import type { KMeansAlgorithm } from "../../cluster/index.js";
import type { NumericTable } from "../../io/table.js";
import { lineChart } from "../../plot/index.js";
import { InputError } from "../errors.js";
import { fixed, formatTable, printJson, writeFileAtomic } from "../output.js";
import { addTableOptions, csvField, integerFlag, numberFlag, readFeatures } from "../options.js";
import type { TableFlags } from "../options.js";

/** Checks a cluster count flag against the table's number of samples. */
export function clusterCount(flag: string, value: string, file: string, samples: number): number {
  const k = integerFlag(flag, value, 1);
  if (k > samples) throw new InputError(`${flag}: ${file} has ${samples} samples, so at most ${samples} clusters, got ${k}`);
  return k;
}

/** Samples per cluster. */
export function clusterSizes(labels: ArrayLike<number>, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < labels.length; i++) sizes[labels[i]]++;
  return sizes;
}

/**
 * Writes one line per sample: the given columns, then the table's label column when it has one
 * (so each assignment can be read next to the sample's own label).
 */
export function writeAssignments(path: string, table: NumericTable, header: string[], row: (i: number) => (string | number)[]): void {
  const label = table.labels;
  const names = label ? [...header, table.labelColumn as string] : header;
  const lines = Array.from({ length: table.rows }, (_, i) => [...row(i).map(String), ...(label ? [label[i]] : [])].map(csvField).join(","));
  writeFileAtomic(path, `${names.map(csvField).join(",")}\n${lines.join("\n")}\n`);
}

/** Four significant decimals, exponent form for very large or small values. */

interface KMeansFlags extends TableFlags {
  k?: string;
  init: "k-means++" | "random";
  nInit?: string;
  algorithm: KMeansAlgorithm;
  maxIter: string;
  tol: string;
  seed: string;
  elbow?: string;
  plot?: string;
  silhouette?: boolean;
  out?: string;
  json?: boolean;
}

export function kmeansCommand(): Command {
  const command = new Command("kmeans")
    .description("k-means clustering of a numeric CSV/TSV table (one sample per row), as scikit-learn's KMeans")
    .argument("<file>", "numeric table; a header line is detected when a first-line cell is not a number")
    .option("--k <n>", "number of clusters (required unless --elbow)")
    .addOption(new Option("--init <method>", "seeding").choices(["k-means++", "random"]).default("k-means++"))
    .option("--n-init <n>", "restarts, the lowest inertia kept (default: 1 for k-means++, 10 for random)")
    .addOption(new Option("--algorithm <a>", "Elkan (triangle-inequality bounds) or Lloyd; same result").choices(["elkan", "lloyd"]).default("elkan"))
    .option("--max-iter <n>", "iterations per run", "300")
    .option("--tol <x>", "stop when the squared center shift is below tol x mean feature variance", "1e-4")
    .option("--seed <n>", "random seed", "0")
    .option("--elbow <range>", "also fit every k in a range such as 1..10 and report inertia against k")
    .option("--plot <svg>", "with --elbow: write the elbow chart (inertia against k)")
    .option("--silhouette", "report the mean silhouette coefficient (O(n^2) time)");
  addTableOptions(command);
  return command
    .option("--out <csv>", "write each sample's cluster (one line per sample)")
    .option("--json", "print one JSON document on stdout")
    .action((file: string, flags: KMeansFlags) => runKMeans(file, flags));
}

/** "1..10" or "2-8" to [first, last]. */
function kRange(value: string, samples: number, file: string): [number, number] {
  const match = /^\s*(\d+)\s*(?:\.\.|-)\s*(\d+)\s*$/.exec(value);
  if (!match) throw new InputError(`--elbow: expected a range of cluster counts such as 1..10, got "${value}"`);
  const [lo, hi] = [Number(match[1]), Number(match[2])];
  if (lo < 1 || hi < lo) throw new InputError(`--elbow: expected 1 <= first <= last, got "${value}"`);
  if (hi > samples) throw new InputError(`--elbow: ${file} has ${samples} samples, so k can be at most ${samples}, got "${value}"`);
  return [lo, hi];
}

function runKMeans(file: string, flags: KMeansFlags): void {
  if (flags.k === undefined && flags.elbow === undefined) throw new InputError("kmeans: give --k <n> (the number of clusters) or --elbow <range>");
  if (flags.plot !== undefined && flags.elbow === undefined) throw new InputError("--plot: draws the elbow chart, so it needs --elbow <range>");
  const { table, x } = readFeatures(file, flags);
  const { rows, cols } = table;
  const k = flags.k === undefined ? undefined : clusterCount("--k", flags.k, file, rows);
  const options = {
    init: flags.init,
    nInit: flags.nInit === undefined ? ("auto" as const) : integerFlag("--n-init", flags.nInit),
    algorithm: flags.algorithm,
    maxIter: integerFlag("--max-iter", flags.maxIter),
    tol: numberFlag("--tol", flags.tol, (v) => v >= 0, "a number >= 0"),
    seed: integerFlag("--seed", flags.seed, 0),
  };
  const range = flags.elbow === undefined ? undefined : kRange(flags.elbow, rows, file);
  const outputs: Record<string, string> = {};
  const result: Record<string, unknown> = { file, samples: rows, features: cols, columns: table.columns, ...options };

  if (range) {
    const elbow = elbowCurve(x, range[0], range[1], {
      ...options,
      onProgress: (p) => console.error(`kmeans --elbow: k=${p.k} inertia=${fixed(p.inertia)} (${p.nIter} iterations)`),
    });
    result.elbow = elbow;
    if (flags.plot) {
      const suggestion = elbow.elbow === null ? "" : ` (elbow at k = ${elbow.elbow})`;
      writeFileAtomic(flags.plot, lineChart([{ name: "inertia", x: elbow.curve.map((p) => p.k), y: elbow.curve.map((p) => p.inertia) }], {
        title: `Elbow: ${basename(file)}${suggestion}`, xLabel: "number of clusters k", yLabel: "inertia (sum of squared distances)",
      }));
      outputs.plot = flags.plot;
    }
  }
  let fitted: KMeans | undefined;
  if (k !== undefined) {
    fitted = new KMeans({ nClusters: k, ...options }).fit(x);
    const sizes = clusterSizes(fitted.labels, k);
    Object.assign(result, {
      k, inertia: fitted.inertia, nIter: fitted.nIter, sizes,
      centers: fitted.clusterCenters.tolist(), labels: Array.from(fitted.labels),
    });
    if (flags.silhouette) {
      if (k < 2 || k >= rows) throw new InputError(`--silhouette: needs 2 <= k <= samples - 1 (${rows - 1}), got k = ${k}`);
      result.silhouette = silhouetteScore(x, fitted.labels);
    }
    if (flags.out) {
      const labels = fitted.labels;
      writeAssignments(flags.out, table, ["cluster"], (i) => [labels[i]]);
      outputs.out = flags.out;
    }
  }
  result.outputs = outputs;
  if (flags.json) {
    printJson(result);
    return;
  }
  console.log(`k-means of ${file}: ${rows} samples x ${cols} features (${options.algorithm}, init ${options.init}, seed ${options.seed})\n`);
  const elbow = result.elbow as ReturnType<typeof elbowCurve> | undefined;
  if (elbow) {
    console.log(formatTable(["k", "inertia", "iterations"], elbow.curve.map((p) => [p.k, fixed(p.inertia), p.nIter])));
    console.log(`\nelbow (largest gap below the chord): ${elbow.elbow ?? "none (need 3 or more k with falling inertia)"}`);
    if (fitted) console.log("");
  }
  if (fitted && k !== undefined) {
    const centers = fitted.clusterCenters.toArray();
    const sizes = result.sizes as number[];
    console.log(formatTable(["cluster", "size", ...table.columns], sizes.map((size, j) => [j, size, ...Array.from(centers.subarray(j * cols, (j + 1) * cols), fixed)])));
    console.log(`\ninertia ${fixed(fitted.inertia)} after ${fitted.nIter} iterations`);
    if (result.silhouette !== undefined) console.log(`silhouette ${fixed(result.silhouette as number)}`);
  }
  if (Object.keys(outputs).length > 0) console.log("");
  for (const [what, path] of Object.entries(outputs)) console.log(`wrote ${what}: ${path}`);
}
