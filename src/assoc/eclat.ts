import { countPairs, pairIndex, type RankedDatabase } from "./database.js";
import type { ItemsetSink } from "./sink.js";

/**
 * Eclat (Zaki 2000): depth-first over equivalence classes (itemsets sharing a prefix), with the
 * support of P∪{a,b} read off the intersection of the tidsets (sets of basket indices) of P∪{a} and
 * P∪{b}. Items are ranked least frequent first so the classes near the root stay small.
 *
 * A tidset is stored either as a sorted list of basket indices or as a bitset, whichever is smaller
 * (a bitset costs nBaskets/32 words whatever its count), in one Int32Array arena per depth that is
 * reused from class to class. Pair counts come from one triangular counting pass (Zaki's own
 * shortcut for level 2), so no intersection is spent on an infrequent pair, at any depth.
 */
export function eclat(db: RankedDatabase, minCount: number, maxLength: number, sink: ItemsetSink): void {
  if (db.nItems === 0) return;
  new EclatMiner(db, minCount, maxLength, sink).run();
}

/** Members of one equivalence class and the arena holding their tidsets. */
class ClassLevel {
  readonly item: Int32Array;
  readonly count: Int32Array;
  readonly offset: Int32Array;
  /** list length, or the word count for a bitset */
  readonly length: Int32Array;
  readonly isBitset: Uint8Array;
  size = 0;
  arena = new Int32Array(1024);
  used = 0;

  constructor(capacity: number) {
    this.item = new Int32Array(capacity);
    this.count = new Int32Array(capacity);
    this.offset = new Int32Array(capacity);
    this.length = new Int32Array(capacity);
    this.isBitset = new Uint8Array(capacity);
  }

  /** Resets the class, with room for `words` more arena words. */
  clear(words: number): void {
    this.size = 0;
    this.used = 0;
    if (this.arena.length < words) this.arena = new Int32Array(Math.max(words, this.arena.length * 2));
  }
}

/** Pairs are counted in a triangle only while it fits in 256 MiB; beyond that they are intersected. */
const MAX_PAIR_CELLS = 2 ** 26;

class EclatMiner {
  private readonly levels: ClassLevel[] = [];
  private readonly prefix: Int32Array;
  private readonly words: number;
  /** scratch for a bitset AND before it is known whether the result is kept as a bitset */
  private readonly scratch: Int32Array;
  /** the tids of the current class member u as a bitset, when u's tidset is a list */
  private readonly marks: Int32Array;
  private pairCounts: Uint32Array | null = null;

  constructor(
    private readonly db: RankedDatabase,
    private readonly minCount: number,
    private readonly maxLength: number,
    private readonly sink: ItemsetSink,
  ) {
    this.prefix = new Int32Array(db.nItems + 1);
    this.words = Math.ceil((db.offsets.length - 1) / 32);
    this.scratch = new Int32Array(this.words);
    this.marks = new Int32Array(this.words);
  }

  run(): void {
    const { nItems } = this.db;
    if (this.maxLength >= 2 && (nItems * (nItems - 1)) / 2 <= MAX_PAIR_CELLS) this.pairCounts = countPairs(this.db);
    this.loadItemTidsets(this.levelAt(0));
    this.mineClass(0, 0);
  }

  private levelAt(depth: number): ClassLevel {
    while (this.levels.length <= depth) this.levels.push(new ClassLevel(this.db.nItems));
    return this.levels[depth];
  }

  /** Depth 0: the class with the empty prefix, one member per frequent item. */
  private loadItemTidsets(level: ClassLevel): void {
    const { nItems, rankCount, offsets, ranks } = this.db;
    let total = 0;
    for (let r = 0; r < nItems; r++) total += rankCount[r] >= this.words ? this.words : rankCount[r];
    level.clear(total);
    let at = 0;
    for (let r = 0; r < nItems; r++) {
      level.item[r] = r;
      level.count[r] = rankCount[r];
      level.offset[r] = at;
      level.isBitset[r] = rankCount[r] >= this.words ? 1 : 0;
      level.length[r] = level.isBitset[r] ? this.words : rankCount[r];
      at += level.length[r];
    }
    level.size = nItems;
    level.used = at;
    level.arena.fill(0, 0, at);
    const fill = new Int32Array(nItems);
    const arena = level.arena;
    for (let b = 0; b + 1 < offsets.length; b++) {
      for (let p = offsets[b]; p < offsets[b + 1]; p++) {
        const r = ranks[p];
        if (level.isBitset[r]) arena[level.offset[r] + (b >>> 5)] |= 1 << (b & 31);
        else arena[level.offset[r] + fill[r]++] = b;
      }
    }
  }

