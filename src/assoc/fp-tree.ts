import type { RankedDatabase } from "./database.js";

/**
 * The FP-tree of FP-Growth as struct-of-arrays: node i has parent[i], item[i], count[i] and
 * next[i], the next node of the same item (the header table's node-link); node 0 is the root.
 * Children are found through an open-addressing hash table keyed by (parent, item).
 */
export class FPTree {
  parent = new Int32Array(1024);
  item = new Int32Array(1024);
  count = new Int32Array(1024);
  next = new Int32Array(1024);
  size = 1;
  /** first node of each item (-1 if none) and the item's summed count */
  readonly head: Int32Array;
  readonly total: Int32Array;
  /** items with at least one node, so a reset touches only those */
  readonly present: Int32Array;
  nPresent = 0;
  /**
   * Open-addressing hash from (parent, item) to child: slot s is table[4s .. 4s+4) = [stamp, parent,
   * item, child], one cache line per probe. A slot whose stamp is not the current one is empty, so a
   * reset is one increment instead of clearing the table.
   */
  private table = new Int32Array(2048 * 4);
  private capacity = 2048;
  private stamp = 1;

  constructor(nItems: number) {
    this.head = new Int32Array(nItems).fill(-1);
    this.total = new Int32Array(nItems);
    this.present = new Int32Array(nItems);
  }

  reset(): void {
    for (let k = 0; k < this.nPresent; k++) {
      this.head[this.present[k]] = -1;
      this.total[this.present[k]] = 0;
    }
    this.nPresent = 0;
    this.size = 1;
    this.stamp++;
  }

  /** Adds the path `path[start .. end)` (ranks ascending) with the given count. */
  insert(path: Int32Array, start: number, end: number, count: number): void {
    let node = 0;
    for (let k = start; k < end; k++) node = this.step(node, path[k], count);
  }

  /**
   * Builds the tree from baskets visited in lexicographic order (ranks ascending within each). Each
   * basket then shares with the tree exactly its common prefix with the previous basket, so no child
   * lookup is needed, and nodes come out in depth-first (pre-)order, which lets FP-Growth read every
   * node's path in one sequential sweep. Only for an empty tree; conditional trees use `insert`.
   */
  buildFromSorted(ranks: Int32Array, offsets: Int32Array, order: Int32Array): void {
    const pathNodes = new Int32Array(this.head.length + 1);
    let previous = -1;
    for (const b of order) {
      const start = offsets[b];
      const end = offsets[b + 1];
      let shared = 0;
      if (previous >= 0) {
        const prevStart = offsets[previous];
        const limit = Math.min(end - start, offsets[previous + 1] - prevStart);
        while (shared < limit && ranks[start + shared] === ranks[prevStart + shared]) shared++;
      }
      for (let k = 0; k < shared; k++) this.count[pathNodes[k]]++;
      for (let k = shared; k < end - start; k++) {
        const node = this.addNode(k === 0 ? 0 : pathNodes[k - 1], ranks[start + k]);
        this.count[node] = 1;
        pathNodes[k] = node;
      }
      for (let k = start; k < end; k++) this.total[ranks[k]]++;
      previous = b;
    }
  }

  /** True when the tree is one chain: every node after the first hangs from the one created before. */
  isSinglePath(): boolean {
    for (let n = 1; n < this.size; n++) if (this.parent[n] !== n - 1) return false;
    return true;
  }

  /** The child of `parent` for `item`, created if missing, with `count` added. */
  private step(parent: number, item: number, count: number): number {
    const table = this.table;
    const mask = this.capacity - 1;
    let s = slotOf(parent, item, mask);
    let child = -1;
    for (; table[s * 4] === this.stamp; s = (s + 1) & mask) {
      if (table[s * 4 + 1] === parent && table[s * 4 + 2] === item) {
        child = table[s * 4 + 3];
        break;
      }
    }
    if (child < 0) {
      child = this.addNode(parent, item);
      table[s * 4] = this.stamp;
      table[s * 4 + 1] = parent;
      table[s * 4 + 2] = item;
      table[s * 4 + 3] = child;
      // keep the table at most half full so probes stay short
      if (this.size * 2 > this.capacity) this.rehash(this.capacity * 2);
    }
    this.count[child] += count;
    this.total[item] += count;
    return child;
  }

