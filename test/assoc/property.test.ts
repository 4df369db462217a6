import { test } from "node:test";
import assert from "node:assert/strict";
import * as assoc from "../../src/assoc/index.js";
import { rankFrequentItems } from "../../src/assoc/database.js";
import { fpgrowth } from "../../src/assoc/fpgrowth.js";
import { ItemsetSink } from "../../src/assoc/sink.js";
import { bruteForceItemsets, randomBaskets, seededRandom } from "./helpers.js";

// Random baskets of every shape the miners branch on: dense and sparse, tiny and long baskets,
// thresholds from 1 up (a count of 1 makes every subset of every basket frequent), with and
// without maxLength. Each algorithm must equal the brute-force counter exactly.
test("apriori, fpgrowth and eclat equal a brute-force counter on random baskets", () => {
  const random = seededRandom(7);
  for (let trial = 0; trial < 120; trial++) {
    const nItems = 1 + Math.floor(random() * 12);
    const nBaskets = Math.floor(random() * 80);
    const density = 0.05 + random() * 0.6;
    const baskets = randomBaskets(random, nBaskets, nItems, density);
    const minCount = 1 + Math.floor(random() * Math.max(1, nBaskets / 4));
    const maxLength = random() < 0.3 ? 1 + Math.floor(random() * 4) : undefined;
    const expected = bruteForceItemsets(baskets, nItems, minCount, maxLength);
    for (const algorithm of assoc.ALGORITHMS) {
      const found = assoc.frequentItemsets(baskets, { minCount, maxLength, algorithm });
      const what = `trial ${trial} (${nBaskets} baskets, ${nItems} items, min count ${minCount}, maxLength ${maxLength}) ${algorithm}`;
      assert.deepEqual(found.map((s) => ({ items: s.items, count: s.count })), expected, what);
      for (const s of found) assert.equal(s.support, s.count / nBaskets, what);
    }
  }
});

test("the miners agree on larger sparse data with bitset-sized tidsets and deep trees", () => {
  const random = seededRandom(11);
  // 3000 baskets: Eclat keeps the frequent items' tidsets as bitsets and the rest as lists
  const baskets = randomBaskets(random, 3000, 40, 0.35);
  for (const minCount of [30, 150, 600]) {
    const [apriori, fpgrowth, eclat] = assoc.ALGORITHMS.map((algorithm) => assoc.frequentItemsets(baskets, { minCount, algorithm }));
    assert.ok(apriori.length >= 20, `min count ${minCount}: ${apriori.length} itemsets`);
    assert.deepEqual(fpgrowth, apriori, `fpgrowth vs apriori at ${minCount}`);
    assert.deepEqual(eclat, apriori, `eclat vs apriori at ${minCount}`);
  }
});

test("identical baskets make one chain: every subset is frequent", () => {
  const baskets = Array.from({ length: 5 }, () => ["a", "b", "c", "d", "e"]);
  for (const algorithm of assoc.ALGORITHMS) {
    const found = assoc.frequentItemsets(baskets, { minCount: 5, algorithm });
    assert.equal(found.length, 31, algorithm);
    assert.ok(found.every((s) => s.count === 5 && s.support === 1));
    assert.equal(assoc.frequentItemsets(baskets, { minCount: 5, maxLength: 2, algorithm }).length, 15);
  }
});

test("fpgrowth gives the same itemsets when the first level is swept in many small batches", () => {
  const baskets = randomBaskets(seededRandom(5), 500, 30, 0.3);
  const data = assoc.encodeTransactions(baskets);
  const expected = assoc.frequentItemsets(data, { minCount: 10, algorithm: "apriori" });
  const db = rankFrequentItems(data, 10, "most-frequent-first");
  for (const budget of [1, 50, 1000]) {
    const sink = new ItemsetSink(db.rankToItem);
    fpgrowth(db, 10, Infinity, sink, budget);
    const { items, counts } = sink.sorted();
    assert.deepEqual(
      items.map((ids, s) => ({ items: Array.from(ids, (id) => data.items[id]), count: counts[s] })),
      expected.map((s) => ({ items: s.items, count: s.count })),
      `budget ${budget}`,
    );
  }
});