  private mineClass(depth: number, prefixLength: number): void {
    const level = this.levels[depth];
    for (let u = 0; u < level.size; u++) {
      this.prefix[prefixLength] = level.item[u];
      this.sink.add(this.prefix, prefixLength + 1, level.count[u]);
      if (prefixLength + 1 >= this.maxLength || u + 1 >= level.size) continue;
      const child = this.levelAt(depth + 1);
      let bound = 0;
      for (let v = u + 1; v < level.size; v++) bound += Math.min(level.length[u], level.length[v]);
      child.clear(bound);
      // a list tidset of u is spread into the marks bitset once, so that each list of v is
      // intersected with it by bit tests instead of a branchy merge
      if (!level.isBitset[u]) setMarks(this.marks, level.arena, level.offset[u], level.length[u], -1);
      for (let v = u + 1; v < level.size; v++) {
        // P∪{a,b} cannot be frequent when {a,b} is not: the pair counts rule most candidates out
        if (this.pairCounts && this.pairCounts[pairIndex(level.item[u], level.item[v], this.db.nItems)] < this.minCount) continue;
        this.intersectInto(level, u, v, child);
      }
      if (!level.isBitset[u]) setMarks(this.marks, level.arena, level.offset[u], level.length[u], 0);
      if (child.size > 0) this.mineClass(depth + 1, prefixLength + 1);
    }
  }

  /** Appends the member item[v] with tidset(u) ∩ tidset(v) to `child` if that is frequent. */
  private intersectInto(level: ClassLevel, u: number, v: number, child: ClassLevel): void {
    const a = level.arena;
    const out = child.arena;
    const start = child.used;
    let count: number;
    let isBitset = 0;
    let length: number;
    if (level.isBitset[u] && level.isBitset[v]) {
      count = andBitsets(a, level.offset[u], a, level.offset[v], this.words, this.scratch);
      if (count < this.minCount) return;
      if (count >= this.words) {
        out.set(this.scratch, start);
        isBitset = 1;
        length = this.words;
      } else {
        length = bitsToList(this.scratch, this.words, out, start);
      }
    } else if (level.isBitset[u]) {
      count = length = filterList(a, level.offset[v], level.length[v], a, level.offset[u], out, start, this.minCount);
    } else if (level.isBitset[v]) {
      count = length = filterList(a, level.offset[u], level.length[u], a, level.offset[v], out, start, this.minCount);
    } else {
      count = length = filterList(a, level.offset[v], level.length[v], this.marks, 0, out, start, this.minCount);
    }
    if (count < this.minCount) return;
    const m = child.size++;
    child.item[m] = level.item[v];
    child.count[m] = count;
    child.offset[m] = start;
    child.length[m] = length;
    child.isBitset[m] = isBitset;
    child.used = start + length;
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function andBitsets(a: Int32Array, aOff: number, b: Int32Array, bOff: number, words: number, out: Int32Array): number {
  let count = 0;
  for (let w = 0; w < words; w++) {
    const x = a[aOff + w] & b[bOff + w];
    out[w] = x;
    if (x !== 0) count += popcount(x);
  }
  return count;
}

function bitsToList(bits: Int32Array, words: number, out: Int32Array, outOff: number): number {
  let n = 0;
  for (let w = 0; w < words; w++) {
    let x = bits[w];
    while (x !== 0) {
      const low = x & -x;
      out[outOff + n++] = (w << 5) + (31 - Math.clz32(low));
      x ^= low;
    }
  }
  return n;
}

/** Keeps the listed tids whose bit is set; gives up (returning a short count) once minCount is out of reach. */
function filterList(list: Int32Array, lOff: number, lLen: number, bits: Int32Array, bOff: number, out: Int32Array, outOff: number, minCount: number): number {
  let n = 0;
  for (let k = 0; k < lLen; k++) {
    const t = list[lOff + k];
    if (bits[bOff + (t >>> 5)] & (1 << (t & 31))) out[outOff + n++] = t;
    else if (n + lLen - k - 1 < minCount) return n;
  }
  return n;
}

/** Sets (value -1) or clears (value 0) the words holding the listed tids in `marks`. */
function setMarks(marks: Int32Array, list: Int32Array, offset: number, length: number, value: number): void {
  if (value === 0) {
    for (let k = 0; k < length; k++) marks[list[offset + k] >>> 5] = 0;
  } else {
    for (let k = 0; k < length; k++) marks[list[offset + k] >>> 5] |= 1 << (list[offset + k] & 31);
  }
}
