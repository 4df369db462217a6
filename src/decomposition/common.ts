import { gemm, view, viewT } from "../linalg/gemm.js";
import type { Matrix } from "../linalg/matrix.js";

/** Error for reading learned state before `fit`. */
export function notFitted(who: string, what: string): Error {
  return new Error(`${who}: ${what} is not available before fit(X); call fit first`);
}

export function checkFeatures(x: Matrix, expected: number, who: string): void {
  if (x.cols !== expected) throw new RangeError(`${who}: X has ${x.cols} features, but the model was fitted with ${expected}`);
}

/** X V^T: the rows x k scores of row-major X (rows x cols) on the k rows of `components` (k x cols). */
export function project(x: Float64Array, rows: number, cols: number, components: Float64Array, k: number): Float64Array {
  const out = new Float64Array(rows * k);
  gemm(rows, k, cols, 1, view(x, cols), viewT(components, cols), 0, out, 0, k);
  return out;
}

/** Y V: maps rows x k scores back to rows x cols through the k x cols `components`. */
export function backProject(y: Float64Array, rows: number, k: number, components: Float64Array, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  gemm(rows, cols, k, 1, view(y, k), view(components, cols), 0, out, 0, cols);
  return out;
}

/**
 * Column means of a row-major matrix as the product (1/rows) 1^T X: a matrix-vector product, which
 * the native GEMM streams at memory speed (several times the JavaScript loop's).
 */
export function columnMeans(x: Matrix): Float64Array {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  gemm(1, cols, rows, 1 / rows, view(new Float64Array(rows).fill(1), rows), view(data, cols), 0, mean, 0, cols);
  return mean;
}

/** Subtracts `mean` from every row in place: the rank-one update X -= 1 mean^T, on the GEMM. */
export function subtractRowVector(x: Matrix, mean: Float64Array): void {
  const { rows, cols, data } = x;
  gemm(rows, cols, 1, -1, view(new Float64Array(rows).fill(1), 1), view(mean, cols), 1, data, 0, cols);
}

/** Sum of the squares of every entry: the dot product of the data with itself, on the GEMM. */
export function sumOfSquares(data: Float64Array): number {
  const out = new Float64Array(1);
  gemm(1, 1, data.length, 1, view(data, data.length), view(data, 1), 0, out, 0, 1);
  return out[0];
}

/** Per-column mean and (population, ddof = 0) variance of a row-major matrix. */
export function columnMoments(x: Matrix): { mean: Float64Array; variance: Float64Array } {
  const { rows, cols, data } = x;
  const mean = columnMeans(x);
  // Two-pass variance: sum of squared deviations from the exact mean, free of cancellation.
  const variance = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const d = data[i * cols + j] - mean[j];
      variance[j] += d * d;
    }
  }
  for (let j = 0; j < cols; j++) variance[j] /= rows;
  return { mean, variance };
}
