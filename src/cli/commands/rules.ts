import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { performance } from "node:perf_hooks";
import { Command, Option } from "commander";
import {
  ALGORITHMS,
  associationRules,
  encodeTransactions,
  frequentItemsets,
  parseBaskets,
  parseTidy,
  resolveMetric,
  resolveMinCount,
  TransactionFormatError,
  type Algorithm,
  type AssociationRule,
  type FrequentItemset,
  type RuleMetric,
} from "../../assoc/index.js";
import { InputError } from "../errors.js";
import { formatTable, printJson, writeFileAtomic } from "../output.js";

interface RulesOptions {
  minSupport?: string;
  minCount?: string;
  minConfidence?: string;
  metric?: string;
  minThreshold?: string;
  algorithm: Algorithm;
  maxLength?: string;
  format: "baskets" | "tidy";
  delimiter?: string;
  transactionColumn?: string;
  itemColumn?: string;
  itemsetsOnly?: boolean;
  top: string;
  out?: string;
  json?: boolean;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (value.trim() === "" || Number.isNaN(parsed)) throw new InputError(`${flag}: expected a number, got "${value}"`);
  return parsed;
}

/** Library argument errors, re-worded with the flag the user typed. */
function asFlagError<T>(flag: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new InputError(`${flag}: ${error.message.replace(/^\w+: /, "")}`);
    throw error;
  }
}

function readTransactions(file: string, opts: RulesOptions): string[][] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${file}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory, expected a transactions file" : (error as Error).message}`);
  }
  try {
    return opts.format === "tidy"
      ? parseTidy(text, { delimiter: opts.delimiter, transactionColumn: opts.transactionColumn, itemColumn: opts.itemColumn })
      : parseBaskets(text, { delimiter: opts.delimiter });
  } catch (error) {
    if (error instanceof TransactionFormatError) {
      const expected = opts.format === "tidy" ? "a tidy CSV (header, then one transaction,item pair per row)" : "one basket per line";
      throw new InputError(`${file}: ${error.message} (expected ${expected})`);
    }
    if (error instanceof RangeError) throw new InputError(`--delimiter: ${error.message.replace(/^\w+: /, "")}`);
    throw error;
  }
}

/** JSON has no Infinity: conviction of a rule with confidence 1 is written "inf", as pandas writes it to CSV. */
function finite(value: number): number | string {
  return Number.isFinite(value) ? value : value > 0 ? "inf" : "-inf";
}

