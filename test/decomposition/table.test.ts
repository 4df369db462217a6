import { test } from "node:test";
import assert from "node:assert/strict";
import { parseNumericTable, parseRatingTriples, TableError } from "../../src/io/table.js";

test("parseNumericTable: header detection, delimiters, quoting, column selection and labels", () => {
  const t = parseNumericTable("a,b,c\n1,2,3\r\n\n4,5.5,-6e-1\n", "x.csv");
  assert.deepEqual(t.columns, ["a", "b", "c"]);
  assert.equal(t.hasHeader, true);
  assert.deepEqual(Array.from(t.data), [1, 2, 3, 4, 5.5, -0.6]);
  const headless = parseNumericTable("1\t2\n3\t4\n", "x.tsv");
  assert.equal(headless.hasHeader, false);
  assert.deepEqual(headless.columns, ["1", "2"]);
  assert.equal(headless.delimiter, "\t");
  assert.equal(parseNumericTable("1;2\n3;4\n", "x.txt").delimiter, ";");
  const quoted = parseNumericTable('"name, with comma",y\n"1",2\n', "q.csv");
  assert.deepEqual(quoted.columns, ["name, with comma", "y"]);
  const picked = parseNumericTable("a,b,species\n1,2,setosa\n3,4,virginica\n", "iris.csv", { columns: ["b", 1], labelColumn: "species" });
  assert.deepEqual(picked.columns, ["b", "a"]);
  assert.deepEqual(Array.from(picked.data), [2, 1, 4, 3]);
  assert.deepEqual(picked.labels, ["setosa", "virginica"]);
  const byDefault = parseNumericTable("a,b,species\n1,2,setosa\n", "iris.csv", { labelColumn: 3 });
  assert.deepEqual(byDefault.columns, ["a", "b"]);
});

test("parseNumericTable: errors name the file, line and column", () => {
  const error = (text: string, pattern: RegExp) => assert.throws(() => parseNumericTable(text, "data.csv"), (e: unknown) => e instanceof TableError && e instanceof RangeError && pattern.test(e.message));
  error("a,b\n1,2\n3\n", /data\.csv: line 3 has 1 fields, but the header has 2/);
  error("a,b\n1,2\n3,x\n", /data\.csv: line 3, column 2 \("b"\): "x" is not a number/);
  error("a,b\n1,NaN\n", /line 2, column 2 \("b"\): NaN is not a finite number/);
  error("a,b\n1,\n", /line 2, column 2 \("b"\): empty cell/);
  error("1,2\n3,inf\n", /line 2, column 2: inf is not a finite number/);
  error("", /no data rows/);
  error("a,b\n", /header but no data rows/);
  assert.throws(() => parseNumericTable("a,b\n1,2\n", "d.csv", { columns: ["z"] }), /d\.csv: no column "z" \(columns: a, b; or give 1-based positions 1\.\.2\)/);
});

test("parseRatingTriples: tab, comma and '::' layouts, headers, errors", () => {
  assert.deepEqual(parseRatingTriples("1\t10\t4\t881250949\n2\t10\t3.5\t1\n", "u.data"), [
    { user: "1", item: "10", rating: 4, timestamp: 881250949 },
    { user: "2", item: "10", rating: 3.5, timestamp: 1 },
  ]);
  assert.deepEqual(parseRatingTriples("userId,movieId,rating\nann,x,5\n", "ratings.csv"), [{ user: "ann", item: "x", rating: 5 }]);
  assert.deepEqual(parseRatingTriples("1::2::3::4\n", "ratings.dat"), [{ user: "1", item: "2", rating: 3, timestamp: 4 }]);
  assert.throws(() => parseRatingTriples("1\t2\t3\n1\t2\n", "r.tsv"), /r\.tsv: line 2 has 2 fields, expected 3 or 4/);
  assert.throws(() => parseRatingTriples("1\t2\t3\n1\t2\tgood\n", "r.tsv"), /r\.tsv: line 2, column 3 \("rating"\): "good" is not a number/);
  assert.throws(() => parseRatingTriples("1 2 3\n", "r.txt"), /separated by tabs, commas or "::"/);
});
