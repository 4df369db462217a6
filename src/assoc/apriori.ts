import { countPairs, type RankedDatabase } from "./database.js";
import { ItemsetTrie } from "./itemset-trie.js";
import type { ItemsetSink } from "./sink.js";

/**
 * Apriori, level by level as Agrawal & Srikant (1994) and the study notes describe it:
 *  1. scan the data; every item is a candidate 1-itemset; keep the frequent ones (done by
 *     `rankFrequentItems`, whose output this receives);
 *  2. join frequent k-itemsets that share their first k-1 items into candidate (k+1)-itemsets, drop
 *     every candidate with an infrequent k-subset (downward closure: a superset of an infrequent
 *     itemset is infrequent), then scan the data to count the survivors and keep the frequent ones;
 *  3. stop when a level has no frequent itemset, or only one (nothing left to join), or reaches
 *     maxLength.
 * Itemsets are sorted arrays of ranks, each level one flat Int32Array in lexicographic order.
 */
export function apriori(db: RankedDatabase, minCount: number, maxLength: number, sink: ItemsetSink): void {
  const single = new Int32Array(1);
  for (let rank = 0; rank < db.nItems; rank++) {
    single[0] = rank;
    sink.add(single, 1, db.rankCount[rank]);
  }
  if (maxLength < 2 || db.nItems < 2) return;

  let level = frequentPairs(db, minCount, sink);
  let size = level.length / 2;
  let offsets = db.offsets;
  let ranks = db.ranks;
  for (let k = 2; k < maxLength && size > 1; k++) {
    const candidates = joinAndPrune(level, k, size, db.nItems);
    const nCandidates = candidates.length / (k + 1);
    if (nCandidates === 0) break;
    ({ offsets, ranks } = keepUsefulItems(offsets, ranks, candidates, k + 1, db.nItems));
    const counts = new ItemsetTrie(candidates, k + 1, nCandidates, db.nItems).countIn(offsets, ranks);
    const kept: number[] = [];
    for (let c = 0; c < nCandidates; c++) {
      if (counts[c] < minCount) continue;
      kept.push(c);
      sink.add(candidates.subarray(c * (k + 1), (c + 1) * (k + 1)), k + 1, counts[c]);
    }
    level = new Int32Array(kept.length * (k + 1));
    kept.forEach((c, s) => level.set(candidates.subarray(c * (k + 1), (c + 1) * (k + 1)), s * (k + 1)));
    size = kept.length;
  }
}

/**
 * Level 2: every pair of frequent items is a candidate (all of its 1-subsets are frequent), so the
 * pairs are counted in a triangular array instead of a trie. Returns the frequent pairs, flat.
 */
function frequentPairs(db: RankedDatabase, minCount: number, sink: ItemsetSink): Int32Array {
  const n = db.nItems;
  const counts = countPairs(db);
  const pairs: number[] = [];
  const pair = new Int32Array(2);
  for (let i = 0, cell = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++, cell++) {
      if (counts[cell] < minCount) continue;
      pair[0] = i;
      pair[1] = j;
      pairs.push(i, j);
      sink.add(pair, 2, counts[cell]);
    }
  }
  return Int32Array.from(pairs);
}

/**
 * Candidate (k+1)-itemsets from the `size` frequent k-itemsets in `level`: two itemsets that agree
 * on their first k-1 items join into one; the candidate survives if each of its other k-subsets
 * (those that drop one of the shared items) is frequent too. Output is lexicographically sorted.
 */
function joinAndPrune(level: Int32Array, k: number, size: number, nItems: number): Int32Array {
  const frequent = new ItemsetTrie(level, k, size, nItems);
  let out = new Int32Array(Math.max(16, size * (k + 1)));
  let used = 0;
  const candidate = new Int32Array(k + 1);
  for (let blockStart = 0; blockStart < size; ) {
    let blockEnd = blockStart + 1;
    while (blockEnd < size && sharesPrefix(level, blockStart, blockEnd, k)) blockEnd++;
    for (let a = blockStart; a < blockEnd; a++) {
      candidate.set(level.subarray(a * k, (a + 1) * k));
      for (let b = a + 1; b < blockEnd; b++) {
        candidate[k] = level[b * k + k - 1];
        let allFrequent = true;
        for (let skip = 0; skip < k - 1 && allFrequent; skip++) allFrequent = frequent.indexWithout(candidate, skip) >= 0;
        if (!allFrequent) continue;
        if (used + k + 1 > out.length) {
          const grown = new Int32Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        out.set(candidate, used);
        used += k + 1;
      }
    }
    blockStart = blockEnd;
  }
  return out.slice(0, used);
}

function sharesPrefix(level: Int32Array, a: number, b: number, k: number): boolean {
  for (let d = 0; d < k - 1; d++) if (level[a * k + d] !== level[b * k + d]) return false;
  return true;
}

/**
 * Drops items that appear in no candidate and baskets left with fewer than `length` items: neither
 * can contribute to a count at this level or any later one, and later scans get shorter.
 */
function keepUsefulItems(
  offsets: Int32Array,
  ranks: Int32Array,
  candidates: Int32Array,
  length: number,
  nItems: number,
): { offsets: Int32Array; ranks: Int32Array } {
  const useful = new Uint8Array(nItems);
  for (let p = 0; p < candidates.length; p++) useful[candidates[p]] = 1;
  const keptRanks = new Int32Array(ranks.length);
  const keptOffsets: number[] = [0];
  let out = 0;
  for (let b = 0; b + 1 < offsets.length; b++) {
    const start = out;
    for (let p = offsets[b]; p < offsets[b + 1]; p++) if (useful[ranks[p]]) keptRanks[out++] = ranks[p];
    if (out - start < length) out = start;
    else keptOffsets.push(out);
  }
  return { offsets: Int32Array.from(keptOffsets), ranks: keptRanks.slice(0, out) };
}
