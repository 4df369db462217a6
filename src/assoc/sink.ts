/**
 * Where miners put the itemsets they find: flat typed arrays of item ids, so that mining creates no
 * object per itemset; `frequentItemsets` turns them into result objects once, at the end.
 */
export class ItemsetSink {
  private ids = new Int32Array(1 << 12);
  private used = 0;
  private starts: number[] = [0];
  private counts: number[] = [];

  /** @param rankToItem maps the miner's ranks to item ids */
  constructor(private readonly rankToItem: Int32Array) {}

  /** Records the itemset `ranks[0 .. length)` found in `count` baskets. */
  add(ranks: ArrayLike<number>, length: number, count: number): void {
    if (this.used + length > this.ids.length) {
      const grown = new Int32Array(Math.max(this.ids.length * 2, this.used + length));
      grown.set(this.ids);
      this.ids = grown;
    }
    for (let k = 0; k < length; k++) this.ids[this.used++] = this.rankToItem[ranks[k]];
    this.starts.push(this.used);
    this.counts.push(count);
  }

  get size(): number {
    return this.counts.length;
  }

  /**
   * The itemsets as sorted item-id arrays, ordered by length, then lexicographically by id: one
   * canonical order, whichever miner found them and in whatever order.
   */
  sorted(): { items: Int32Array[]; counts: number[] } {
    const n = this.counts.length;
    const items: Int32Array[] = new Array(n);
    for (let s = 0; s < n; s++) items[s] = this.ids.slice(this.starts[s], this.starts[s + 1]).sort();
    const order = Array.from({ length: n }, (_, s) => s);
    order.sort((a, b) => {
      const x = items[a];
      const y = items[b];
      if (x.length !== y.length) return x.length - y.length;
      for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) return x[k] - y[k];
      return 0;
    });
    return { items: order.map((s) => items[s]), counts: order.map((s) => this.counts[s]) };
  }
}
