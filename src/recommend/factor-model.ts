import { Generator, getDefaultGenerator } from "../random/generator.js";
import type { RatingPredictor, Ratings } from "./ratings.js";
import { checkScale, clip, globalMean, ratingRange } from "./ratings.js";

export type FactorAlgorithm = "sgd" | "als";

export interface BiasedMFOptions {
  /** Latent factors per user and item; default 100 (SGD) or 50 (ALS, whose cost grows with its cube). */
  nFactors?: number;
  /** "sgd" (default): Funk-style stochastic gradient descent; "als": alternating ridge regressions. */
  algorithm?: FactorAlgorithm;
  /** Passes over the ratings (SGD) or alternating sweeps (ALS); default 40 (SGD), 10 (ALS). */
  epochs?: number;
  /** SGD step size for the factors; default 0.01. */
  lr?: number;
  /** L2 penalty on the factors; default 0.1 (for ALS it is multiplied by each row's rating count). */
  reg?: number;
  /** SGD step size for the biases; default `lr`. */
  lrBias?: number;
  /** L2 penalty on the biases; default `reg`. */
  regBias?: number;
  /** Standard deviation of the Gaussian initial factors; default 0.1. */
  initStd?: number;
  seed?: number;
  /** Predictions are clipped to [min, max]; default: the smallest and largest training rating. */
  ratingScale?: [number, number];
  /** Called after every epoch with the training RMSE (for progress output). */
  onEpoch?: (epoch: number, trainRmse: number) => void;
}

interface Fitted {
  mean: number;
  userBias: Float64Array;
  itemBias: Float64Array;
  userFactors: Float64Array;
  itemFactors: Float64Array;
  users: number;
  items: number;
  scale: [number, number];
}

/**
 * Biased matrix factorisation (Koren, Bell & Volinsky 2009, "Matrix factorization techniques for
 * recommender systems", eq. 5): r(u, i) ~ mean + b_u + b_i + p_u . q_i, fitted on the observed
 * ratings only with L2 penalties. "sgd" is the Funk SVD update Surprise's `SVD` uses (shuffled each
 * epoch here); "als" alternates exact ridge solves for [b_u, p_u] and [b_i, q_i] with the penalty
 * weighted by each row's rating count (Zhou et al. 2008, "ALS-WR").
 */
