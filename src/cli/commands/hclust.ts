import { basename } from "node:path";
import { Command, Option } from "commander";
import { Agglomerative, dendrogramSvg, LINKAGE_METHODS } from "../../cluster/index.js";
import type { LinkageMethod } from "../../cluster/index.js";
import { InputError } from "../errors.js";
import { fixed, formatTable, printJson, writeFileAtomic } from "../output.js";
import { addTableOptions, numberFlag, readFeatures } from "../options.js";
import type { TableFlags } from "../options.js";
import { clusterCount, clusterSizes, writeAssignments } from "./kmeans.js";

interface HclustFlags extends TableFlags {
  linkage: LinkageMethod;
  k?: string;
  threshold?: string;
  svg?: string;
  out?: string;
  json?: boolean;
}

export function hclustCommand(): Command {
  const command = new Command("hclust")
    .description("hierarchical agglomerative clustering of a numeric CSV/TSV table (SciPy's linkage and fcluster)")
    .argument("<file>", "numeric table; a header line is detected when a first-line cell is not a number")
    .addOption(new Option("--linkage <method>", "merge criterion").choices(LINKAGE_METHODS as LinkageMethod[]).makeOptionMandatory())
    .option("--k <n>", "cut the tree into (at most) this many clusters")
    .option("--threshold <t>", "or cut it at this merge distance (clusters of cophenetic distance <= t)");
  addTableOptions(command);
  return command
    .option("--svg <file>", "write the dendrogram with the cut line")
    .option("--out <csv>", "write each sample's cluster (one line per sample)")
    .option("--json", "print one JSON document on stdout (includes the linkage matrix)")
    .action((file: string, flags: HclustFlags) => runHclust(file, flags));
}

function runHclust(file: string, flags: HclustFlags): void {
  if ((flags.k === undefined) === (flags.threshold === undefined)) throw new InputError("hclust: give exactly one of --k <n> or --threshold <t>");
  const { table, x } = readFeatures(file, flags);
  const { rows, cols } = table;
  if (rows < 2) throw new InputError(`${file}: hierarchical clustering needs at least 2 samples, the table has ${rows}`);
  const k = flags.k === undefined ? undefined : clusterCount("--k", flags.k, file, rows);
  const threshold = flags.threshold === undefined ? undefined : numberFlag("--threshold", flags.threshold, (v) => v >= 0, "a distance >= 0");
  if (rows >= 5000) {
    const pairs = (rows * (rows - 1)) / 2;
    console.error(`hclust: ${rows} samples: ${pairs.toLocaleString("en-US")} pairwise distances (${((pairs * 8) / 2 ** 30).toFixed(2)} GiB), then ${rows - 1} merges`);
  }
  const agg = new Agglomerative({ linkage: flags.linkage, nClusters: k, distanceThreshold: threshold }).fit(x);
  const labels = agg.labels;
  const clusters = agg.nClustersFound;
  const sizes = clusterSizes(labels, clusters);
  const Z = agg.linkageMatrix.tolist() as number[][];
  const outputs: Record<string, string> = {};
  if (flags.svg) {
    const cut = k === undefined ? `cut at ${threshold}` : `${clusters} clusters`;
    writeFileAtomic(flags.svg, dendrogramSvg(Z, {
      cutHeight: agg.cutHeight, labels: table.labels ?? undefined, title: `${flags.linkage} linkage: ${basename(file)} (${cut})`,
    }));
    outputs.svg = flags.svg;
  }
  if (flags.out) {
    writeAssignments(flags.out, table, ["cluster"], (i) => [labels[i]]);
    outputs.out = flags.out;
  }
  if (flags.json) {
    printJson({
      file, samples: rows, features: cols, columns: table.columns, linkage: flags.linkage, k: k ?? null, threshold: threshold ?? null,
      nClusters: clusters, cutHeight: agg.cutHeight, sizes, labels: Array.from(labels), linkageMatrix: Z, outputs,
    });
    return;
  }
  console.log(`${flags.linkage} linkage of ${file}: ${rows} samples x ${cols} features -> ${clusters} clusters (cut at height ${fixed(agg.cutHeight)})\n`);
  console.log(formatTable(["cluster", "size"], sizes.map((s, j) => [j, s])));
  const last = Z.slice(-Math.min(10, Z.length)).reverse();
  console.log(`\nlast merges (SciPy numbering: observations 0..${rows - 1}, merge r forms cluster ${rows} + r):\n`);
  console.log(formatTable(["merge", "cluster a", "cluster b", "distance", "size"], last.map((z, i) => [Z.length - 1 - i, z[0], z[1], fixed(z[2]), z[3]])));
  if (Object.keys(outputs).length > 0) console.log("");
  for (const [what, path] of Object.entries(outputs)) console.log(`wrote ${what}: ${path}`);
}
