import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as assoc from "../../src/assoc/index.js";
import { datasetsDir } from "./helpers.js";

// Itemset totals published with the shared datasets (their README.md: mlxtend 0.25.0 and
// node-fpgrowth 1.2.1 agree on them). The datasets are never copied into the repository.
const CASES = [
  { name: "groceries", file: "groceries/groceries.csv", transactions: 9835, items: 169, expected: [[99, 333], [50, 1001], [10, 13492]] },
  { name: "retail", file: "retail-fimi/retail.dat", transactions: 88162, items: 16470, expected: [[882, 159], [441, 580], [88, 7712]] },
] as const;

const dir = datasetsDir();
const skip = dir === null ? "shared datasets not found (set LANTERN_DATASETS or place shared/datasets beside the checkout)" : false;

for (const c of CASES) {
  test(`${c.name}: the published itemset counts, identical from all three algorithms`, { skip }, () => {
    const data = assoc.encodeTransactions(assoc.parseBaskets(readFileSync(join(dir as string, c.file), "utf8")));
    assert.equal(data.nTransactions, c.transactions);
    assert.equal(data.items.length, c.items);
    for (const [minCount, total] of c.expected) {
      const [apriori, fpgrowth, eclat] = assoc.ALGORITHMS.map((algorithm) => assoc.frequentItemsets(data, { minSupport: minCount, algorithm }));
      assert.equal(apriori.length, total, `apriori at ${minCount}`);
      assert.deepEqual(fpgrowth, apriori, `fpgrowth vs apriori at ${minCount}`);
      assert.deepEqual(eclat, apriori, `eclat vs apriori at ${minCount}`);
    }
  });
}

test("groceries: single-item and pair counts equal a plain Map-based count", { skip }, () => {
  const baskets = assoc.parseBaskets(readFileSync(join(dir as string, "groceries/groceries.csv"), "utf8"));
  const counts = new Map<string, number>();
  for (const basket of baskets) {
    const items = [...new Set(basket)].sort(assoc.compareItems);
    for (let i = 0; i < items.length; i++) {
      counts.set(items[i], (counts.get(items[i]) ?? 0) + 1);
      for (let j = i + 1; j < items.length; j++) {
        const key = `${items[i]}\u0000${items[j]}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  const found = assoc.frequentItemsets(baskets, { minCount: 10, maxLength: 2 });
  const expected = [...counts].filter(([, n]) => n >= 10);
  assert.equal(found.length, expected.length);
  for (const s of found) assert.equal(s.count, counts.get(s.items.join("\u0000")), s.items.join(" + "));
  // min support 0.01, min confidence 0.5: the 15 rules that R arules' apriori reports for Groceries
  const rules = assoc.associationRules(assoc.frequentItemsets(baskets, { minSupport: 0.01 }), { minThreshold: 0.5 });
  assert.equal(rules.length, 15);
});
