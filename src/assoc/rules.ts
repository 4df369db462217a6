import type { Item } from "./transactions.js";

/**
 * Rule metrics, defined as in mlxtend's `association_rules` (for complete data, i.e. no missing
 * values), with A the antecedent, C the consequent and s(·) support:
 *   confidence = s(A∪C) / s(A)                 lift = confidence / s(C)
 *   leverage   = s(A∪C) − s(A)·s(C)            (Piatetsky-Shapiro 1991)
 *   conviction = (1 − s(C)) / (1 − confidence), +Infinity when confidence = 1 (Brin et al. 1997)
 *   zhangsMetric = leverage / max(s(A∪C)·(1 − s(A)), s(A)·(s(C) − s(A∪C))), 0 when that max is 0
 *                  (Zhang 2000; in [-1, 1]: -1 perfect dissociation, +1 perfect association)
 *   jaccard    = s(A∪C) / (s(A) + s(C) − s(A∪C))
 *   certainty  = (confidence − s(C)) / (1 − s(C)), 0 when s(C) = 1 (Berzal et al. 2002)
 *   kulczynski = (s(A∪C)/s(A) + s(A∪C)/s(C)) / 2
 */
export const RULE_METRICS = [
  "antecedentSupport",
  "consequentSupport",
  "support",
  "confidence",
  "lift",
  "leverage",
  "conviction",
  "zhangsMetric",
  "jaccard",
  "certainty",
  "kulczynski",
] as const;
export type RuleMetric = (typeof RULE_METRICS)[number];

export interface AssociationRule<T extends Item = Item> {
  antecedent: T[];
  consequent: T[];
  antecedentSupport: number;
  consequentSupport: number;
  /** support of antecedent ∪ consequent */
  support: number;
  confidence: number;
  lift: number;
  leverage: number;
  conviction: number;
  zhangsMetric: number;
  jaccard: number;
  certainty: number;
  kulczynski: number;
}

export interface AssociationRulesOptions {
  /** Metric to filter on (default "confidence"); mlxtend's names ("zhangs_metric", "antecedent support") work too. */
  metric?: RuleMetric | string;
  /** Keep rules whose metric is >= this (default 0.8, as in mlxtend). */
  minThreshold?: number;
}

/** Maps camelCase names and mlxtend's names ("zhangs_metric", "antecedent support") to a RuleMetric. */
export function resolveMetric(name: string): RuleMetric {
  const camel = String(name).replace(/[ _]+([a-z])/g, (_, c: string) => c.toUpperCase());
  const found = RULE_METRICS.find((m) => m === camel);
  if (!found) throw new RangeError(`metric: expected one of ${RULE_METRICS.join(", ")}, got "${name}"`);
  return found;
}

/** Every metric of the rule A -> C from the three supports. */
export function ruleMetrics(sA: number, sC: number, sAC: number): Omit<AssociationRule, "antecedent" | "consequent"> {
  const confidence = sAC / sA;
  const leverage = sAC - sA * sC;
  const zhangDenominator = Math.max(sAC * (1 - sA), sA * (sC - sAC));
  return {
    antecedentSupport: sA,
    consequentSupport: sC,
    support: sAC,
    confidence,
    lift: confidence / sC,
    leverage,
    conviction: confidence < 1 ? (1 - sC) / (1 - confidence) : Infinity,
    zhangsMetric: zhangDenominator === 0 ? 0 : leverage / zhangDenominator,
    jaccard: sAC / (sA + sC - sAC),
    certainty: 1 - sC === 0 ? 0 : (confidence - sC) / (1 - sC),
    kulczynski: (sAC / sA + sAC / sC) / 2,
  };
}

function describeItems(items: readonly Item[]): string {
  return `{${items.map((i) => JSON.stringify(i)).join(", ")}}`;
}

