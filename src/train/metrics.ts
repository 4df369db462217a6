import type { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";

/**
 * For each row of [N, C] logits, the rank of the target class among the C scores (0 = the
 * highest); ties count against the target, so a constant output is never "correct".
 */
export function targetRanks(logits: Tensor, target: Tensor): Int32Array {
  if (logits.ndim !== 2 || target.ndim !== 1 || target.shape[0] !== logits.shape[0]) {
    throw new RangeError(`targetRanks: expected logits [N, C] and targets [N], got ${formatShape(logits.shape)} and ${formatShape(target.shape)}`);
  }
  const [n, c] = logits.shape;
  const scores = logits.denseData();
  const labels = target.denseData();
  const ranks = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = labels[i];
    if (!(label >= 0 && label < c)) throw new RangeError(`targetRanks: target ${label} at row ${i} is not a class index below ${c}`);
    const own = scores[i * c + label];
    let rank = 0;
    for (let j = 0; j < c; j++) if (j !== label && scores[i * c + j] >= own) rank++;
    ranks[i] = rank;
  }
  return ranks;
}

/** Predicted class (first highest score) of each row of [N, C] logits. */
export function predictions(logits: Tensor): Int32Array {
  const [n, c] = logits.shape;
  const scores = logits.denseData();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (scores[i * c + j] > scores[i * c + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** counts[t][p]: samples of true class t predicted as p (rows are truth, as sklearn's confusion_matrix). */
export class ConfusionMatrix {
  readonly counts: number[][];

  constructor(readonly numClasses: number) {
    this.counts = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  }

  update(predicted: ArrayLike<number>, target: ArrayLike<number>): void {
    for (let i = 0; i < predicted.length; i++) this.counts[target[i]][predicted[i]]++;
  }

  /** Recall of each class (diagonal over row sum); NaN for a class with no samples. */
  perClassAccuracy(): number[] {
    return this.counts.map((row, t) => row[t] / row.reduce((a, b) => a + b, 0));
  }
}

/** Sums over a pass through the data, turned into means by `result()`. */
export class MetricAccumulator {
  lossSum = 0;
  samples = 0;
  top1 = 0;
  top5 = 0;

  add(loss: number, ranks: Int32Array): void {
    this.lossSum += loss * ranks.length;
    this.samples += ranks.length;
    for (const r of ranks) {
      if (r < 1) this.top1++;
      if (r < 5) this.top5++;
    }
  }

  result(): { loss: number; top1: number; top5: number; samples: number } {
    const n = Math.max(this.samples, 1);
    return { loss: this.lossSum / n, top1: this.top1 / n, top5: this.top5 / n, samples: this.samples };
  }

  toJSON(): { lossSum: number; samples: number; top1: number; top5: number } {
    return { lossSum: this.lossSum, samples: this.samples, top1: this.top1, top5: this.top5 };
  }

  static from(saved: { lossSum: number; samples: number; top1: number; top5: number }): MetricAccumulator {
    return Object.assign(new MetricAccumulator(), saved);
  }
}
