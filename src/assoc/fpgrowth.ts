import type { RankedDatabase } from "./database.js";
import type { ItemsetSink } from "./sink.js";

/**
 * FP-Growth (Han, Pei & Yin 2000): the baskets, items ordered most frequent first, are merged into a
 * prefix tree (the FP-tree); the itemsets ending in item x are mined from the tree built over the
 * paths that lead to x (its conditional FP-tree), recursively. No candidates are generated.
 *
 * The tree is struct-of-arrays: node i has parent[i], item[i], count[i] and next[i], the next node
 * of the same item (the header table's node-link). Children are found through a hash table keyed by
 * (parent, item). One tree per recursion depth is allocated and reused, so mining allocates nothing
 * per itemset.
 */
export function fpgrowth(db: RankedDatabase, minCount: number, maxLength: number, sink: ItemsetSink): void {
  if (db.nItems === 0) return;
  new FPGrowthMiner(db.nItems, minCount, maxLength, sink).run(db);
}

class FPTree {
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
   * lookup is needed, and nodes come out in depth-first order, which keeps a path's nodes close in
   * memory for the upward walks of mining. Only for a freshly reset tree; later inserts use `insert`.
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

/** Words of conditional pattern bases filed per sweep of the global tree (128 MiB). */
const TOP_LEVEL_BUDGET = 2 ** 25;

/**
 * Basket indices in lexicographic order of their rank sequences, a prefix first: a most-significant-
 * digit radix sort (one counting pass per group and position), so the cost is the total basket
 * length rather than n log n comparator calls.
 */
function lexicographicOrder(db: RankedDatabase): Int32Array {
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

/** Hash of a (parent, item) key, mixed so that its low bits depend on all input bits (murmur3's finalizer). */
function slotOf(parent: number, item: number, mask: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ item;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) & mask;
}

class FPGrowthMiner {
  private readonly trees: FPTree[] = [];
  private readonly prefix: Int32Array;
  /** item counts within one conditional pattern base */
  private readonly baseCount: Int32Array;
  private readonly touched: Int32Array;
  private readonly path: Int32Array;
  /** the conditional pattern base being read, see buildConditionalTree */
  private paths = new Int32Array(1 << 16);
  /** the first level's conditional pattern bases, see mineTopLevel */
  private topPaths = new Int32Array(0);

  constructor(
    private readonly nItems: number,
    private readonly minCount: number,
    private readonly maxLength: number,
    private readonly sink: ItemsetSink,
  ) {
    this.prefix = new Int32Array(nItems + 1);
    this.baseCount = new Int32Array(nItems);
    this.touched = new Int32Array(nItems);
    this.path = new Int32Array(nItems);
  }

  run(db: RankedDatabase): void {
    const tree = this.treeAt(0);
    tree.buildFromSorted(db.ranks, db.offsets, lexicographicOrder(db));
    if (tree.isSinglePath()) this.emitPathCombinations(tree, 1, 0);
    else this.mineTopLevel(tree);
  }

  /**
   * The first level of `mine` without its upward walks: on the big global tree each walk step is a
   * cache miss. The tree's nodes are in depth-first order (see buildFromSorted), so one sequential
   * sweep with a stack of the current path hands every node its ancestors; the sweep files them as
   * each item's conditional pattern base. Items are taken in batches whose bases fit in
   * TOP_LEVEL_BUDGET words, one sweep per batch.
   */
  private mineTopLevel(tree: FPTree): void {
    const { size, parent, item, count } = tree;
    const depth = new Int32Array(size);
    const need = new Float64Array(this.nItems);
    for (let n = 1; n < size; n++) {
      depth[n] = depth[parent[n]] + 1;
      need[item[n]] += depth[n] + 1; // [length, count] then depth - 1 ancestors
    }
    const baseStart = new Float64Array(this.nItems);
    const fill = new Float64Array(this.nItems);
    const batchOf = new Int32Array(this.nItems).fill(-1);
    const stack = new Int32Array(this.nItems + 1);
    for (let first = 0, batch = 0; first < tree.nPresent; batch++) {
      let end = first;
      let total = 0;
      while (end < tree.nPresent && (end === first || total + need[tree.present[end]] <= TOP_LEVEL_BUDGET)) {
        const x = tree.present[end++];
        baseStart[x] = fill[x] = total;
        total += need[x];
        batchOf[x] = batch;
      }
      if (this.topPaths.length < total) this.topPaths = new Int32Array(total);
      const bases = this.topPaths;
      for (let n = 1; n < size; n++) {
        const d = depth[n];
        const x = item[n];
        stack[d - 1] = x;
        if (batchOf[x] !== batch) continue;
        let at = fill[x];
        bases[at++] = d - 1;
        bases[at++] = count[n];
        for (let k = 0; k < d - 1; k++) bases[at++] = stack[k];
        fill[x] = at;
      }
      for (let k = first; k < end; k++) {
        const x = tree.present[k];
        this.prefix[0] = x;
        this.sink.add(this.prefix, 1, tree.total[x]);
        if (this.maxLength > 1 && this.buildFromPaths(bases, baseStart[x], fill[x], 1)) this.mine(1, 1);
      }
      first = end;
    }
  }

