import { basename } from "node:path";
import { Command } from "commander";
import { svdvals } from "../../linalg/index.js";
import { capturedEnergy } from "../../linalg/low-rank.js";
import { barChart } from "../../plot/index.js";
import { InputError } from "../errors.js";
import { formatTable, printJson, writeFileAtomic } from "../output.js";
import { addTableOptions, integerFlag, readFeatures } from "../options.js";
import type { TableFlags } from "../options.js";

interface SvdFlags extends TableFlags {
  rank?: string;
  top: string;
  plot?: string;
  json?: boolean;
}

const EPS = 2 ** -52;

export function svdCommand(): Command {
  const command = new Command("svd")
    .description("singular values of a numeric CSV/TSV table and the energy a rank-k approximation keeps")
    .argument("<file>", "numeric table (rows x columns); a header line is detected when a first-line cell is not a number")
    .option("--rank <k>", "report the rank-k truncation: energy captured (sum of the k largest s^2 over all) and relative error")
    .option("--top <n>", "singular values to list in the table", "20");
  addTableOptions(command);
  return command
    .option("--plot <svg>", "write the scree chart: energy share per singular value with the cumulative line")
    .option("--json", "print one JSON document on stdout")
    .action((file: string, flags: SvdFlags) => runSvd(file, flags));
}

function runSvd(file: string, flags: SvdFlags): void {
  const { table, x } = readFeatures(file, flags);
  const [rows, cols] = x.shape;
  const s = Array.from(svdvals(x).toArray());
  const full = s.length;
  const rank = flags.rank === undefined ? undefined : integerFlag("--rank", flags.rank, 0);
  if (rank !== undefined && rank > full) throw new InputError(`--rank: ${file} is ${rows}x${cols}, so its rank is at most ${full}, got ${rank}`);
  const top = integerFlag("--top", flags.top, 1);
  const energy = s.map((_, i) => capturedEnergy(s, i + 1));
  // numpy.linalg.matrix_rank's tolerance: S.max() * max(M, N) * eps.
  const tolerance = (s[0] ?? 0) * Math.max(rows, cols) * EPS;
  const numericalRank = s.filter((v) => v > tolerance).length;
  const total = s.reduce((a, b) => a + b, 0);
  const truncation = rank === undefined ? null : {
    rank,
    energy: capturedEnergy(s, rank),
    relativeError: Math.sqrt(Math.max(0, 1 - capturedEnergy(s, rank))),
    // The notes' measure: the share of the plain sum of singular values.
    singularValueShare: total === 0 ? 1 : s.slice(0, rank).reduce((a, b) => a + b, 0) / total,
  };
  if (flags.plot) {
    const squares = s.reduce((a, v) => a + v * v, 0);
    const share = s.map((v) => (squares === 0 ? 0 : (v * v) / squares));
    writeFileAtomic(flags.plot, barChart(s.map((_, i) => String(i + 1)), share, {
      title: `Singular value energy: ${basename(file)}`, xLabel: "singular value", yLabel: "share of squared Frobenius norm",
      barName: "s_i^2 share", yDomain: [0, 1], lines: [{ name: "cumulative", values: energy }],
    }));
  }
  if (flags.json) {
    printJson({ file, rows, cols, columns: table.columns, singularValues: s, cumulativeEnergy: energy, numericalRank, truncation, outputs: flags.plot ? { plot: flags.plot } : {} });
    return;
  }
  console.log(`SVD of ${file}: ${rows} x ${cols}, numerical rank ${numericalRank}\n`);
  const shown = s.slice(0, top);
  console.log(formatTable(["k", "singular value", "energy captured"], shown.map((v, i) => [i + 1, v.toPrecision(6), energy[i].toFixed(6)])));
  if (full > top) console.log(`(${full - top} more; --top ${full} lists all)`);
  if (truncation) {
    console.log(`\nrank ${rank}: energy captured ${(100 * truncation.energy).toFixed(4)}% (sum of the ${rank} largest s^2 / sum of all s^2)`);
    console.log(`relative Frobenius error of the rank-${rank} approximation: ${truncation.relativeError.toPrecision(6)}`);
    console.log(`share of the sum of singular values: ${(100 * truncation.singularValueShare).toFixed(4)}%`);
  }
  if (flags.plot) console.log(`\nwrote plot: ${flags.plot}`);
}
