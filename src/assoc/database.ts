import { sortRun, type EncodedTransactions } from "./transactions.js";

/**
 * The transactions restricted to frequent items, renumbered 0..nItems-1 by rank: each miner wants a
 * different rank order (FP-Growth: most frequent first, so paths share prefixes; Eclat: least
 * frequent first, so equivalence classes stay small). Every basket lists its ranks ascending.
 */
export interface RankedDatabase {
  nTransactions: number;
  /** number of frequent items; ranks run 0..nItems-1 */
  nItems: number;
  /** item id (in EncodedTransactions) of each rank */
  rankToItem: Int32Array;
  /** basket count of each rank */
  rankCount: Int32Array;
  /** basket b holds `ranks[offsets[b] .. offsets[b + 1])`; baskets with no frequent item are left out */
  offsets: Int32Array;
  ranks: Int32Array;
}

export type RankOrder = "most-frequent-first" | "least-frequent-first";

export function rankFrequentItems(data: EncodedTransactions, minCount: number, order: RankOrder): RankedDatabase {
  const counts = data.itemCounts();
  const frequent: number[] = [];
  for (let id = 0; id < counts.length; id++) if (counts[id] >= minCount) frequent.push(id);
  // ties keep item-id order so that every run ranks identically
  const sign = order === "most-frequent-first" ? -1 : 1;
  frequent.sort((a, b) => sign * (counts[a] - counts[b]) || a - b);
  const rankOf = new Int32Array(counts.length).fill(-1);
  frequent.forEach((id, rank) => (rankOf[id] = rank));

  const { offsets, itemIds } = data;
  const ranks = new Int32Array(itemIds.length);
  const newOffsets: number[] = [0];
  let out = 0;
  for (let b = 0; b + 1 < offsets.length; b++) {
    const start = out;
    for (let p = offsets[b]; p < offsets[b + 1]; p++) {
      const rank = rankOf[itemIds[p]];
      if (rank >= 0) ranks[out++] = rank;
    }
    if (out === start) continue;
    sortRun(ranks, start, out);
    newOffsets.push(out);
  }
  return {
    nTransactions: data.nTransactions,
    nItems: frequent.length,
    rankToItem: Int32Array.from(frequent),
    rankCount: Int32Array.from(frequent, (id) => counts[id]),
    offsets: Int32Array.from(newOffsets),
    ranks: ranks.slice(0, out),
  };
}

/** Index of the pair (i, j), i < j < n, in a row-major upper-triangular array of n(n-1)/2 cells. */
export function pairIndex(i: number, j: number, n: number): number {
  return (i * (2 * n - i - 1)) / 2 + (j - i - 1);
}

/**
 * Counts every pair of ranks in one pass over the baskets into an upper-triangular array: the
 * classic second pass of Apriori (all 2-candidates survive pruning, since every single item is
 * frequent) and the pair counts Eclat starts from (Zaki 2000, "Scalable algorithms for association
 * mining", section 5).
 */
export function countPairs(db: RankedDatabase): Uint32Array {
  const n = db.nItems;
  const cells = (n * (n - 1)) / 2;
  // 2^28 cells are 1 GiB of counters: beyond that Apriori-style pair counting is the wrong tool
  if (cells > 2 ** 28) {
    throw new RangeError(`frequentItemsets: ${n} frequent items make ${cells} candidate pairs, too many to count at once; raise minSupport, or use algorithm "fpgrowth"`);
  }
  const counts = new Uint32Array(cells);
  const { offsets, ranks } = db;
  for (let b = 0; b + 1 < offsets.length; b++) {
    const end = offsets[b + 1];
    for (let p = offsets[b]; p < end - 1; p++) {
      const i = ranks[p];
      const row = (i * (2 * n - i - 1)) / 2 - i - 1;
      for (let q = p + 1; q < end; q++) counts[row + ranks[q]]++;
    }
  }
  return counts;
}
