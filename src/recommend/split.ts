import { Generator, getDefaultGenerator } from "../random/generator.js";
import type { Ratings } from "./ratings.js";
import { subsetRatings } from "./ratings.js";

export interface SplitOptions {
  /** Share of the ratings held out for testing, in (0, 1); default 0.2. */
  testFraction?: number;
  /** Seed of the shuffle; without one it is drawn from the default generator (`lt.manualSeed`). */
  seed?: number;
}

/**
 * Random train/test split of ratings (a seeded Fisher-Yates shuffle, as scikit-learn's
 * train_test_split / Surprise's train_test_split): round(testFraction * n) ratings go to the test set.
 * Both halves share the id space, so a user seen only in the test set is unknown to the model.
 */
export function trainTestSplit(ratings: Ratings, opts: SplitOptions = {}): { train: Ratings; test: Ratings } {
  const fraction = opts.testFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`trainTestSplit: testFraction must be in (0, 1), got ${fraction}`);
  const n = ratings.values.length;
  const nTest = Math.round(fraction * n);
  if (nTest === 0 || nTest === n) throw new RangeError(`trainTestSplit: testFraction ${fraction} of ${n} ratings leaves an empty train or test set`);
  const rng = new Generator(opts.seed ?? getDefaultGenerator().nextUint32());
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.integer(0, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return { test: subsetRatings(ratings, order.subarray(0, nTest)), train: subsetRatings(ratings, order.subarray(nTest)) };
}
