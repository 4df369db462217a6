import { readFileSync } from "node:fs";
import { Tensor } from "../tensor/tensor.js";
import { DatasetError } from "./errors.js";
import { TensorDataset } from "./tensor-dataset.js";

export interface CsvDatasetOptions {
  /** The target column, by header name or 0-based position (default: the last column). */
  target?: string | number;
  /** "classification" (default): targets become int32 class indices; "regression": float32 values. */
  task?: "classification" | "regression";
  /** Whether the first line names the columns (default: when one of its cells is not a number). */
  header?: boolean;
  delimiter?: string;
}

export interface CsvDataset {
  dataset: TensorDataset;
  /** Names of the feature columns, in the order of the feature tensor's columns. */
  featureNames: string[];
  /** For classification, the class of each index: the sorted distinct target values. */
  classes: string[];
}

/** Splits one line at `delimiter`, honouring double-quoted fields with "" escapes (RFC 4180). */
function splitLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') cell += line[i++];
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell === "") quoted = true;
    else if (ch === delimiter) {
      cells.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  cells.push(cell.trim());
  return cells;
}

const isNumber = (s: string) => s !== "" && Number.isFinite(Number(s));

/**
 * A table of numeric features and one target column as a TensorDataset of [features float32 [F],
 * target]. Class targets may be names or numbers; they map to indices in sorted order (numbers
 * numerically), so "0".."9" keep their values.
 */
export function csvDataset(path: string, opts: CsvDatasetOptions = {}): CsvDataset {
  const text = readFileSync(path, "utf8");
  const delimiter = opts.delimiter ?? (path.endsWith(".tsv") ? "\t" : ",");
  const lines = text.split(/\r?\n/).map((l, i) => ({ cells: splitLine(l, delimiter), line: i + 1, empty: l.trim() === "" })).filter((l) => !l.empty);
  if (lines.length === 0) throw new DatasetError(`${path}: the file has no rows`, path);
  const hasHeader = opts.header ?? lines[0].cells.some((c) => !isNumber(c));
  const width = lines[0].cells.length;
  const names = hasHeader ? lines[0].cells : lines[0].cells.map((_, i) => String(i));
  const rows = hasHeader ? lines.slice(1) : lines;
  const target = typeof opts.target === "string" ? names.indexOf(opts.target) : opts.target ?? width - 1;
  if (!Number.isInteger(target) || target < 0 || target >= width) {
    throw new DatasetError(`${path}: target column ${JSON.stringify(opts.target)} not found (columns: ${names.join(", ")})`, path);
  }
  const featureCols = names.map((_, i) => i).filter((i) => i !== target);
  const features = new Float32Array(rows.length * featureCols.length);
  const rawTargets: string[] = [];
  rows.forEach(({ cells, line }, r) => {
    if (cells.length !== width) throw new DatasetError(`${path}:${line}: ${cells.length} cells, expected ${width} like the first line`, path);
    featureCols.forEach((c, f) => {
      if (!isNumber(cells[c])) throw new DatasetError(`${path}:${line}: column ${names[c]} holds ${JSON.stringify(cells[c])}, expected a number`, path);
      features[r * featureCols.length + f] = Number(cells[c]);
    });
    rawTargets.push(cells[target]);
  });
  const x = Tensor.fromTypedArray(features, [rows.length, featureCols.length]);
  const featureNames = featureCols.map((c) => names[c]);
  if (opts.task === "regression") {
    const bad = rawTargets.findIndex((t) => !isNumber(t));
    if (bad >= 0) throw new DatasetError(`${path}:${rows[bad].line}: target ${JSON.stringify(rawTargets[bad])} is not a number`, path);
    return { dataset: new TensorDataset(x, Tensor.fromTypedArray(Float32Array.from(rawTargets, Number), [rows.length])), featureNames, classes: [] };
  }
  const numeric = rawTargets.every(isNumber);
  const classes = [...new Set(rawTargets)].sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = Tensor.fromTypedArray(Int32Array.from(rawTargets, (t) => index.get(t) as number), [rows.length]);
  return { dataset: new TensorDataset(x, y), featureNames, classes };
}