export class BiasedMF implements RatingPredictor {
  readonly nFactors: number;
  readonly algorithm: FactorAlgorithm;
  readonly epochs: number;
  readonly lr: number;
  readonly reg: number;
  readonly lrBias: number;
  readonly regBias: number;
  readonly initStd: number;
  readonly seed: number | undefined;
  readonly ratingScale: [number, number] | undefined;
  private readonly onEpoch: ((epoch: number, trainRmse: number) => void) | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: BiasedMFOptions = {}) {
    this.algorithm = opts.algorithm ?? "sgd";
    // Defaults tuned on MovieLens 100k's u1..u5 splits (bench/unsupervised/movielens.mjs): Surprise's
    // (100 factors, lr 0.005, reg 0.02, 20 epochs) give RMSE 0.938 there; a stronger penalty and
    // longer training give 0.912.
    const als = this.algorithm === "als";
    this.nFactors = opts.nFactors ?? (als ? 50 : 100);
    this.epochs = opts.epochs ?? (als ? 10 : 40);
    this.lr = opts.lr ?? 0.01;
    this.reg = opts.reg ?? 0.1;
    this.lrBias = opts.lrBias ?? this.lr;
    this.regBias = opts.regBias ?? this.reg;
    this.initStd = opts.initStd ?? 0.1;
    this.seed = opts.seed;
    this.ratingScale = opts.ratingScale;
    this.onEpoch = opts.onEpoch;
  }

  fit(train: Ratings): this {
    const who = "BiasedMF";
    checkScale(this.ratingScale, who);
    const positive = (name: string, v: number, allowZero = false) => {
      if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`${who}: ${name} must be a ${allowZero ? "nonnegative" : "positive"} number, got ${v}`);
    };
    if (!Number.isInteger(this.nFactors) || this.nFactors < 1) throw new RangeError(`${who}: nFactors must be a positive integer, got ${this.nFactors}`);
    if (!Number.isInteger(this.epochs) || this.epochs < 1) throw new RangeError(`${who}: epochs must be a positive integer, got ${this.epochs}`);
    if (this.algorithm !== "sgd" && this.algorithm !== "als") throw new RangeError(`${who}: algorithm must be "sgd" or "als", got ${JSON.stringify(this.algorithm)}`);
    positive("lr", this.lr);
    positive("lrBias", this.lrBias);
    positive("reg", this.reg, true);
    positive("regBias", this.regBias, true);
    positive("initStd", this.initStd, true);
    const users = train.userIds.length;
    const items = train.itemIds.length;
    const f = this.nFactors;
    const rng = new Generator(this.seed ?? getDefaultGenerator().nextUint32());
    const state: Fitted = {
      mean: globalMean(train), users, items, scale: this.ratingScale ?? ratingRange(train),
      userBias: new Float64Array(users), itemBias: new Float64Array(items),
      userFactors: Float64Array.from({ length: users * f }, () => this.initStd * rng.normal()),
      itemFactors: Float64Array.from({ length: items * f }, () => this.initStd * rng.normal()),
    };
    if (this.algorithm === "sgd") this.sgd(train, state, rng);
    else this.als(train, state);
    // Ids with no training rating (e.g. seen only in the test half of a split) keep no random
    // factors: they predict mean + the other side's bias, as unknown ids do.
    zeroUnrated(state.userFactors, train.users, users, f);
    zeroUnrated(state.itemFactors, train.items, items, f);
    this.fitted = state;
    return this;
  }

  predict(users: Int32Array, items: Int32Array): Float64Array {
    const s = this.state();
    const f = this.nFactors;
    const out = new Float64Array(users.length);
    for (let r = 0; r < users.length; r++) {
      const u = users[r];
      const i = items[r];
      const knownUser = u >= 0 && u < s.users;
      const knownItem = i >= 0 && i < s.items;
      // An unknown user or item contributes neither a bias nor a factor (Surprise does the same).
      let value = s.mean + (knownUser ? s.userBias[u] : 0) + (knownItem ? s.itemBias[i] : 0);
      if (knownUser && knownItem) {
        for (let k = 0; k < f; k++) value += s.userFactors[u * f + k] * s.itemFactors[i * f + k];
      }
      out[r] = clip(value, s.scale[0], s.scale[1]);
    }
    return out;
  }

  /** Learned biases b_u (float64, one per user index). */
  get userBias(): Float64Array {
    return this.state().userBias.slice();
  }
  get itemBias(): Float64Array {
    return this.state().itemBias.slice();
  }

  private sgd(train: Ratings, s: Fitted, rng: Generator): void {
    const { users, items, values } = train;
    const n = values.length;
    const f = this.nFactors;
    const { userBias, itemBias, userFactors: P, itemFactors: Q, mean } = s;
    const { lr, reg, lrBias, regBias } = this;
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      // A fresh order each epoch keeps SGD from cycling through the same sequence of updates.
      for (let i = n - 1; i > 0; i--) {
        const j = rng.integer(0, i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
      let squared = 0;
      for (let t = 0; t < n; t++) {
        const r = order[t];
        const u = users[r];
        const i = items[r];
        const pu = u * f;
        const qi = i * f;
        let dot = 0;
        for (let k = 0; k < f; k++) dot += P[pu + k] * Q[qi + k];
        const err = values[r] - (mean + userBias[u] + itemBias[i] + dot);
        squared += err * err;
        userBias[u] += lrBias * (err - regBias * userBias[u]);
        itemBias[i] += lrBias * (err - regBias * itemBias[i]);
        for (let k = 0; k < f; k++) {
          const p = P[pu + k];
          const q = Q[qi + k];
          P[pu + k] = p + lr * (err * q - reg * p);
          Q[qi + k] = q + lr * (err * p - reg * q);
        }
      }
      this.onEpoch?.(epoch + 1, Math.sqrt(squared / n));
    }
  }

  private als(train: Ratings, s: Fitted): void {
    const byUser = groupBy(train.users, train.users.length, s.users);
    const byItem = groupBy(train.items, train.items.length, s.items);
    for (let epoch = 0; epoch < this.epochs; epoch++) {
      ridgeSweep(byUser, train.items, train.values, s.mean, s.itemBias, s.itemFactors, s.userBias, s.userFactors, this.nFactors, this.reg, this.regBias);
      ridgeSweep(byItem, train.users, train.values, s.mean, s.userBias, s.userFactors, s.itemBias, s.itemFactors, this.nFactors, this.reg, this.regBias);
      this.onEpoch?.(epoch + 1, trainingRmse(train, s, this.nFactors));
    }
  }

  private state(): Fitted {
    if (this.fitted === null) throw new Error("BiasedMF: predict is not available before fit(ratings); call fit first");
    return this.fitted;
  }
}

