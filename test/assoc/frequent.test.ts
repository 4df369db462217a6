import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as assoc from "../../src/assoc/index.js";
import { FIXTURES } from "./helpers.js";

const NOTES = [[1, 2, 3, 4], [1, 2], [2, 3, 4], [2, 3], [1, 2, 4], [3, 4], [2, 4]];

interface ReferenceCase {
  name: string;
  baskets: (string | number)[][];
  minCount: number;
  maxLength?: number;
  itemsets: { items: (string | number)[]; count: number; support: number }[];
}
const REFERENCE: { cases: ReferenceCase[] } = JSON.parse(readFileSync(resolve(FIXTURES, "reference.json"), "utf8"));

const counts = (found: assoc.FrequentItemset[]) => found.map((s) => [s.items, s.count]);

for (const algorithm of assoc.ALGORITHMS) {
  test(`${algorithm}: the notes' worked example (min count 3) has four frequent pairs and no triple`, () => {
    const found = assoc.frequentItemsets(NOTES, { minSupport: 3, algorithm });
    assert.deepEqual(counts(found), [
      [[1], 3], [[2], 6], [[3], 4], [[4], 5],
      [[1, 2], 3], [[2, 3], 3], [[2, 4], 4], [[3, 4], 3],
    ]);
    assert.equal(found[4].support, 3 / 7);
  });

  test(`${algorithm}: matches the brute-force reference cases, supports included`, () => {
    for (const c of REFERENCE.cases) {
      const found = assoc.frequentItemsets(c.baskets, { minCount: c.minCount, maxLength: c.maxLength, algorithm });
      const byKey = (s: { items: (string | number)[] }) => JSON.stringify(s.items);
      assert.deepEqual(found.map(byKey).sort(), c.itemsets.map(byKey).sort(), c.name);
      const expected = new Map(c.itemsets.map((s) => [byKey(s), s]));
      for (const s of found) {
        assert.equal(s.count, expected.get(byKey(s))?.count, `${c.name} ${byKey(s)}`);
        assert.equal(s.support, expected.get(byKey(s))?.support, `${c.name} ${byKey(s)}`);
      }
    }
  });

  test(`${algorithm}: maxLength stops at that length`, () => {
    const found = assoc.frequentItemsets(NOTES, { minSupport: 2, maxLength: 2, algorithm });
    assert.ok(found.every((s) => s.items.length <= 2));
    assert.ok(found.some((s) => s.items.length === 2));
    assert.deepEqual(counts(assoc.frequentItemsets(NOTES, { minSupport: 2, maxLength: 1, algorithm })), [[[1], 3], [[2], 6], [[3], 4], [[4], 5]]);
  });
}

test("minSupport: a number in (0, 1] is a fraction, an integer > 1 a count, minCount a count", () => {
  // 3/7 = 0.428…: the fraction 0.42 needs count 3, as does the count 3
  assert.deepEqual(assoc.frequentItemsets(NOTES, { minSupport: 0.42 }), assoc.frequentItemsets(NOTES, { minSupport: 3 }));
  assert.deepEqual(assoc.frequentItemsets(NOTES, { minSupport: 3 / 7 }), assoc.frequentItemsets(NOTES, { minCount: 3 }));
  // 1 means every basket: item 2 is in 6 of 7, so nothing
  assert.deepEqual(assoc.frequentItemsets(NOTES, { minSupport: 1 }), []);
  assert.deepEqual(counts(assoc.frequentItemsets([[1, 2], [1]], { minSupport: 1 })), [[[1], 2]]);
  // a count of 1 is only expressible as minCount
  assert.equal(assoc.frequentItemsets([[1, 2], [3]], { minCount: 1 }).length, 4);
  assert.equal(assoc.frequentItemsets(NOTES, { minSupport: 8 }).length, 0);
});

