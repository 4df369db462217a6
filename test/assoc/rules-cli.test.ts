import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { FIXTURES, REPO_ROOT } from "./helpers.js";

const MAIN = resolve(REPO_ROOT, "dist/src/cli/main.js");
const fixture = (name: string) => resolve(FIXTURES, name);

function lantern(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [MAIN, "rules", ...args], { encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

test("--json prints one JSON document on stdout and logs on stderr", () => {
  const run = lantern(fixture("notes-baskets.txt"), "--min-support", "3", "--min-confidence", "0.7", "--json");
  assert.equal(run.status, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert.equal(doc.transactions, 7);
  assert.equal(doc.minCount, 3);
  assert.deepEqual(
    doc.itemsets.filter((s: { items: string[] }) => s.items.length === 2).map((s: { items: string[]; count: number }) => [s.items, s.count]),
    [[["1", "2"], 3], [["2", "3"], 3], [["2", "4"], 4], [["3", "4"], 3]],
  );
  // confidence >= 0.7: 1->2 (1.0), 3->2 (0.75), 4->2 (0.8, or 0.7999… in floating point), 3->4 (0.75)
  assert.deepEqual(doc.rules.map((r: { antecedent: string[]; consequent: string[] }) => `${r.antecedent}>${r.consequent}`), ["1>2", "3>2", "4>2", "3>4"]);
  assert.equal(doc.rules[0].conviction, "inf");
  assert.match(run.stderr, /7 transactions, 4 distinct items/);
});

test("tidy input, every algorithm, and the human table", () => {
  for (const algorithm of ["apriori", "fpgrowth", "eclat"]) {
    const run = lantern(fixture("notes-tidy.csv"), "--format", "tidy", "--min-count", "3", "--algorithm", algorithm, "--itemsets-only");
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^8 frequent itemsets:/);
    assert.match(run.stdout, /\{2, 4\}\s+0\.5714\s+4/);
  }
});

test("--out writes CSV or JSON atomically, and --metric filters on any metric", () => {
  const dir = mkdtempSync(join(tmpdir(), "lantern-rules-"));
  try {
    const csv = join(dir, "rules.csv");
    const run = lantern(fixture("quoted-baskets.csv"), "--min-count", "2", "--metric", "lift", "--min-threshold", "0", "--out", csv);
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    assert.equal(lines[0], "antecedent,consequent,antecedentSupport,consequentSupport,support,confidence,lift,leverage,conviction,zhangsMetric,jaccard,certainty,kulczynski");
    assert.ok(lines.some((l) => l.startsWith('"cheese, aged",milk,0.4,0.6,0.4,1,')), lines.join("\n"));
    assert.ok(lines.some((l) => l.includes(",inf,")));
    const json = join(dir, "itemsets.json");
    assert.equal(lantern(fixture("notes-baskets.txt"), "--min-support", "0.4", "--itemsets-only", "--out", json).status, 0);
    assert.equal(JSON.parse(readFileSync(json, "utf8")).itemsets.length, 8);
    assert.deepEqual(readdirSync(dir).sort(), ["itemsets.json", "rules.csv"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bad input exits 2 with a one-line message naming the file or flag", () => {
  const dir = mkdtempSync(join(tmpdir(), "lantern-rules-"));
  try {
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "");
    const out = join(dir, "never.csv");
    const cases: [string[], RegExp][] = [
      [[fixture("malformed-quote.csv"), "--min-support", "0.5", "--out", out], /malformed-quote\.csv: line 2: unterminated quote opened at column 7 \(expected one basket per line\)/],
      [[fixture("malformed-tidy.csv"), "--format", "tidy", "--min-count", "1"], /malformed-tidy\.csv: line 3: expected 2 fields like the header, got 1/],
      [[join(dir, "missing.txt"), "--min-support", "0.5"], /missing\.txt: no such file/],
      [[empty, "--min-support", "0.5"], /empty\.txt: no transactions/],
      [[fixture("notes-baskets.txt"), "--min-support", "0"], /--min-support: expected a fraction in \(0, 1\] or an integer count > 1, got 0/],
      [[fixture("notes-baskets.txt"), "--min-support", "2.5"], /--min-support: 2.5 is neither a fraction/],
      [[fixture("notes-baskets.txt"), "--min-support", "abc"], /--min-support: expected a number, got "abc"/],
      [[fixture("notes-baskets.txt")], /give exactly one of --min-support .* and --min-count/],
      [[fixture("notes-baskets.txt"), "--min-support", "3", "--algorithm", "fp-growth"], /argument 'fp-growth' is invalid/],
      [[fixture("notes-baskets.txt"), "--min-support", "3", "--metric", "interest", "--min-threshold", "1"], /--metric: expected one of/],
      [[fixture("notes-baskets.txt"), "--min-support", "3", "--metric", "lift"], /--metric lift: also give --min-threshold/],
      [[fixture("notes-baskets.txt"), "--min-support", "3", "--max-length", "0"], /--max-length: expected an integer >= 1, got 0/],
      [[fixture("notes-baskets.txt"), "--min-support", "3", "--out", join(dir, "x.txt")], /--out .*x\.txt: expected a file ending in \.csv or \.json/],
    ];
    for (const [args, message] of cases) {
      const run = lantern(...args);
      assert.equal(run.status, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
      // commander's own usage errors (a bad --algorithm choice) are followed by the usage text
      if (!args.includes("fp-growth")) assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.ok(!/\n\s+at /.test(run.stderr), "no stack trace");
      assert.equal(run.stdout, "");
    }
    assert.ok(!existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--help describes the command", () => {
  const run = lantern("--help");
  assert.equal(run.status, 0);
  assert.match(run.stdout, /--min-support <s>/);
  assert.match(run.stdout, /--algorithm <name>/);
  assert.match(run.stdout, /apriori/);
});
