import { Command } from "commander";
import { readNumericTable } from "../io/table.js";
import type { NumericTable } from "../io/table.js";
import { Tensor } from "../tensor/tensor.js";
import { InputError } from "./errors.js";

/** Parses a numeric flag value, naming the flag when it is not a number in range. */
export function numberFlag(flag: string, value: string, check: (v: number) => boolean = () => true, expected = "a number"): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed) || !check(parsed)) throw new InputError(`${flag}: expected ${expected}, got "${value}"`);
  return parsed;
}

export const integerFlag = (flag: string, value: string, min = 1): number =>
  numberFlag(flag, value, (v) => Number.isInteger(v) && v >= min, `an integer >= ${min}`);

/** Options every command that reads a numeric table shares. */
export interface TableFlags {
  columns?: string;
  labelColumn?: string;
  delimiter?: string;
}

export function addTableOptions(command: Command): Command {
  return command
    .option("--columns <list>", "comma-separated feature columns, by header name or 1-based position (default: all but --label-column)")
    .option("--label-column <col>", "a column that is not a feature (e.g. a class label): left out, and used to colour --scatter")
    .option("--delimiter <d>", 'field separator (default: "\\t" for .tsv, "," for .csv, else guessed)');
}

/** Reads FILE's feature columns (and the optional label column) as the flags select. */
export function readFeatures(file: string, flags: TableFlags): { table: NumericTable; x: Tensor } {
  const table = readNumericTable(file, {
    delimiter: flags.delimiter === "\\t" ? "\t" : flags.delimiter,
    columns: flags.columns?.split(",").map((c) => c.trim()),
    labelColumn: flags.labelColumn,
  });
  return { table, x: Tensor.fromTypedArray(table.data, [table.rows, table.cols]) };
}

/** Quotes a CSV field when it holds a comma, quote or line break (RFC 4180). */
export const csvField = (text: string) => (/[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
