import { randomizedSvdKernel } from "../linalg/randomized.js";
import type { LinearOperator } from "../linalg/randomized.js";
import { svdKernel } from "../linalg/svd.js";
import type { RatingPredictor, Ratings } from "./ratings.js";
import { checkScale, clip, globalMean, ratingRange } from "./ratings.js";

export interface SVDRecommenderOptions {
  /** Singular values kept (k); default 10. */
  rank?: number;
  /** "randomized" (default): randomized SVD on the sparse-plus-constant matrix; "full": dense thin SVD (exact, slow). */
  solver?: "randomized" | "full";
  /** Randomized solver: power iterations (default 10: the spectrum of a filled rating matrix decays slowly). */
  nIter?: number;
  /** Randomized solver: extra random directions (default 10). */
  nOversamples?: number;
  seed?: number;
  /** Predictions are clipped to [min, max]; default: the smallest and largest training rating. */
  ratingScale?: [number, number];
}

interface Fitted {
  mean: number;
  users: number;
  items: number;
  rank: number;
  /** U_k S_k, users x rank. */
  userFactors: Float64Array;
  /** V_k, items x rank. */
  itemFactors: Float64Array;
  scale: [number, number];
}

/**
 * The recommender of the notes: fill the missing entries of the user x item rating matrix M with
 * the global mean, take the SVD of the filled matrix M' and keep the k largest singular values;
 * the prediction for (u, i) is M'_k(u, i) = U_k(u) S_k V_k(i)^T, clipped to the rating scale.
 *
 * M' = mean + S with S sparse (the observed deviations from the mean), so the randomized solver
 * multiplies by M' in O(ratings + users + items) per column without ever forming it.
 */
export class SVDRecommender implements RatingPredictor {
  readonly rank: number;
  readonly solver: "randomized" | "full";
  readonly nIter: number;
  readonly nOversamples: number;
  readonly seed: number | undefined;
  readonly ratingScale: [number, number] | undefined;
  private fitted: Fitted | null = null;

  constructor(opts: SVDRecommenderOptions = {}) {
    this.rank = opts.rank ?? 10;
    this.solver = opts.solver ?? "randomized";
    this.nIter = opts.nIter ?? 10;
    this.nOversamples = opts.nOversamples ?? 10;
    this.seed = opts.seed;
    this.ratingScale = opts.ratingScale;
  }

  fit(train: Ratings): this {
    const who = "SVDRecommender";
    checkScale(this.ratingScale, who);
    const users = train.userIds.length;
    const items = train.itemIds.length;
    const k = this.rank;
    if (!Number.isInteger(k) || k < 1 || k > Math.min(users, items)) {
      throw new RangeError(`${who}: rank must be an integer in [1, ${Math.min(users, items)}] (min(users, items)), got ${k}`);
    }
    if (this.solver !== "randomized" && this.solver !== "full") throw new RangeError(`${who}: solver must be "randomized" or "full", got ${JSON.stringify(this.solver)}`);
    const scale = this.ratingScale ?? ratingRange(train);
    const mean = globalMean(train);
    const deviations = deviationMatrix(train, mean, users);
    let s: Float64Array;
    let u: Float64Array;
    let vt: Float64Array;
    let stride: number;
    if (this.solver === "randomized") {
      ({ s, u, vt } = randomizedSvdKernel(filledOperator(deviations, mean, users, items), k, { nIter: this.nIter, nOversamples: this.nOversamples, seed: this.seed }));
      stride = k;
    } else {
      const dense = new Float64Array(users * items).fill(mean);
      forEachEntry(deviations, (row, col, v) => (dense[row * items + col] += v));
      const r = svdKernel(dense, users, items, { u: true, v: true });
      s = r.s;
      u = r.u!;
      vt = r.vt!;
      stride = r.s.length;
    }
    const userFactors = new Float64Array(users * k);
    const itemFactors = new Float64Array(items * k);
    for (let a = 0; a < users; a++) for (let j = 0; j < k; j++) userFactors[a * k + j] = u[a * stride + j] * s[j];
    for (let b = 0; b < items; b++) for (let j = 0; j < k; j++) itemFactors[b * k + j] = vt[j * items + b];
    this.fitted = { mean, users, items, rank: k, userFactors, itemFactors, scale };
    return this;
  }

