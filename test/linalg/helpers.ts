import { readFileSync } from "node:fs";
import { Generator } from "../../src/random/generator.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** Reads a JSON fixture from test/fixtures/decomposition (tests run compiled from dist/test/...). */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/fixtures/decomposition/${name}`, import.meta.url), "utf8")) as T;
}

/** Uniform(-1, 1) float64 matrix from a seeded generator. */
export function randomMatrix(rows: number, cols: number, seed: number): Tensor {
  const g = new Generator(seed);
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = 2 * g.uniform() - 1;
  return Tensor.fromTypedArray(data, [rows, cols]);
}

/** Row-major product of an m x k and a k x n buffer (a plain loop: the reference for the kernels). */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      for (let j = 0; j < n; j++) out[i * n + j] += av * b[p * n + j];
    }
  }
  return out;
}

export function transpose(a: ArrayLike<number>, m: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = a[i * n + j];
  return out;
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** max |Q^T Q - I| for the columns of a row-major rows x cols Q. */
export function orthogonalityError(q: ArrayLike<number>, rows: number, cols: number): number {
  const g = matmul(transpose(q, rows, cols), q, cols, rows, cols);
  for (let i = 0; i < cols; i++) g[i * cols + i] -= 1;
  return maxAbs(g);
}

/** Matrix from a diagonal of singular values between random orthonormal factors: U diag(s) V^T. */
export function withSingularValues(rows: number, cols: number, s: number[], seed: number): Tensor {
  const k = s.length;
  const u = gramSchmidt(randomMatrix(rows, k, seed).toArray(), rows, k);
  const v = gramSchmidt(randomMatrix(cols, k, seed + 1).toArray(), cols, k);
  const us = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) us[i * k + j] = u[i * k + j] * s[j];
  return Tensor.fromTypedArray(matmul(us, transpose(v, cols, k), rows, k, cols), [rows, cols]);
}

/** Orthonormalises the columns of a row-major rows x cols buffer (modified Gram-Schmidt, twice). */
function gramSchmidt(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const q = Float64Array.from(a);
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < cols; j++) {
      for (let p = 0; p < j; p++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i * cols + p] * q[i * cols + j];
        for (let i = 0; i < rows; i++) q[i * cols + j] -= dot * q[i * cols + p];
      }
      let norm = 0;
      for (let i = 0; i < rows; i++) norm += q[i * cols + j] ** 2;
      norm = Math.sqrt(norm);
      for (let i = 0; i < rows; i++) q[i * cols + j] /= norm;
    }
  }
  return q;
}
