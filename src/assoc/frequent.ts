import { apriori } from "./apriori.js";
import { rankFrequentItems, type RankedDatabase, type RankOrder } from "./database.js";
import { eclat } from "./eclat.js";
import { fpgrowth } from "./fpgrowth.js";
import { ItemsetSink } from "./sink.js";
import { EncodedTransactions, encodeTransactions, type Item } from "./transactions.js";

export const ALGORITHMS = ["apriori", "fpgrowth", "eclat"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export interface FrequentItemsetsOptions {
  /**
   * Minimum support. A number in (0, 1] is a fraction of all baskets (1 = every basket; an itemset is
   * frequent when count / nTransactions >= minSupport, compared in floating point as mlxtend does);
   * an integer greater than 1 is a basket count. Give this or `minCount`.
   */
  minSupport?: number;
  /** Minimum number of baskets, an integer >= 1 (the only way to ask for a count of 1). */
  minCount?: number;
  /** Longest itemset to report (default: no limit). */
  maxLength?: number;
  /** Mining algorithm; all three return the same itemsets (default "fpgrowth"). */
  algorithm?: Algorithm;
}

export interface FrequentItemset<T extends Item = Item> {
  /** the items, in `compareItems` order */
  items: T[];
  /** count / number of baskets (empty baskets included) */
  support: number;
  /** number of baskets containing every item */
  count: number;
}

type Miner = (db: RankedDatabase, minCount: number, maxLength: number, sink: ItemsetSink) => void;

const MINERS: Record<Algorithm, { mine: Miner; order: RankOrder }> = {
  apriori: { mine: apriori, order: "most-frequent-first" },
  fpgrowth: { mine: fpgrowth, order: "most-frequent-first" },
  eclat: { mine: eclat, order: "least-frequent-first" },
};

/**
 * The smallest basket count that meets the threshold. For a fraction s this is the least c with
 * c / n >= s in floating point (not just ceil(s * n), which can be off by one when s * n rounds), so
 * the itemsets match mlxtend's `support >= min_support` exactly.
 */
export function resolveMinCount(options: Pick<FrequentItemsetsOptions, "minSupport" | "minCount">, nTransactions: number): number {
  const { minSupport, minCount } = options;
  if ((minSupport === undefined) === (minCount === undefined)) {
    throw new TypeError(
      `frequentItemsets: give exactly one of minSupport (a fraction in (0, 1] or an integer count > 1) and minCount, got ${minSupport === undefined ? "neither" : "both"}`,
    );
  }
  if (minCount !== undefined) {
    if (typeof minCount !== "number" || !Number.isInteger(minCount) || minCount < 1) {
      throw new RangeError(`minCount: expected an integer >= 1, got ${String(minCount)}`);
    }
    return minCount;
  }
  const s = minSupport as number;
  if (typeof s !== "number" || !Number.isFinite(s) || s <= 0) {
    throw new RangeError(`minSupport: expected a fraction in (0, 1] or an integer count > 1, got ${String(s)}`);
  }
  if (s > 1) {
    if (!Number.isInteger(s)) throw new RangeError(`minSupport: ${s} is neither a fraction in (0, 1] nor an integer count > 1`);
    return s;
  }
  let count = Math.max(1, Math.ceil(s * nTransactions));
  while (count > 1 && (count - 1) / nTransactions >= s) count--;
  while (count / nTransactions < s) count++;
  return count;
}

function checkOptions(options: FrequentItemsetsOptions): { maxLength: number; algorithm: Algorithm } {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`frequentItemsets: expected an options object with minSupport or minCount, got ${String(options)}`);
  }
  const { maxLength = Infinity, algorithm = "fpgrowth" } = options;
  if (maxLength !== Infinity && (!Number.isInteger(maxLength) || maxLength < 1)) {
    throw new RangeError(`maxLength: expected an integer >= 1, got ${String(maxLength)}`);
  }
  if (!(ALGORITHMS as readonly string[]).includes(algorithm)) {
    throw new RangeError(`algorithm: expected one of ${ALGORITHMS.join(", ")}, got "${String(algorithm)}"`);
  }
  return { maxLength, algorithm };
}

/**
 * All itemsets contained in at least the minimum number of baskets, ordered by length, then by
 * their items in `compareItems` order; identical whichever algorithm finds them. Baskets with no
 * items count as transactions (they lower every support), as in mlxtend.
 *
 * `transactions` are arrays of strings and/or numbers, or an `EncodedTransactions` made once by
 * `encodeTransactions` to mine it several times.
 */
export function frequentItemsets<T extends Item>(
  transactions: Iterable<Iterable<T>> | EncodedTransactions<T>,
  options: FrequentItemsetsOptions,
): FrequentItemset<T>[] {
  const { maxLength, algorithm } = checkOptions(options);
  const data = transactions instanceof EncodedTransactions ? transactions : encodeTransactions(transactions);
  const n = data.nTransactions;
  const minCount = resolveMinCount(options, n);
  if (n === 0) return [];
  const { mine, order } = MINERS[algorithm];
  const db = rankFrequentItems(data, minCount, order);
  const sink = new ItemsetSink(db.rankToItem);
  mine(db, minCount, maxLength, sink);
  const { items, counts } = sink.sorted();
  return items.map((ids, s) => ({
    items: Array.from(ids, (id) => data.items[id]),
    support: counts[s] / n,
    count: counts[s],
  }));
}