  private growPaths(minimum: number): void {
    const grown = new Int32Array(Math.max(minimum, this.paths.length * 2));
    grown.set(this.paths);
    this.paths = grown;
  }

  private treeAt(depth: number): FPTree {
    while (this.trees.length <= depth) this.trees.push(new FPTree(this.nItems));
    return this.trees[depth];
  }

  /** Emits every frequent itemset of the tree at `depth`, each joined to the current prefix. */
  private mine(depth: number, prefixLength: number): void {
    const tree = this.trees[depth];
    if (tree.isSinglePath()) {
      this.emitPathCombinations(tree, 1, prefixLength);
      return;
    }
    for (let k = 0; k < tree.nPresent; k++) {
      const it = tree.present[k];
      this.prefix[prefixLength] = it;
      this.sink.add(this.prefix, prefixLength + 1, tree.total[it]);
      if (prefixLength + 1 < this.maxLength && this.buildConditionalTree(tree, it, depth + 1)) {
        this.mine(depth + 1, prefixLength + 1);
      }
    }
  }

  /**
   * In a single chain, every subset of its items is frequent, and its count is that of its deepest
   * node (counts only fall along a path), so the subsets are emitted without building more trees.
   */
  private emitPathCombinations(tree: FPTree, firstNode: number, length: number): void {
    for (let node = firstNode; node < tree.size; node++) {
      this.prefix[length] = tree.item[node];
      this.sink.add(this.prefix, length + 1, tree.count[node]);
      if (length + 1 < this.maxLength) this.emitPathCombinations(tree, node + 1, length + 1);
    }
  }

  /**
   * Builds the conditional FP-tree of `item` at `depth`: the paths above each node of `item`, with
   * that node's count, keeping only items frequent within those paths. False if it is empty.
   */
  private buildConditionalTree(tree: FPTree, item: number, depth: number): boolean {
    let used = 0;
    for (let node = tree.head[item]; node >= 0; node = tree.next[node]) {
      if (used + 2 + this.nItems > this.paths.length) this.growPaths(used + 2 + this.nItems);
      const paths = this.paths;
      const header = used;
      used += 2;
      for (let a = tree.parent[node]; a > 0; a = tree.parent[a]) paths[used++] = tree.item[a];
      paths.subarray(header + 2, used).reverse();
      paths[header] = used - header - 2;
      paths[header + 1] = tree.count[node];
    }
    return this.buildFromPaths(this.paths, 0, used, depth);
  }

  /**
   * Builds the tree at `depth` from a conditional pattern base, `paths[start .. end)` as records
   * [length, count, items root first…], keeping only the items frequent within the base.
   */
  private buildFromPaths(paths: Int32Array, start: number, end: number, depth: number): boolean {
    const { baseCount, touched, minCount, path } = this;
    let nTouched = 0;
    for (let at = start; at < end; at += 2 + paths[at]) {
      const c = paths[at + 1];
      for (let k = at + 2; k < at + 2 + paths[at]; k++) {
        const it = paths[k];
        if (baseCount[it] === 0) touched[nTouched++] = it;
        baseCount[it] += c;
      }
    }
    let anyFrequent = false;
    for (let k = 0; k < nTouched && !anyFrequent; k++) anyFrequent = baseCount[touched[k]] >= minCount;
    const conditional = this.treeAt(depth);
    conditional.reset();
    if (anyFrequent) {
      for (let at = start; at < end; at += 2 + paths[at]) {
        let kept = 0;
        for (let k = at + 2; k < at + 2 + paths[at]; k++) if (baseCount[paths[k]] >= minCount) path[kept++] = paths[k];
        if (kept > 0) conditional.insert(path, 0, kept, paths[at + 1]);
      }
    }
    for (let k = 0; k < nTouched; k++) baseCount[touched[k]] = 0;
    return anyFrequent;
  }
}
