import { basename } from "node:path";
import { Command, Option } from "commander";
import { PCA } from "../../decomposition/index.js";
import type { PCASolver } from "../../decomposition/index.js";
import { readNumericTable } from "../../io/table.js";
import type { NumericTable } from "../../io/table.js";
import { barChart, scatterPlot } from "../../plot/index.js";
import { Tensor } from "../../tensor/tensor.js";
import { InputError } from "../errors.js";
import { addTableOptions, csvField, integerFlag, numberFlag, readFeatures } from "../options.js";
import type { TableFlags } from "../options.js";
import { fixed, formatTable, printJson, writeFileAtomic } from "../output.js";

const SOLVERS: PCASolver[] = ["auto", "full", "randomized", "covariance"];

interface PcaFlags extends TableFlags {
  components?: string;
  standardize?: boolean;
  whiten?: boolean;
  solver: PCASolver;
  seed?: string;
  plot?: string;
  scatter?: string;
  out?: string;
  json?: boolean;
}


export function pcaCommand(): Command {
  const command = new Command("pca")
    .description("principal component analysis of a numeric CSV/TSV table (one sample per row)")
    .argument("<file>", "numeric table; a header line is detected when a first-line cell is not a number")
    .option("--components <n>", "components to keep: an integer, or a fraction in (0, 1) of the variance to explain (default: all)")
    .option("--standardize", "z-score every column first: PCA of the correlation matrix instead of the covariance matrix")
    .option("--whiten", "scale the scores (--out, --scatter) to unit variance")
    .addOption(new Option("--solver <s>", "full (SVD), covariance (eigh of X^T X), randomized, or auto").choices(SOLVERS).default("auto"))
    .option("--seed <n>", "seed of the randomized solver");
  addTableOptions(command);
  return command
    .option("--plot <svg>", "write the explained-variance chart (bars per component, cumulative line)")
    .option("--scatter <svg>", "write a scatter plot of the first two principal components")
    .option("--out <csv>", "write the transformed data (one row per sample: PC1..PCk)")
    .option("--json", "print one JSON document on stdout")
    .action((file: string, flags: PcaFlags) => runPca(file, flags));
}

function runPca(file: string, flags: PcaFlags): void {
  const { table, x } = readFeatures(file, flags);
  const [rows, cols] = x.shape;
  const labels = table.labels;
  const components = flags.components === undefined ? undefined
    : numberFlag("--components", flags.components, (v) => (v > 0 && v < 1) || (Number.isInteger(v) && v >= 1), "an integer >= 1 or a fraction in (0, 1)");
  const maxComponents = Math.min(rows, cols);
  if (components !== undefined && components >= 1 && components > maxComponents) {
    throw new InputError(`--components: ${file} has ${rows} samples and ${cols} features, so at most ${maxComponents} components, got ${components}`);
  }
  if (rows < 2) throw new InputError(`${file}: PCA needs at least 2 samples, the table has ${rows}`);
  const seed = flags.seed === undefined ? 0 : integerFlag("--seed", flags.seed, 0);
  const pca = new PCA({ nComponents: components, standardize: flags.standardize, whiten: flags.whiten, solver: flags.solver, seed });
  const scores = pca.fitTransform(x);
  const k = pca.nComponentsFitted;
  // Checked before any file is written, so a failure leaves no partial set of outputs.
  if (flags.scatter && k < 2) throw new InputError(`--scatter: needs at least 2 components, --components gave ${k}`);
  const ratio = Array.from(pca.explainedVarianceRatio.toArray());
  const cumulative = ratio.map((_, i) => ratio.slice(0, i + 1).reduce((a, b) => a + b, 0));
  const names = Array.from({ length: k }, (_, i) => `PC${i + 1}`);
  const outputs: Record<string, string> = {};
  if (flags.plot) {
    writeFileAtomic(flags.plot, barChart(names, ratio, {
      title: `Explained variance: ${basename(file)}`, xLabel: "component", yLabel: "share of variance", barName: "explained", yDomain: [0, 1],
      lines: [{ name: "cumulative", values: cumulative }],
    }));
    outputs.plot = flags.plot;
  }
  const s = scores.toArray();
  if (flags.scatter) {
    const pc1 = Float64Array.from({ length: rows }, (_, i) => s[i * k]);
    const pc2 = Float64Array.from({ length: rows }, (_, i) => s[i * k + 1]);
    writeFileAtomic(flags.scatter, scatterPlot(pc1, pc2, {
      title: `First two principal components: ${basename(file)}`, groups: labels ?? undefined,
      xLabel: `PC1 (${(100 * ratio[0]).toFixed(1)}%)`, yLabel: `PC2 (${(100 * ratio[1]).toFixed(1)}%)`,
    }));
    outputs.scatter = flags.scatter;
  }
  if (flags.out) {
    const header = [...names, ...(labels ? [table.labelColumn!] : [])].map(csvField).join(",");
    const lines = Array.from({ length: rows }, (_, i) => [...Array.from(s.subarray(i * k, (i + 1) * k), String), ...(labels ? [csvField(labels[i])] : [])].join(","));
    writeFileAtomic(flags.out, `${header}\n${lines.join("\n")}\n`);
    outputs.out = flags.out;
  }
  const componentRows = Array.from({ length: k }, (_, i) => Array.from(pca.components.toArray().subarray(i * cols, (i + 1) * cols)));
  if (flags.json) {
    printJson({
      file, samples: rows, features: cols, columns: table.columns, solver: pca.solverUsed,
      standardize: Boolean(flags.standardize), whiten: Boolean(flags.whiten), nComponents: k,
      explainedVariance: Array.from(pca.explainedVariance.toArray()), explainedVarianceRatio: ratio, cumulativeRatio: cumulative,
      singularValues: Array.from(pca.singularValues.toArray()), noiseVariance: pca.noiseVariance,
      mean: Array.from(pca.mean.toArray()), scale: pca.scale ? Array.from(pca.scale.toArray()) : null,
      components: componentRows, outputs,
    });
    return;
  }
  const kind = flags.standardize ? "correlation (standardized)" : "covariance";
  console.log(`PCA of ${file}: ${rows} samples x ${cols} features, ${kind} PCA, solver ${pca.solverUsed}\n`);
  const variance = pca.explainedVariance.toArray();
  console.log(formatTable(["component", "explained variance", "ratio", "cumulative"], names.map((n, i) => [n, fixed(variance[i]), fixed(ratio[i]), fixed(cumulative[i])])));
  console.log(`\nloadings (components as rows of the feature weights):\n`);
  console.log(formatTable(["feature", ...names], table.columns.map((c, j) => [c, ...componentRows.map((row) => fixed(row[j]))])));
  if (Object.keys(outputs).length > 0) console.log("");
  for (const [what, path] of Object.entries(outputs)) console.log(`wrote ${what}: ${path}`);
}
