import { test } from "node:test";
import assert from "node:assert/strict";
import { BiasedMF, evaluate, mae, ratingsFromTriples, rmse, subsetRatings, SVDRecommender, trainTestSplit } from "../../src/recommend/index.js";
import type { RatingTriple } from "../../src/recommend/index.js";
import { svd } from "../../src/linalg/index.js";
import { Generator } from "../../src/random/generator.js";

/** Ratings from a hidden rank-2 preference model on a 1..5 scale, a share of cells observed. */
function synthetic(users: number, items: number, density: number, seed: number): RatingTriple[] {
  const g = new Generator(seed);
  const u = Array.from({ length: users }, () => [g.normal(), g.normal()]);
  const v = Array.from({ length: items }, () => [g.normal(), g.normal()]);
  const out: RatingTriple[] = [];
  for (let a = 0; a < users; a++) {
    for (let b = 0; b < items; b++) {
      if (g.uniform() > density) continue;
      const score = 3 + 0.8 * (u[a][0] * v[b][0] + u[a][1] * v[b][1]) + 0.3 * g.normal();
      out.push({ user: `u${a}`, item: `i${b}`, rating: Math.min(5, Math.max(1, Math.round(score))) });
    }
  }
  return out;
}

test("ratings: ids map to dense indices, a test set reuses the training ids", () => {
  const train = ratingsFromTriples([{ user: "ann", item: "x", rating: 4 }, { user: "bob", item: "y", rating: 2 }, { user: "ann", item: "y", rating: 5 }]);
  assert.deepEqual(train.userIds, ["ann", "bob"]);
  assert.deepEqual(train.itemIds, ["x", "y"]);
  assert.deepEqual(Array.from(train.users), [0, 1, 0]);
  const test = ratingsFromTriples([{ user: "bob", item: "x", rating: 3 }, { user: "cid", item: "z", rating: 1 }], train);
  assert.deepEqual(Array.from(test.users), [1, 2]);
  assert.deepEqual(Array.from(test.items), [0, 2]);
  assert.deepEqual(subsetRatings(train, [2]).values, Float64Array.of(5));
  assert.throws(() => ratingsFromTriples([{ user: 1, item: 2, rating: NaN }]), /rating 0 \(user 1, item 2\) is NaN/);
});

test("metrics and the seeded split", () => {
  assert.equal(rmse([1, 2, 3], [1, 2, 5]), Math.sqrt(4 / 3));
  assert.equal(mae([1, 2, 3], [1, 2, 5]), 2 / 3);
  assert.throws(() => rmse([1], [1, 2]), /1 predictions for 2 ratings/);
  const all = ratingsFromTriples(synthetic(20, 30, 0.5, 1));
  const a = trainTestSplit(all, { testFraction: 0.25, seed: 3 });
  const b = trainTestSplit(all, { testFraction: 0.25, seed: 3 });
  assert.equal(a.test.values.length, Math.round(0.25 * all.values.length));
  assert.equal(a.train.values.length + a.test.values.length, all.values.length);
  assert.deepEqual(Array.from(a.test.users), Array.from(b.test.users));
  assert.notDeepEqual(Array.from(trainTestSplit(all, { testFraction: 0.25, seed: 4 }).test.users), Array.from(a.test.users));
  assert.throws(() => trainTestSplit(all, { testFraction: 1 }), /testFraction must be in \(0, 1\)/);
});