function csvField(value: string | number): string {
  const text = typeof value === "number" ? String(finite(value)) : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Items of one itemset in one CSV field, separated by ";". */
function itemsField(items: readonly (string | number)[]): string {
  return items.join(";");
}

const RULE_COLUMNS = ["antecedentSupport", "consequentSupport", "support", "confidence", "lift", "leverage", "conviction", "zhangsMetric", "jaccard", "certainty", "kulczynski"] as const;

function itemsetsCsv(itemsets: FrequentItemset<string>[]): string {
  const rows = itemsets.map((s) => [itemsField(s.items), s.items.length, s.support, s.count].map(csvField).join(","));
  return ["items,length,support,count", ...rows].join("\n") + "\n";
}

function rulesCsv(rules: AssociationRule<string>[]): string {
  const rows = rules.map((r) => [itemsField(r.antecedent), itemsField(r.consequent), ...RULE_COLUMNS.map((c) => r[c])].map(csvField).join(","));
  return [["antecedent", "consequent", ...RULE_COLUMNS].join(","), ...rows].join("\n") + "\n";
}

const show = (items: readonly string[]) => `{${items.join(", ")}}`;
const fixed = (value: number) => (Number.isFinite(value) ? value.toFixed(4) : "inf");

export function rulesCommand(): Command {
  return new Command("rules")
    .description("frequent itemsets and association rules from market baskets (Apriori, FP-Growth or Eclat)")
    .argument("<file>", "transactions: one basket per line (items separated by commas, or by spaces when no line has a comma), or a tidy CSV with --format tidy")
    .option("--min-support <s>", "minimum support: a fraction in (0, 1] (1 = every basket) or an integer count > 1")
    .option("--min-count <n>", "minimum support as a number of baskets (an integer >= 1), instead of --min-support")
    .option("--min-confidence <c>", "keep rules with confidence >= c (default 0.8 when no --metric is given)")
    .option("--metric <m>", `filter rules on this metric instead (${RULE_COLUMNS.join(", ")}); needs --min-threshold`)
    .option("--min-threshold <t>", "keep rules whose --metric is >= t")
    .addOption(new Option("--algorithm <name>", "mining algorithm; all give the same itemsets").choices([...ALGORITHMS]).default("fpgrowth"))
    .option("--max-length <k>", "longest itemset to mine")
    .addOption(new Option("--format <format>", "input layout").choices(["baskets", "tidy"]).default("baskets"))
    .option("--delimiter <d>", "field separator: one character, or comma, semicolon, tab, space, whitespace (default: detected for baskets, comma for tidy)")
    .option("--transaction-column <name>", "tidy format: header of the transaction id column (default: first column)")
    .option("--item-column <name>", "tidy format: header of the item column (default: second column)")
    .option("--itemsets-only", "stop after the frequent itemsets, no rules")
    .option("--top <n>", "rows to print in the table (all rows go to --out / --json)", "20")
    .option("--out <file>", "write all itemsets (with --itemsets-only) or rules to FILE.csv, or everything to FILE.json")
    .option("--json", "print one JSON document on stdout (logs go to stderr)")
    .addHelpText(
      "after",
      "\nExamples:\n  lantern rules groceries.csv --min-support 0.01 --min-confidence 0.5\n  lantern rules retail.dat --min-support 88 --algorithm eclat --itemsets-only --out itemsets.csv\n  lantern rules orders.csv --format tidy --min-count 20 --metric lift --min-threshold 2 --json",
    )
    .action((file: string, opts: RulesOptions) => runRules(file, opts));
}

function runRules(file: string, opts: RulesOptions): void {
  const minSupport = number("--min-support", opts.minSupport);
  const minCount = number("--min-count", opts.minCount);
  if ((minSupport === undefined) === (minCount === undefined)) {
    throw new InputError(`rules: give exactly one of --min-support (fraction in (0, 1] or integer count > 1) and --min-count`);
  }
  // argument errors first, before any output about the file
  asFlagError(minCount !== undefined ? "--min-count" : "--min-support", () => resolveMinCount({ minSupport, minCount }, 1));
  const maxLength = number("--max-length", opts.maxLength);
  if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 1)) throw new InputError(`--max-length: expected an integer >= 1, got ${opts.maxLength}`);
  const top = number("--top", opts.top) as number;
  if (!Number.isInteger(top) || top < 0) throw new InputError(`--top: expected an integer >= 0, got "${opts.top}"`);
  if (opts.metric !== undefined && opts.minThreshold === undefined) throw new InputError(`--metric ${opts.metric}: also give --min-threshold`);
  const metric: RuleMetric = asFlagError("--metric", () => resolveMetric(opts.metric ?? "confidence"));
  const minConfidence = number("--min-confidence", opts.minConfidence);
  // --min-confidence alone sets the confidence threshold; beside another --metric it is a second filter
  const minThreshold = number("--min-threshold", opts.minThreshold) ?? minConfidence ?? 0.8;
  const alsoConfidence = minConfidence !== undefined && (metric !== "confidence" || opts.minThreshold !== undefined);
  const outExtension = opts.out === undefined ? undefined : extname(opts.out).toLowerCase();
  if (outExtension !== undefined && outExtension !== ".csv" && outExtension !== ".json") {
    throw new InputError(`--out ${opts.out}: expected a file ending in .csv or .json`);
  }
  const log = (line: string) => console.error(line);

  let start = performance.now();
  const data = encodeTransactions(readTransactions(file, opts));
  const n = data.nTransactions;
  if (n === 0) throw new InputError(`${file}: no transactions (the file is empty)`);
  log(`${file}: ${n} transactions, ${data.items.length} distinct items (read in ${(performance.now() - start).toFixed(0)} ms)`);

  const threshold = asFlagError(minCount !== undefined ? "--min-count" : "--min-support", () => resolveMinCount({ minSupport, minCount }, n));
  start = performance.now();
  const itemsets = frequentItemsets(data, { minCount: threshold, maxLength, algorithm: opts.algorithm });
  log(`${opts.algorithm}: ${itemsets.length} frequent itemsets with count >= ${threshold} (support >= ${(threshold / n).toPrecision(4)}) in ${(performance.now() - start).toFixed(0)} ms`);

  let rules: AssociationRule<string>[] | undefined;
  if (!opts.itemsetsOnly) {
    start = performance.now();
    rules = associationRules(itemsets, { metric, minThreshold });
    if (alsoConfidence) rules = rules.filter((r) => r.confidence >= (minConfidence as number));
    log(`${rules.length} rules with ${metric} >= ${minThreshold}${alsoConfidence ? ` and confidence >= ${minConfidence}` : ""} in ${(performance.now() - start).toFixed(0)} ms`);
  }

  const document = {
    file,
    format: opts.format,
    transactions: n,
    items: data.items.length,
    algorithm: opts.algorithm,
    minCount: threshold,
    minSupport: threshold / n,
    maxLength: maxLength ?? null,
    itemsets,
    ...(rules ? { metric, minThreshold, minConfidence: alsoConfidence ? minConfidence : undefined, rules: rules.map((r) => ({ ...r, conviction: finite(r.conviction) })) } : {}),
  };
  if (opts.out !== undefined) {
    const content =
      outExtension === ".json" ? `${JSON.stringify(document, null, 2)}\n` : rules ? rulesCsv(rules) : itemsetsCsv(itemsets);
    writeFileAtomic(opts.out, content);
    log(`wrote ${opts.out}`);
  }
  if (opts.json) {
    printJson(document);
    return;
  }
  if (rules) {
    const shown = [...rules].sort((a, b) => b.lift - a.lift || b.support - a.support).slice(0, top);
    console.log(`${rules.length} rules${rules.length > shown.length ? `, the ${shown.length} with the highest lift` : ""}:`);
    console.log(
      formatTable(
        ["rule", "support", "confidence", "lift", "leverage", "conviction", "zhang"],
        shown.map((r) => [`${show(r.antecedent)} -> ${show(r.consequent)}`, fixed(r.support), fixed(r.confidence), fixed(r.lift), fixed(r.leverage), fixed(r.conviction), fixed(r.zhangsMetric)]),
      ),
    );
  } else {
    const shown = [...itemsets].sort((a, b) => b.count - a.count).slice(0, top);
    console.log(`${itemsets.length} frequent itemsets${itemsets.length > shown.length ? `, the ${shown.length} most frequent` : ""}:`);
    console.log(formatTable(["itemset", "support", "count"], shown.map((s) => [show(s.items), fixed(s.support), s.count])));
  }
}
