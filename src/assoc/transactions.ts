/**
 * Transactions as the miners see them: every distinct item gets an integer id, and the baskets are
 * stored as one flat Int32Array of ids with row offsets (CSR), so mining never touches the original
 * item values again.
 */

/** An item in a basket. `1` and `"1"` are different items. */
export type Item = string | number;

/**
 * Baskets encoded once, reusable across several `frequentItemsets` calls (other thresholds or
 * algorithms) without re-reading the items.
 */
export class EncodedTransactions<T extends Item = Item> {
  /** @param items   item value of each id; ids follow `compareItems` order, so sorting ids sorts items
   *  @param offsets basket b holds `itemIds[offsets[b] .. offsets[b + 1])`, each id once, ascending */
  constructor(
    readonly items: readonly T[],
    readonly offsets: Int32Array,
    readonly itemIds: Int32Array,
  ) {}

  /** Number of baskets, empty ones included: they count in every support's denominator, as in mlxtend. */
  get nTransactions(): number {
    return this.offsets.length - 1;
  }

  /** How many baskets hold each item id. */
  itemCounts(): Int32Array {
    const counts = new Int32Array(this.items.length);
    for (let i = 0; i < this.itemIds.length; i++) counts[this.itemIds[i]]++;
    return counts;
  }
}

/**
 * Total order on items: numbers (ascending) before strings; strings in natural order, so "item9"
 * comes before "item10" and "9" before "10", with plain code-unit order breaking ties ("01" vs "1").
 */
export function compareItems(a: Item, b: Item): number {
  if (typeof a === "number") return typeof b === "number" ? a - b : -1;
  if (typeof b === "number") return 1;
  const natural = compareNatural(a, b);
  if (natural !== 0) return natural;
  return a < b ? -1 : a > b ? 1 : 0;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Compares runs of digits by numeric value and everything else by code unit. */
function compareNatural(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let endA = i;
      let endB = j;
      while (endA < a.length && isDigit(a.charCodeAt(endA))) endA++;
      while (endB < b.length && isDigit(b.charCodeAt(endB))) endB++;
      // strip leading zeros, then the longer run is the larger number
      let startA = i;
      let startB = j;
      while (startA < endA - 1 && a.charCodeAt(startA) === 48) startA++;
      while (startB < endB - 1 && b.charCodeAt(startB) === 48) startB++;
      const lengthDiff = endA - startA - (endB - startB);
      if (lengthDiff !== 0) return lengthDiff;
      for (let k = 0; k < endA - startA; k++) {
        const d = a.charCodeAt(startA + k) - b.charCodeAt(startB + k);
        if (d !== 0) return d;
      }
      i = endA;
      j = endB;
    } else {
      if (ca !== cb) return ca - cb;
      i++;
      j++;
    }
  }
  return a.length - i - (b.length - j);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  return typeof value;
}

/**
 * Encodes baskets of strings and/or numbers. A basket may be any non-string iterable; repeated items
 * in one basket count once (a basket is a set, as in mlxtend's TransactionEncoder). Throws a TypeError
 * naming the basket and position of anything that is not an item.
 */
export function encodeTransactions<T extends Item>(transactions: Iterable<Iterable<T>>): EncodedTransactions<T> {
  if (transactions == null || typeof (transactions as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`transactions: expected an array of baskets (arrays of items), got ${describe(transactions)}`);
  }
  const firstIds = new Map<T, number>();
  const values: T[] = [];
  const offsets: number[] = [0];
  let raw = new Int32Array(1024);
  let length = 0;
  let basketIndex = 0;
  for (const basket of transactions) {
    if (basket == null || typeof basket === "string" || typeof (basket as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new TypeError(`transactions[${basketIndex}]: expected an array of items, got ${describe(basket)}`);
    }
    let position = 0;
    for (const item of basket) {
      if (typeof item !== "string" && !(typeof item === "number" && !Number.isNaN(item))) {
        throw new TypeError(`transactions[${basketIndex}][${position}]: expected a string or a number, got ${describe(item)}`);
      }
      let id = firstIds.get(item);
      if (id === undefined) {
        id = values.length;
        firstIds.set(item, id);
        values.push(item);
      }
      if (length === raw.length) {
        const grown = new Int32Array(raw.length * 2);
        grown.set(raw);
        raw = grown;
      }
      raw[length++] = id;
      position++;
    }
    offsets.push(length);
    basketIndex++;
  }
  return canonicalize(values, Int32Array.from(offsets), raw.subarray(0, length));
}

/** Renumbers first-seen ids into `compareItems` order and sorts and de-duplicates every basket. */
function canonicalize<T extends Item>(values: T[], offsets: Int32Array, rawIds: Int32Array): EncodedTransactions<T> {
  const order = values.map((_, id) => id).sort((a, b) => compareItems(values[a], values[b]));
  const newId = new Int32Array(values.length);
  order.forEach((oldId, rank) => (newId[oldId] = rank));
  const items = order.map((oldId) => values[oldId]);
  const ids = new Int32Array(rawIds.length);
  const newOffsets = new Int32Array(offsets.length);
  let out = 0;
  for (let b = 0; b + 1 < offsets.length; b++) {
    const start = out;
    for (let p = offsets[b]; p < offsets[b + 1]; p++) ids[out++] = newId[rawIds[p]];
    sortRun(ids, start, out);
    // drop repeats in the now sorted basket
    let kept = start;
    for (let p = start; p < out; p++) if (p === start || ids[p] !== ids[p - 1]) ids[kept++] = ids[p];
    out = kept;
    newOffsets[b + 1] = out;
  }
  return new EncodedTransactions(items, newOffsets, ids.slice(0, out));
}

/** Sorts `a[start .. end)` ascending; baskets are short, where insertion sort beats a typed-array sort call. */
export function sortRun(a: Int32Array, start: number, end: number): void {
  if (end - start > 32) {
    a.subarray(start, end).sort();
    return;
  }
  for (let i = start + 1; i < end; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= start && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}
