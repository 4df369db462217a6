/**
 * A prefix tree over a lexicographically sorted list of equal-length itemsets, stored level by level
 * in typed arrays: the "tree structure to count candidate itemsets efficiently" of Apriori
 * (Agrawal & Srikant 1994 used a hash tree; a prefix tree is the form Borgelt 2003 showed faster).
 * The leaves, in order, are the itemsets themselves, so leaf index = itemset index.
 */
export class ItemsetTrie {
  /** item of each node, per level */
  private readonly items: Int32Array[];
  /** children of node x at level d are nodes [childStart[d][x], childStart[d][x + 1]) at level d + 1 */
  private readonly childStart: Int32Array[];
  /** level-0 node of each rank, or -1: the root has as many children as items, so look them up directly */
  private readonly rootNode: Int32Array;
  /** position of each rank in the basket being counted, -1 when absent */
  private readonly position: Int32Array;
  private counts = new Uint32Array(0);
  private basket: Int32Array = new Int32Array(0);
  private basketEnd = 0;

  /**
   * @param itemsets `size` itemsets of `length` ranks each, flat and sorted lexicographically
   * @param nItems   ranks run 0..nItems-1
   */
  constructor(
    itemsets: Int32Array,
    readonly length: number,
    readonly size: number,
    nItems: number,
  ) {
    const items: number[][] = Array.from({ length }, () => []);
    const starts: number[][] = Array.from({ length: length - 1 }, () => []);
    for (let s = 0; s < size; s++) {
      const base = s * length;
      let differs = 0;
      if (s > 0) while (differs < length && itemsets[base + differs] === itemsets[base - length + differs]) differs++;
      for (let d = differs; d < length; d++) {
        // a new node's children are the next nodes created one level down
        if (d < length - 1) starts[d].push(items[d + 1].length);
        items[d].push(itemsets[base + d]);
      }
    }
    for (let d = 0; d < length - 1; d++) starts[d].push(items[d + 1].length);
    this.items = items.map((level) => Int32Array.from(level));
    this.childStart = starts.map((level) => Int32Array.from(level));
    this.rootNode = new Int32Array(nItems).fill(-1);
    this.items[0].forEach((rank, node) => (this.rootNode[rank] = node));
    this.position = new Int32Array(nItems).fill(-1);
  }

  /** Leaf index of the itemset `buffer` minus its element at `skip` (length + 1 ranks), or -1. */
  indexWithout(buffer: ArrayLike<number>, skip: number): number {
    let node = -1;
    let lo = 0;
    let hi = this.items[0].length;
    for (let d = 0, k = 0; d < this.length; d++, k++) {
      if (k === skip) k++;
      node = d === 0 ? this.rootNode[buffer[k]] : search(this.items[d], lo, hi, buffer[k]);
      if (node < 0) return -1;
      if (d < this.length - 1) {
        lo = this.childStart[d][node];
        hi = this.childStart[d][node + 1];
      }
    }
    return node;
  }

  /** Counts, for each itemset, the baskets that contain it: one pass over the transactions. */
  countIn(offsets: Int32Array, ranks: Int32Array): Uint32Array {
    this.counts = new Uint32Array(this.size);
    this.basket = ranks;
    const { position, rootNode, length } = this;
    for (let b = 0; b + 1 < offsets.length; b++) {
      const start = offsets[b];
      const end = offsets[b + 1];
      if (end - start < length) continue;
      for (let p = start; p < end; p++) position[ranks[p]] = p;
      this.basketEnd = end;
      for (let p = start; p <= end - length; p++) {
        const node = rootNode[ranks[p]];
        if (node < 0) continue;
        if (length === 1) this.counts[node]++;
        else this.descend(1, this.childStart[0][node], this.childStart[0][node + 1], p + 1);
      }
      for (let p = start; p < end; p++) position[ranks[p]] = -1;
    }
    return this.counts;
  }

  /** Matches the children [lo, hi) at `level` against the basket from position `from` on. */
  private descend(level: number, lo: number, hi: number, from: number): void {
    const last = this.basketEnd - (this.length - level);
    if (from > last) return;
    const items = this.items[level];
    const leaf = level === this.length - 1;
    // walk whichever side is shorter: the children (looking each up in the basket by position) or
    // the rest of the basket (looking each item up among the sorted children)
    if (hi - lo <= last - from + 1) {
      for (let node = lo; node < hi; node++) {
        const p = this.position[items[node]];
        if (p < from || p > last) continue;
        if (leaf) this.counts[node]++;
        else this.descend(level + 1, this.childStart[level][node], this.childStart[level][node + 1], p + 1);
      }
    } else {
      for (let p = from; p <= last; p++) {
        const node = search(items, lo, hi, this.basket[p]);
        if (node < 0) continue;
        if (leaf) this.counts[node]++;
        else this.descend(level + 1, this.childStart[level][node], this.childStart[level][node + 1], p + 1);
      }
    }
  }
}

/** Index of `value` in the sorted `array[lo .. hi)`, or -1. */
function search(array: Int32Array, lo: number, hi: number, value: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = array[mid];
    if (v === value) return mid;
    if (v < value) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}