  private addNode(parent: number, item: number): number {
    if (this.size === this.parent.length) this.growNodes();
    const node = this.size++;
    this.parent[node] = parent;
    this.item[node] = item;
    this.count[node] = 0;
    if (this.head[item] < 0) this.present[this.nPresent++] = item;
    this.next[node] = this.head[item];
    this.head[item] = node;
    return node;
  }

  private rehash(capacity: number): void {
    this.capacity = capacity;
    this.table = new Int32Array(capacity * 4);
    this.stamp = 1;
    const mask = capacity - 1;
    for (let n = 1; n < this.size; n++) {
      const parent = this.parent[n];
      const item = this.item[n];
      let s = slotOf(parent, item, mask);
      while (this.table[s * 4] === 1) s = (s + 1) & mask;
      this.table[s * 4] = 1;
      this.table[s * 4 + 1] = parent;
      this.table[s * 4 + 2] = item;
      this.table[s * 4 + 3] = n;
    }
  }

  private growNodes(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.parent = grow(this.parent);
    this.item = grow(this.item);
    this.count = grow(this.count);
    this.next = grow(this.next);
  }
}

/** Hash of a (parent, item) key, mixed so that its low bits depend on all input bits (murmur3's finalizer). */
function slotOf(parent: number, item: number, mask: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ item;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}

/**
 * Basket indices in lexicographic order of their rank sequences, a prefix first: a most-significant-
 * digit radix sort (one counting pass per group and position), so the cost is the total basket
 * length rather than n log n comparator calls.
 */
export function lexicographicOrder(db: RankedDatabase): Int32Array {
  const { offsets, ranks, nItems } = db;
  const n = offsets.length - 1;
  const order = Int32Array.from({ length: n }, (_, b) => b);
  const scratch = new Int32Array(n);
  const keys = new Int32Array(n);
  // key 0 = the basket has ended at this position, key r + 1 = rank r
  const groupEnd = new Int32Array(nItems + 1);
  const keyAt = (b: number, position: number) => (offsets[b] + position < offsets[b + 1] ? ranks[offsets[b] + position] + 1 : 0);

  const sortGroup = (lo: number, hi: number, position: number): void => {
    if (hi - lo <= 16) {
      for (let i = lo + 1; i < hi; i++) {
        const b = order[i];
        let j = i - 1;
        while (j >= lo && compareFrom(order[j], b, position) > 0) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = b;
      }
      return;
    }
    const distinct: number[] = [];
    for (let i = lo; i < hi; i++) {
      const key = (keys[i] = keyAt(order[i], position));
      if (groupEnd[key]++ === 0) distinct.push(key);
    }
    distinct.sort((x, y) => x - y);
    let start = lo;
    for (const key of distinct) {
      const size = groupEnd[key];
      groupEnd[key] = start;
      start += size;
    }
    for (let i = lo; i < hi; i++) scratch[groupEnd[keys[i]]++] = order[i];
    order.set(scratch.subarray(lo, hi), lo);
    // groupEnd[key] is now each group's end; clear it before recursing, which reuses the array
    const ends = distinct.map((key) => groupEnd[key]);
    for (const key of distinct) groupEnd[key] = 0;
    start = lo;
    distinct.forEach((key, g) => {
      if (key !== 0) sortGroup(start, ends[g], position + 1);
      start = ends[g];
    });
  };

  const compareFrom = (x: number, y: number, position: number): number => {
    const xEnd = offsets[x + 1];
    const yEnd = offsets[y + 1];
    for (let i = offsets[x] + position, j = offsets[y] + position; i < xEnd && j < yEnd; i++, j++) {
      if (ranks[i] !== ranks[j]) return ranks[i] - ranks[j];
    }
    return xEnd - offsets[x] - (yEnd - offsets[y]);
  };

  sortGroup(0, n, 0);
  return order;
}

