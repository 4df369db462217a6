import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import * as assoc from "../../src/assoc/index.js";
import { FIXTURES } from "./helpers.js";

type Metrics = Record<string, number | string>;
interface ReferenceRule extends Metrics {}
interface ReferenceCase {
  name: string;
  baskets: (string | number)[][];
  minCount: number;
  maxLength?: number;
  rules: (ReferenceRule & { antecedent: never; consequent: never })[];
}
const REFERENCE: { cases: ReferenceCase[] } = JSON.parse(readFileSync(resolve(FIXTURES, "reference.json"), "utf8"));

const ruleKey = (r: { antecedent: unknown[]; consequent: unknown[] }) => `${JSON.stringify(r.antecedent)} -> ${JSON.stringify(r.consequent)}`;

test("every rule and metric equals the Python reference (mlxtend's formulas)", () => {
  for (const c of REFERENCE.cases) {
    const itemsets = assoc.frequentItemsets(c.baskets, { minCount: c.minCount, maxLength: c.maxLength });
    const rules = assoc.associationRules(itemsets, { metric: "support", minThreshold: 0 });
    const expected = new Map(c.rules.map((r) => [ruleKey(r as never), r]));
    assert.equal(rules.length, c.rules.length, c.name);
    for (const rule of rules) {
      const want = expected.get(ruleKey(rule));
      assert.ok(want, `${c.name}: unexpected rule ${ruleKey(rule)}`);
      for (const metric of assoc.RULE_METRICS) {
        const w = want[metric] === "inf" ? Infinity : (want[metric] as number);
        const got = rule[metric];
        const ok = got === w || Math.abs(got - w) <= 1e-12 * Math.max(1, Math.abs(w));
        assert.ok(ok, `${c.name} ${ruleKey(rule)} ${metric}: ${got}, expected ${w}`);
      }
    }
  }
});

test("mlxtend's user-guide example: confidence >= 0.7 gives its rules and values", () => {
  const guide = REFERENCE.cases.find((c) => c.name === "mlxtend-user-guide") as ReferenceCase;
  const itemsets = assoc.frequentItemsets(guide.baskets, { minSupport: 0.6, algorithm: "apriori" });
  assert.equal(itemsets.length, 11);
  const rules = assoc.associationRules(itemsets, { metric: "confidence", minThreshold: 0.7 });
  const byKey = new Map(rules.map((r) => [ruleKey(r), r]));
  assert.equal(rules.length, 12);
  // rows of the published table, rounded as published
  const onionToEggs = byKey.get('["Onion"] -> ["Eggs"]');
  assert.ok(onionToEggs);
  assert.deepEqual(
    [onionToEggs.antecedentSupport, onionToEggs.consequentSupport, onionToEggs.support, onionToEggs.confidence].map((x) => +x.toFixed(2)),
    [0.6, 0.8, 0.6, 1],
  );
  assert.equal(+onionToEggs.lift.toFixed(2), 1.25);
  assert.equal(+onionToEggs.leverage.toFixed(2), 0.12);
  assert.equal(onionToEggs.conviction, Infinity);
  assert.equal(+onionToEggs.zhangsMetric.toFixed(2), 0.5);
  const eggsToOnion = byKey.get('["Eggs"] -> ["Onion"]');
  assert.ok(eggsToOnion);
  assert.equal(+eggsToOnion.confidence.toFixed(2), 0.75);
  assert.equal(+eggsToOnion.conviction.toFixed(2), 1.6);
  assert.equal(+eggsToOnion.zhangsMetric.toFixed(2), 1);
  const threeItems = byKey.get('["Onion"] -> ["Eggs","Kidney Beans"]');
  assert.ok(threeItems);
  assert.equal(+threeItems.lift.toFixed(2), 1.25);
});

test("rules are filtered by any metric with >=, in mlxtend's order", () => {
  const itemsets = assoc.frequentItemsets([[1, 2, 3], [1, 2], [1, 3], [2, 3], [1, 2, 3]], { minCount: 2 });
  const all = assoc.associationRules(itemsets, { metric: "support", minThreshold: 0 });
  // per itemset: larger antecedents first, in the itemset's item order
  const triple = all.filter((r) => r.antecedent.length + r.consequent.length === 3).map(ruleKey);
  assert.deepEqual(triple, ["[1,2] -> [3]", "[1,3] -> [2]", "[2,3] -> [1]", "[1] -> [2,3]", "[2] -> [1,3]", "[3] -> [1,2]"]);
  for (const metric of assoc.RULE_METRICS) {
    const values = all.map((r) => r[metric]).sort((a, b) => a - b);
    const threshold = values[Math.floor(values.length / 2)];
    const kept = assoc.associationRules(itemsets, { metric, minThreshold: threshold });
    assert.deepEqual(kept, all.filter((r) => r[metric] >= threshold), metric);
  }
  // mlxtend's names work as well
  assert.deepEqual(assoc.associationRules(itemsets, { metric: "zhangs_metric", minThreshold: 0 }), assoc.associationRules(itemsets, { metric: "zhangsMetric", minThreshold: 0 }));
  assert.deepEqual(assoc.associationRules(itemsets, { metric: "antecedent support", minThreshold: 0.5 }), all.filter((r) => r.antecedentSupport >= 0.5));
});

test("defaults are mlxtend's: confidence >= 0.8", () => {
  const itemsets = assoc.frequentItemsets([[1, 2, 3, 4], [1, 2], [2, 3, 4], [2, 3], [1, 2, 4], [3, 4], [2, 4]], { minCount: 3 });
  const rules = assoc.associationRules(itemsets);
  // {4} -> {2} has confidence 4/5 in exact arithmetic, but (4/7) / (5/7) = 0.7999999999999999 in
  // floating point, which is what mlxtend computes from supports too: it is left out
  assert.deepEqual(rules.map(ruleKey), ["[1] -> [2]"]);
  assert.equal(rules[0].conviction, Infinity);
  assert.deepEqual(assoc.associationRules([]), []);
});

test("ruleMetrics handles the degenerate denominators like mlxtend", () => {
  // the consequent is in every basket: certainty 0 (not NaN), conviction inf
  const always = assoc.ruleMetrics(0.5, 1, 0.5);
  assert.equal(always.certainty, 0);
  assert.equal(always.conviction, Infinity);
  assert.equal(always.zhangsMetric, 0);
  const independent = assoc.ruleMetrics(0.5, 0.5, 0.25);
  assert.equal(independent.lift, 1);
  assert.equal(independent.leverage, 0);
  assert.equal(independent.zhangsMetric, 0);
});

test("bad input: unknown metric, bad threshold, missing subset supports", () => {
  const itemsets = assoc.frequentItemsets([[1, 2], [1, 2], [1]], { minCount: 2 });
  assert.throws(() => assoc.associationRules(itemsets, { metric: "interest" }), /metric: expected one of antecedentSupport, .* got "interest"/);
  assert.throws(() => assoc.associationRules(itemsets, { minThreshold: Number.NaN }), /minThreshold: expected a number/);
  const onlyPairs = itemsets.filter((s) => s.items.length === 2);
  assert.throws(() => assoc.associationRules(onlyPairs), /the support of antecedent \{1\} of itemset \{1, 2\} is missing/);
  assert.throws(() => assoc.associationRules([{ items: "ab", support: 1 }] as never), /itemsets\[0\] is not an \{items: array, support: number\} object/);
});
