/**
 * The clusters still alive during agglomeration, as a doubly linked list in increasing index order
 * (fastcluster's "active nodes"): scans visit only live clusters, in the same order as a full
 * 0..n-1 sweep that skips dead ones, so tie-breaking is unchanged while dead clusters cost nothing.
 * Index n is the sentinel: `first()` and `next(i)` return n at the end of the list.
 */
export class ActiveSet {
  readonly succ: Int32Array;
  private readonly pred: Int32Array;
  readonly n: number;

  constructor(n: number) {
    this.n = n;
    this.succ = new Int32Array(n + 1);
    this.pred = new Int32Array(n + 1);
    for (let i = 0; i <= n; i++) {
      this.succ[i] = i + 1;
      this.pred[i] = i - 1;
    }
    this.succ[n] = 0;
    this.pred[0] = n;
  }

  first(): number {
    return this.succ[this.n];
  }

  remove(i: number): void {
    const p = this.pred[i];
    const s = this.succ[i];
    this.succ[p] = s;
    this.pred[s] = p;
  }
}