  /** Predicted ratings; users or items the model never saw get the global mean. */
  predict(users: Int32Array, items: Int32Array): Float64Array {
    const f = this.state();
    const out = new Float64Array(users.length);
    const k = f.rank;
    for (let r = 0; r < users.length; r++) {
      const a = users[r];
      const b = items[r];
      let value = f.mean;
      if (a >= 0 && a < f.users && b >= 0 && b < f.items) {
        value = 0;
        for (let j = 0; j < k; j++) value += f.userFactors[a * k + j] * f.itemFactors[b * k + j];
      }
      out[r] = clip(value, f.scale[0], f.scale[1]);
    }
    return out;
  }

  /** The global mean the missing entries were filled with. */
  get globalMean(): number {
    return this.state().mean;
  }

  private state(): Fitted {
    if (this.fitted === null) throw new Error("SVDRecommender: predict is not available before fit(ratings); call fit first");
    return this.fitted;
  }
}

/** Observed deviations from the mean in compressed sparse rows (by user); repeated (user, item) pairs are averaged. */
interface SparseRows {
  rowStart: Int32Array;
  cols: Int32Array;
  values: Float64Array;
}

function deviationMatrix(r: Ratings, mean: number, users: number): SparseRows {
  const n = r.values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => r.users[x] - r.users[y] || r.items[x] - r.items[y]);
  const rowStart = new Int32Array(users + 1);
  const cols: number[] = [];
  const values: number[] = [];
  let count = 0;
  for (let p = 0; p < n; p++) {
    const i = order[p];
    const repeat = p > 0 && r.users[order[p - 1]] === r.users[i] && r.items[order[p - 1]] === r.items[i];
    if (repeat) {
      // Running mean of the repeated ratings of one cell.
      count++;
      values[values.length - 1] += (r.values[i] - mean - values[values.length - 1]) / count;
      continue;
    }
    count = 1;
    cols.push(r.items[i]);
    values.push(r.values[i] - mean);
    rowStart[r.users[i] + 1]++;
  }
  for (let u = 0; u < users; u++) rowStart[u + 1] += rowStart[u];
  return { rowStart, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

function forEachEntry(s: SparseRows, visit: (row: number, col: number, value: number) => void): void {
  for (let row = 0; row + 1 < s.rowStart.length; row++) {
    for (let p = s.rowStart[row]; p < s.rowStart[row + 1]; p++) visit(row, s.cols[p], s.values[p]);
  }
}

/** M' = mean * ones(users, items) + S as products only: O(nnz k + (users + items) k) each. */
function filledOperator(s: SparseRows, mean: number, users: number, items: number): LinearOperator {
  return {
    rows: users,
    cols: items,
    matmul(x, k) {
      const colSum = new Float64Array(k);
      for (let b = 0; b < items; b++) for (let j = 0; j < k; j++) colSum[j] += x[b * k + j];
      const y = new Float64Array(users * k);
      for (let a = 0; a < users; a++) {
        const row = a * k;
        for (let j = 0; j < k; j++) y[row + j] = mean * colSum[j];
        for (let p = s.rowStart[a]; p < s.rowStart[a + 1]; p++) {
          const v = s.values[p];
          const src = s.cols[p] * k;
          for (let j = 0; j < k; j++) y[row + j] += v * x[src + j];
        }
      }
      return y;
    },
    rmatmul(y, k) {
      const rowSum = new Float64Array(k);
      for (let a = 0; a < users; a++) for (let j = 0; j < k; j++) rowSum[j] += y[a * k + j];
      const z = new Float64Array(items * k);
      for (let b = 0; b < items; b++) for (let j = 0; j < k; j++) z[b * k + j] = mean * rowSum[j];
      for (let a = 0; a < users; a++) {
        const src = a * k;
        for (let p = s.rowStart[a]; p < s.rowStart[a + 1]; p++) {
          const v = s.values[p];
          const dst = s.cols[p] * k;
          for (let j = 0; j < k; j++) z[dst + j] += v * y[src + j];
        }
      }
      return z;
    },
  };
}
