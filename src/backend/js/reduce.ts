import type { ArgReduceOp, ReduceOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";

/** Reduces x viewed as [outer, size, inner] over the middle axis into out [outer, inner]. */
export function reduce(op: ReduceOp, x: TypedArray, outer: number, size: number, inner: number, out: TypedArray): void {
  const acc = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    switch (op) {
      case "sum":
        acc.fill(0);
        for (let s = 0; s < size; s++) {
          const row = base + s * inner;
          for (let i = 0; i < inner; i++) acc[i] += x[row + i];
        }
        break;
      case "prod":
        acc.fill(1);
        for (let s = 0; s < size; s++) {
          const row = base + s * inner;
          for (let i = 0; i < inner; i++) acc[i] *= x[row + i];
        }
        break;
      case "max":
      case "min": {
        const isMax = op === "max";
        acc.fill(isMax ? -Infinity : Infinity);
        for (let s = 0; s < size; s++) {
          const row = base + s * inner;
          for (let i = 0; i < inner; i++) {
            const v = x[row + i];
            if (v !== v || (isMax ? v > acc[i] : v < acc[i])) acc[i] = acc[i] !== acc[i] ? acc[i] : v;
          }
        }
        break;
      }
      case "any":
      case "all": {
        const isAny = op === "any";
        acc.fill(isAny ? 0 : 1);
        for (let s = 0; s < size; s++) {
          const row = base + s * inner;
          for (let i = 0; i < inner; i++) {
            if (isAny ? x[row + i] !== 0 : x[row + i] === 0) acc[i] = isAny ? 1 : 0;
          }
        }
        break;
      }
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = acc[i];
  }
}

/** Values and first index of the max/min along the middle axis; NaN wins, as in PyTorch. */
export function argReduce(
  op: ArgReduceOp, x: TypedArray, outer: number, size: number, inner: number, values: TypedArray, indices: Int32Array,
): void {
  const isMax = op === "max";
  for (let o = 0; o < outer; o++) {
    const base = o * size * inner;
    for (let i = 0; i < inner; i++) {
      let best = x[base + i];
      let bestIndex = 0;
      for (let s = 1; s < size && best === best; s++) {
        const v = x[base + s * inner + i];
        if (v !== v || (isMax ? v > best : v < best)) {
          best = v;
          bestIndex = s;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestIndex;
    }
  }
}

export function softmax(x: TypedArray, outer: number, size: number, inner: number, log: boolean, out: TypedArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * size * inner + i;
      let max = -Infinity;
      for (let s = 0; s < size; s++) max = Math.max(max, x[base + s * inner]);
      if (max === -Infinity) max = 0;
      let sum = 0;
      for (let s = 0; s < size; s++) sum += Math.exp(x[base + s * inner] - max);
      if (log) {
        const lse = Math.log(sum) + max;
        for (let s = 0; s < size; s++) out[base + s * inner] = x[base + s * inner] - lse;
      } else {
        const inv = 1 / sum;
        for (let s = 0; s < size; s++) out[base + s * inner] = Math.exp(x[base + s * inner] - max) * inv;
      }
    }
  }
}

/** Stable sort of each row; NaN sorts as the largest value, as in PyTorch. */
export function sort(x: TypedArray, rows: number, cols: number, descending: boolean, values: TypedArray, indices: Int32Array): void {
  const order = new Array<number>(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) order[c] = c;
    order.sort((i, j) => {
      const a = x[base + i];
      const b = x[base + j];
      const cmp = a !== a ? (b !== b ? 0 : 1) : b !== b ? -1 : a < b ? -1 : a > b ? 1 : 0;
      return (descending ? -cmp : cmp) || i - j;
    });
    for (let c = 0; c < cols; c++) {
      values[base + c] = x[base + order[c]];
      indices[base + c] = order[c];
    }
  }
}