/**
 * Association rules A -> C from frequent itemsets: for every itemset of two or more items, every
 * split into a non-empty antecedent and consequent, kept when `metric >= minThreshold`. Order
 * follows mlxtend: itemsets in input order, then antecedents from largest to smallest, each size in
 * the order of the itemset's items. The supports of A and C are looked up among the itemsets, so
 * pass all of them (e.g. the full output of `frequentItemsets`). An empty list gives no rules.
 */
export function associationRules<T extends Item>(
  itemsets: readonly { items: readonly T[]; support: number }[],
  options: AssociationRulesOptions = {},
): AssociationRule<T>[] {
  if (!Array.isArray(itemsets)) throw new TypeError(`associationRules: expected an array of {items, support}, got ${typeof itemsets}`);
  const metric = resolveMetric(options.metric ?? "confidence");
  const minThreshold = options.minThreshold ?? 0.8;
  if (typeof minThreshold !== "number" || Number.isNaN(minThreshold)) {
    throw new RangeError(`minThreshold: expected a number, got ${String(minThreshold)}`);
  }

  const itemIds = new Map<T, number>();
  const idsOf = (items: readonly T[]) =>
    items.map((item) => {
      let id = itemIds.get(item);
      if (id === undefined) itemIds.set(item, (id = itemIds.size));
      return id;
    });
  const keyOf = (ids: number[]) => ids.slice().sort((a, b) => a - b).join(",");
  const supportByKey = new Map<string, number>();
  const unique: { items: readonly T[]; ids: number[]; support: number }[] = [];
  itemsets.forEach((itemset, index) => {
    if (itemset === null || typeof itemset !== "object" || !Array.isArray(itemset.items) || typeof itemset.support !== "number") {
      throw new TypeError(`associationRules: itemsets[${index}] is not an {items: array, support: number} object`);
    }
    const ids = idsOf(itemset.items);
    const key = keyOf(ids);
    if (!supportByKey.has(key)) unique.push({ items: itemset.items, ids, support: itemset.support });
    supportByKey.set(key, itemset.support);
  });

  const rules: AssociationRule<T>[] = [];
  for (const { items, ids } of unique) {
    const k = items.length;
    if (k < 2) continue;
    const sAC = supportByKey.get(keyOf(ids)) as number;
    const supportOf = (picked: number[], role: string): number => {
      const s = supportByKey.get(keyOf(picked.map((p) => ids[p])));
      if (s === undefined) {
        throw new RangeError(
          `associationRules: the support of ${role} ${describeItems(picked.map((p) => items[p]))} of itemset ${describeItems(items)} is missing; pass every frequent itemset (e.g. the full output of frequentItemsets), not a filtered list`,
        );
      }
      return s;
    };
    for (let size = k - 1; size >= 1; size--) {
      forEachCombination(k, size, (antecedentIdx, consequentIdx) => {
        const values = ruleMetrics(supportOf(antecedentIdx, "antecedent"), supportOf(consequentIdx, "consequent"), sAC);
        if (!(values[metric] >= minThreshold)) return;
        rules.push({ antecedent: antecedentIdx.map((p) => items[p]), consequent: consequentIdx.map((p) => items[p]), ...values });
      });
    }
  }
  return rules;
}

/** Calls fn for every `size`-subset of 0..k-1 in lexicographic order, with its complement. */
function forEachCombination(k: number, size: number, fn: (chosen: number[], rest: number[]) => void): void {
  const chosen = Array.from({ length: size }, (_, i) => i);
  for (;;) {
    const inChosen = new Uint8Array(k);
    for (const c of chosen) inChosen[c] = 1;
    const rest: number[] = [];
    for (let p = 0; p < k; p++) if (!inChosen[p]) rest.push(p);
    fn(chosen.slice(), rest);
    let i = size - 1;
    while (i >= 0 && chosen[i] === k - size + i) i--;
    if (i < 0) return;
    chosen[i]++;
    for (let j = i + 1; j < size; j++) chosen[j] = chosen[j - 1] + 1;
  }
}