test("SVDRecommender: the notes' method equals the rank-k SVD of the mean-filled matrix", () => {
  const train = ratingsFromTriples(synthetic(30, 40, 0.4, 2));
  const users = train.userIds.length;
  const items = train.itemIds.length;
  let mean = 0;
  for (const v of train.values) mean += v;
  mean /= train.values.length;
  const dense = Array.from({ length: users }, () => new Array<number>(items).fill(mean));
  for (let r = 0; r < train.values.length; r++) dense[train.users[r]][train.items[r]] = train.values[r];
  const { U, S, Vh } = svd(dense);
  const k = 3;
  const u = U.toArray();
  const s = S.toArray();
  const vh = Vh.toArray();
  const full = Math.min(users, items);
  const pairs = { users: new Int32Array(users * items), items: new Int32Array(users * items) };
  const expected: number[] = [];
  for (let a = 0; a < users; a++) {
    for (let b = 0; b < items; b++) {
      pairs.users[a * items + b] = a;
      pairs.items[a * items + b] = b;
      let v = 0;
      for (let j = 0; j < k; j++) v += u[a * full + j] * s[j] * vh[j * items + b];
      expected.push(Math.min(5, Math.max(1, v)));
    }
  }
  for (const solver of ["randomized", "full"] as const) {
    const model = new SVDRecommender({ rank: k, solver, seed: 0 }).fit(train);
    const got = model.predict(pairs.users, pairs.items);
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    assert.ok(diff <= 1e-8, `${solver}: max difference ${diff}`);
    assert.ok(Math.abs(model.globalMean - mean) <= 1e-12);
  }
  // Unknown users and items get the global mean.
  const unknown = new SVDRecommender({ rank: 2, seed: 0 }).fit(train).predict(Int32Array.of(users + 5), Int32Array.of(0));
  assert.ok(Math.abs(unknown[0] - mean) <= 1e-12);
  assert.throws(() => new SVDRecommender({ rank: 31 }).fit(train), /rank must be an integer in \[1, 30\]/);
  assert.throws(() => new SVDRecommender().predict(Int32Array.of(0), Int32Array.of(0)), /before fit/);
});

test("BiasedMF: SGD and ALS beat the global mean and the notes' method on held-out ratings, reproducibly", () => {
  const all = ratingsFromTriples(synthetic(60, 80, 0.3, 5));
  const { train, test } = trainTestSplit(all, { testFraction: 0.2, seed: 0 });
  const meanOnly = evaluate({ fit() { return this; }, predict: (u: Int32Array) => new Float64Array(u.length).fill(3) }, test).rmse;
  const notes = evaluate(new SVDRecommender({ rank: 2, seed: 0 }).fit(train), test).rmse;
  // Small data need more, larger steps than MovieLens-tuned defaults.
  const settings = { sgd: { lr: 0.02, epochs: 100 }, als: {} };
  for (const algorithm of ["sgd", "als"] as const) {
    const epochs: number[] = [];
    const model = new BiasedMF({ algorithm, nFactors: 4, seed: 1, ...settings[algorithm], onEpoch: (_, r) => epochs.push(r) }).fit(train);
    const score = evaluate(model, test);
    assert.ok(score.rmse < notes && score.rmse < meanOnly, `${algorithm}: RMSE ${score.rmse} vs notes ${notes}, mean ${meanOnly}`);
    assert.equal(epochs.length, algorithm === "sgd" ? 100 : 10);
    assert.ok(epochs[epochs.length - 1] < epochs[0], `${algorithm}: training RMSE decreases`);
    const again = new BiasedMF({ algorithm, nFactors: 4, seed: 1, ...settings[algorithm] }).fit(train);
    assert.deepEqual(Array.from(again.predict(test.users, test.items)), Array.from(model.predict(test.users, test.items)));
    for (const p of model.predict(test.users, test.items)) assert.ok(p >= 1 && p <= 5, "clipped to the rating scale");
  }
  assert.throws(() => new BiasedMF({ lr: 0 }).fit(train), /lr must be a positive number, got 0/);
  assert.throws(() => new BiasedMF({ ratingScale: [5, 1] }).fit(train), /ratingScale must be \[min, max\] with min < max/);
});

test("BiasedMF: an id with no training rating predicts mean + the known side's bias", () => {
  const all = ratingsFromTriples(synthetic(20, 20, 0.5, 8));
  // Drop every rating of user 0 from training: it stays in the id space with no data.
  const keep = Array.from({ length: all.values.length }, (_, i) => i).filter((i) => all.users[i] !== 0);
  const train = subsetRatings(all, keep);
  for (const algorithm of ["sgd", "als"] as const) {
    const model = new BiasedMF({ algorithm, nFactors: 3, epochs: 3, seed: 0 }).fit(train);
    let mean = 0;
    for (const v of train.values) mean += v;
    mean /= train.values.length;
    const p = model.predict(Int32Array.of(0), Int32Array.of(1))[0];
    assert.ok(Math.abs(p - Math.min(5, Math.max(1, mean + model.itemBias[1]))) <= 1e-12, `${algorithm}: ${p}`);
    assert.equal(model.userBias[0], 0);
  }
});
