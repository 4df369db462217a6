import type { RankedDatabase } from "./database.js";
import { FPTree, lexicographicOrder } from "./fp-tree.js";
import type { ItemsetSink } from "./sink.js";

/**
 * FP-Growth (Han, Pei & Yin 2000): the baskets, items ordered most frequent first, are merged into a
 * prefix tree (the FP-tree); the itemsets ending in item x are mined from the tree built over the
 * paths that lead to x (its conditional FP-tree), recursively. No candidates are generated.
 * The trees are typed arrays (see FPTree); one tree per recursion depth is allocated and reused, so
 * mining allocates nothing per itemset.
 */
export function fpgrowth(db: RankedDatabase, minCount: number, maxLength: number, sink: ItemsetSink, topLevelBudget = TOP_LEVEL_BUDGET): void {
  if (db.nItems === 0) return;
  new FPGrowthMiner(db.nItems, minCount, maxLength, sink, topLevelBudget).run(db);
}

/** Words of conditional pattern bases filed per sweep of the global tree (128 MiB). */
const TOP_LEVEL_BUDGET = 2 ** 25;

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
    private readonly topLevelBudget: number,
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
   * topLevelBudget words, one sweep per batch.
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
      while (end < tree.nPresent && (end === first || total + need[tree.present[end]] <= this.topLevelBudget)) {
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
      // the walk went leaf to root; records are root first
      for (let i = header + 2, j = used - 1; i < j; i++, j--) {
        const t = paths[i];
        paths[i] = paths[j];
        paths[j] = t;
      }
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
