/**
 * Explicit ratings as parallel arrays over dense user and item indices. Raw ids (strings, as they
 * appear in the file) map to indices through `userIds` / `itemIds`; a test set is indexed against
 * its training set so the same id always means the same row, and ids first seen in the test set get
 * indices past the ones the model was trained on (models treat those as unknown).
 */
export interface Ratings {
  readonly users: Int32Array;
  readonly items: Int32Array;
  readonly values: Float64Array;
  /** Raw id of each user index. */
  readonly userIds: readonly string[];
  /** Raw id of each item index. */
  readonly itemIds: readonly string[];
}

/** One rating as read from a file or built in code. */
export interface RatingTriple {
  user: string | number;
  item: string | number;
  rating: number;
}

/**
 * Indexes rating triples. With `base` (e.g. the training set when building a test set) its id
 * lists are reused and extended, so shared ids keep their indices.
 */
export function ratingsFromTriples(triples: readonly RatingTriple[], base?: Pick<Ratings, "userIds" | "itemIds">): Ratings {
  const userIds = base ? [...base.userIds] : [];
  const itemIds = base ? [...base.itemIds] : [];
  const userIndex = new Map(userIds.map((id, i) => [id, i]));
  const itemIndex = new Map(itemIds.map((id, i) => [id, i]));
  const lookup = (map: Map<string, number>, ids: string[], raw: string | number) => {
    const id = String(raw);
    let index = map.get(id);
    if (index === undefined) {
      index = ids.length;
      ids.push(id);
      map.set(id, index);
    }
    return index;
  };
  const n = triples.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const values = new Float64Array(n);
  triples.forEach((t, r) => {
    if (!Number.isFinite(t.rating)) throw new RangeError(`ratings: rating ${r} (user ${t.user}, item ${t.item}) is ${t.rating}, expected a finite number`);
    users[r] = lookup(userIndex, userIds, t.user);
    items[r] = lookup(itemIndex, itemIds, t.item);
    values[r] = t.rating;
  });
  return { users, items, values, userIds, itemIds };
}

/** The ratings at the given positions, sharing the id lists. */
export function subsetRatings(r: Ratings, positions: ArrayLike<number>): Ratings {
  const n = positions.length;
  const users = new Int32Array(n);
  const items = new Int32Array(n);
  const values = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = positions[k];
    users[k] = r.users[p];
    items[k] = r.items[p];
    values[k] = r.values[p];
  }
  return { users, items, values, userIds: r.userIds, itemIds: r.itemIds };
}

/** Smallest and largest rating, the scale predictions are clipped to by default. */
export function ratingRange(r: Ratings): [number, number] {
  if (r.values.length === 0) throw new RangeError("ratings: the training set is empty");
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of r.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** Mean of all ratings. */
export function globalMean(r: Ratings): number {
  let sum = 0;
  for (const v of r.values) sum += v;
  return sum / r.values.length;
}

/**
 * What every recommender here does: learn from ratings, then predict the rating of (user, item)
 * pairs given as indices into the same id space (indices the model never saw get a fallback).
 */
export interface RatingPredictor {
  fit(train: Ratings): this;
  predict(users: Int32Array, items: Int32Array): Float64Array;
}

/** Validates a rating scale option: [min, max] with min < max. */
export function checkScale(scale: readonly [number, number] | undefined, who: string): void {
  if (scale === undefined) return;
  if (!Array.isArray(scale) || scale.length !== 2 || !Number.isFinite(scale[0]) || !Number.isFinite(scale[1]) || !(scale[0] < scale[1])) {
    throw new RangeError(`${who}: ratingScale must be [min, max] with min < max, got ${JSON.stringify(scale)}`);
  }
}

export function clip(value: number, lo: number, hi: number): number {
  return value < lo ? lo : value > hi ? hi : value;
}
