/**
 * A binary min-heap over the keys 0..size-1 ordered by `values[key]`, which the caller owns and
 * changes before calling `update(key)`; positions are tracked so an update sifts in O(log n).
 */
export class IndexedMinHeap {
  private readonly values: Float64Array;
  private readonly heap: Int32Array;
  private readonly position: Int32Array;
  private size: number;

  constructor(values: Float64Array) {
    this.values = values;
    this.size = values.length;
    this.heap = Int32Array.from({ length: this.size }, (_, i) => i);
    this.position = Int32Array.from({ length: this.size }, (_, i) => i);
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  top(): number {
    return this.heap[0];
  }

  pop(): number {
    const key = this.heap[0];
    this.size--;
    if (this.size > 0) {
      this.place(0, this.heap[this.size]);
      this.siftDown(0);
    }
    return key;
  }

  /** Restores order after `values[key]` changed (up or down). */
  update(key: number): void {
    const i = this.position[key];
    this.siftUp(i);
    this.siftDown(this.position[key]);
  }

  private place(i: number, key: number): void {
    this.heap[i] = key;
    this.position[key] = i;
  }

  private siftUp(i: number): void {
    const key = this.heap[i];
    const v = this.values[key];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = this.heap[parent];
      if (this.values[pk] <= v) break;
      this.place(i, pk);
      i = parent;
    }
    this.place(i, key);
  }

  private siftDown(i: number): void {
    const key = this.heap[i];
    const v = this.values[key];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.values[this.heap[child + 1]] < this.values[this.heap[child]]) child++;
      const ck = this.heap[child];
      if (this.values[ck] >= v) break;
      this.place(i, ck);
      i = child;
    }
    this.place(i, key);
  }
}
