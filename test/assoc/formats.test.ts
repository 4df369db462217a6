import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as assoc from "../../src/assoc/index.js";
import { FIXTURES } from "./helpers.js";

const fixture = (name: string) => readFileSync(resolve(FIXTURES, name), "utf8");

test("baskets: commas when the text has one, else runs of whitespace; items trimmed", () => {
  assert.deepEqual(assoc.parseBaskets("a, b ,c\nd\n"), [["a", "b", "c"], ["d"]]);
  assert.deepEqual(assoc.parseBaskets("39 48 \n1\t2  3\n"), [["39", "48"], ["1", "2", "3"]]);
  assert.deepEqual(assoc.parseBaskets("a;b\nc", { delimiter: "semicolon" }), [["a", "b"], ["c"]]);
  assert.deepEqual(assoc.parseBaskets("a b,c", { delimiter: "whitespace" }), [["a", "b,c"]]);
  assert.deepEqual(assoc.parseBaskets("a\r\nb\r\n"), [["a"], ["b"]]);
});

test("baskets: a blank line is an empty basket, the final newline is not", () => {
  assert.deepEqual(assoc.parseBaskets("a\n\nb\n"), [["a"], [], ["b"]]);
  assert.deepEqual(assoc.parseBaskets("a\n  \n"), [["a"], []]);
  assert.deepEqual(assoc.parseBaskets(""), []);
});

test("baskets: RFC 4180 quotes within a line", () => {
  assert.deepEqual(assoc.parseBaskets(fixture("quoted-baskets.csv")), [
    ["bread", "cheese, aged", "milk"],
    ["bread", "milk"],
    ["cheese, aged", "milk"],
    [],
    ["bread", 'say "cheese"'],
  ]);
});

test("baskets: malformed lines name the line and the defect", () => {
  assert.throws(() => assoc.parseBaskets(fixture("malformed-quote.csv")), /^TransactionFormatError: line 2: unterminated quote opened at column 7$/);
  assert.throws(() => assoc.parseBaskets(fixture("empty-item.csv")), /line 2: empty item in field 2/);
  assert.throws(() => assoc.parseBaskets('a,"b"c'), /line 1: unexpected text after the closing quote at column 6/);
  assert.throws(() => assoc.parseBaskets('a,b"c'), /line 1: stray quote in unquoted field "b"c"/);
  assert.throws(() => assoc.parseBaskets("a", { delimiter: "::" }), /delimiter: expected one character or one of comma, semicolon, tab, space, whitespace, got "::"/);
});

test("tidy: (transaction, item) rows grouped by transaction in first-seen order", () => {
  const baskets = assoc.parseTidy(fixture("notes-tidy.csv"));
  assert.deepEqual(baskets, [["1", "2", "3", "4"], ["1", "2"], ["2", "3", "4"], ["2", "3"], ["1", "2", "4"], ["3", "4"], ["2", "4"]]);
  assert.deepEqual(assoc.parseTidy("id,when,item\n7,mon,x\n8,tue,y\n7,wed,z\n", { itemColumn: "item" }), [["x", "z"], ["y"]]);
  assert.deepEqual(assoc.parseTidy("sku,order\nx,1\ny,1\n", { transactionColumn: "order", itemColumn: "sku" }), [["x", "y"]]);
});

test("tidy: malformed files", () => {
  assert.throws(() => assoc.parseTidy(fixture("malformed-tidy.csv")), /line 3: expected 2 fields like the header, got 1/);
  assert.throws(() => assoc.parseTidy(""), /line 1: expected a header row/);
  assert.throws(() => assoc.parseTidy("only\n1\n"), /line 1: expected at least 2 columns \(transaction, item\), got 1/);
  assert.throws(() => assoc.parseTidy("a,b\n1,x\n", { itemColumn: "sku" }), /line 1: no item column "sku" in the header \(columns: a, b\)/);
  assert.throws(() => assoc.parseTidy("a,b\n1,\n"), /line 2: empty item/);
});

test("the notes' file formats mine to the notes' result", () => {
  const fromBaskets = assoc.frequentItemsets(assoc.parseBaskets(fixture("notes-baskets.txt")), { minSupport: 3 });
  const fromTidy = assoc.frequentItemsets(assoc.parseTidy(fixture("notes-tidy.csv")), { minSupport: 3 });
  assert.deepEqual(fromBaskets, fromTidy);
  assert.deepEqual(fromBaskets.filter((s) => s.items.length === 2).map((s) => [s.items.join(","), s.count]), [["1,2", 3], ["2,3", 3], ["2,4", 4], ["3,4", 3]]);
});