test("resolveMinCount reproduces mlxtend's floating-point comparison count / n >= minSupport", () => {
  for (const n of [7, 9835, 88162, 1000, 3]) {
    for (const s of [0.001, 0.005, 0.01, 0.1, 0.3, 1 / 3, 0.7, 1]) {
      const c = assoc.resolveMinCount({ minSupport: s }, n);
      assert.ok(c / n >= s, `${c}/${n} >= ${s}`);
      assert.ok(c === 1 || (c - 1) / n < s, `${c - 1}/${n} < ${s}`);
    }
  }
  assert.equal(assoc.resolveMinCount({ minSupport: 0.01 }, 9835), 99);
  assert.equal(assoc.resolveMinCount({ minSupport: 0.01 }, 88162), 882);
});

test("empty baskets count in the denominator, as in mlxtend", () => {
  const found = assoc.frequentItemsets([["a", "b"], [], ["a"], []], { minSupport: 0.5 });
  assert.deepEqual(found, [{ items: ["a"], support: 0.5, count: 2 }]);
  assert.deepEqual(assoc.frequentItemsets([[], []], { minSupport: 0.5 }), []);
  assert.deepEqual(assoc.frequentItemsets([], { minSupport: 0.5 }), []);
});

test("items may be strings and numbers (1 and '1' differ); repeats in a basket count once", () => {
  const found = assoc.frequentItemsets([["milk", 1, "1", 1], ["milk", "1"], [1, "milk"]], { minCount: 2 });
  assert.deepEqual(counts(found), [
    [[1], 2], [["1"], 2], [["milk"], 3], [[1, "milk"], 2], [["1", "milk"], 2],
  ]);
});

test("items sort numbers first, then strings in natural order", () => {
  const items = ["item10", "item9", 10, 2, "b", "a", "01", "1"];
  assert.deepEqual([...items].sort(assoc.compareItems), [2, 10, "01", "1", "a", "b", "item9", "item10"]);
});

test("an EncodedTransactions can be mined repeatedly", () => {
  const data = assoc.encodeTransactions(NOTES);
  assert.equal(data.nTransactions, 7);
  assert.deepEqual(assoc.frequentItemsets(data, { minSupport: 3 }), assoc.frequentItemsets(NOTES, { minSupport: 3 }));
  assert.deepEqual(assoc.frequentItemsets(data, { minSupport: 2, algorithm: "eclat" }), assoc.frequentItemsets(NOTES, { minSupport: 2 }));
});

test("bad arguments throw errors that name the argument", () => {
  const cases: [unknown, RegExp][] = [
    [{ minSupport: 0 }, /minSupport: expected a fraction in \(0, 1\] or an integer count > 1, got 0/],
    [{ minSupport: -0.5 }, /minSupport/],
    [{ minSupport: Number.NaN }, /minSupport/],
    [{ minSupport: 1.5 }, /minSupport: 1.5 is neither a fraction in \(0, 1\] nor an integer count > 1/],
    [{ minCount: 0 }, /minCount: expected an integer >= 1, got 0/],
    [{ minCount: 2.5 }, /minCount/],
    [{}, /exactly one of minSupport .* and minCount, got neither/],
    [{ minSupport: 0.5, minCount: 2 }, /got both/],
    [{ minSupport: 0.5, maxLength: 0 }, /maxLength: expected an integer >= 1, got 0/],
    [{ minSupport: 0.5, algorithm: "fp-growth" }, /algorithm: expected one of apriori, fpgrowth, eclat, got "fp-growth"/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => assoc.frequentItemsets(NOTES, options as assoc.FrequentItemsetsOptions), message, JSON.stringify(options));
  }
  assert.throws(() => assoc.frequentItemsets(["ab", "c"] as never, { minSupport: 1 }), /transactions\[0\]: expected an array of items, got string/);
  assert.throws(() => assoc.frequentItemsets([[1, null]] as never, { minSupport: 1 }), /transactions\[0\]\[1\]: expected a string or a number, got null/);
  assert.throws(() => assoc.frequentItemsets([[Number.NaN]], { minSupport: 1 }), /transactions\[0\]\[0\]: expected a string or a number, got NaN/);
  assert.throws(() => assoc.frequentItemsets(42 as never, { minSupport: 1 }), /transactions: expected an array of baskets/);
});