function zeroUnrated(factors: Float64Array, index: Int32Array, count: number, f: number): void {
  const rated = new Uint8Array(count);
  for (const i of index) rated[i] = 1;
  for (let g = 0; g < count; g++) if (!rated[g]) factors.fill(0, g * f, (g + 1) * f);
}

/** Rating positions grouped by row (user or item index), as CSR offsets plus positions. */
function groupBy(keys: Int32Array, n: number, groups: number): { start: Int32Array; positions: Int32Array } {
  const start = new Int32Array(groups + 1);
  for (let r = 0; r < n; r++) start[keys[r] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, groups);
  const positions = new Int32Array(n);
  for (let r = 0; r < n; r++) positions[fill[keys[r]]++] = r;
  return { start, positions };
}

/**
 * One ALS half-step: for every row g (a user, say) solves the ridge regression of its ratings minus
 * mean and the other side's bias on [1, other side's factors], giving [bias_g, factors_g].
 * Penalties are reg * count on the factors and regBias * count on the bias.
 */
function ridgeSweep(
  groups: { start: Int32Array; positions: Int32Array }, otherIndex: Int32Array, values: Float64Array, mean: number,
  otherBias: Float64Array, otherFactors: Float64Array, bias: Float64Array, factors: Float64Array, f: number, reg: number, regBias: number,
): void {
  const d = f + 1;
  const a = new Float64Array(d * d);
  const b = new Float64Array(d);
  const z = new Float64Array(d);
  z[0] = 1;
  for (let g = 0; g + 1 < groups.start.length; g++) {
    const from = groups.start[g];
    const to = groups.start[g + 1];
    if (to === from) continue;
    a.fill(0);
    b.fill(0);
    for (let p = from; p < to; p++) {
      const r = groups.positions[p];
      const o = otherIndex[r];
      for (let k = 0; k < f; k++) z[k + 1] = otherFactors[o * f + k];
      const target = values[r] - mean - otherBias[o];
      // Lower triangle of the normal matrix sum z z^T.
      for (let i = 0; i < d; i++) {
        const zi = z[i];
        b[i] += zi * target;
        const row = i * d;
        for (let j = 0; j <= i; j++) a[row + j] += zi * z[j];
      }
    }
    const count = to - from;
    a[0] += regBias * count;
    for (let i = 1; i < d; i++) a[i * d + i] += reg * count;
    choleskySolve(a, b, d);
    bias[g] = b[0];
    for (let k = 0; k < f; k++) factors[g * f + k] = b[k + 1];
  }
}

/** Solves A x = b in place (x overwrites b) for symmetric positive definite A given by its lower triangle. */
function choleskySolve(a: Float64Array, b: Float64Array, d: number): void {
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j];
    for (let k = 0; k < j; k++) diag -= a[j * d + k] * a[j * d + k];
    // A zero penalty on a row with fewer ratings than unknowns can make A singular: nudge it.
    const l = Math.sqrt(Math.max(diag, 1e-12));
    a[j * d + j] = l;
    for (let i = j + 1; i < d; i++) {
      let v = a[i * d + j];
      for (let k = 0; k < j; k++) v -= a[i * d + k] * a[j * d + k];
      a[i * d + j] = v / l;
    }
  }
  for (let i = 0; i < d; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= a[i * d + k] * b[k];
    b[i] = v / a[i * d + i];
  }
  for (let i = d - 1; i >= 0; i--) {
    let v = b[i];
    for (let k = i + 1; k < d; k++) v -= a[k * d + i] * b[k];
    b[i] = v / a[i * d + i];
  }
}

function trainingRmse(train: Ratings, s: Fitted, f: number): number {
  let squared = 0;
  for (let r = 0; r < train.values.length; r++) {
    const u = train.users[r];
    const i = train.items[r];
    let v = s.mean + s.userBias[u] + s.itemBias[i];
    for (let k = 0; k < f; k++) v += s.userFactors[u * f + k] * s.itemFactors[i * f + k];
    squared += (train.values[r] - v) ** 2;
  }
  return Math.sqrt(squared / train.values.length);
}
