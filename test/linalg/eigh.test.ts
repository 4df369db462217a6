import { test } from "node:test";
import assert from "node:assert/strict";
import { eigh, eigvalsh } from "../../src/linalg/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { loadFixture, matmul, maxAbsDiff, orthogonalityError, randomMatrix, transpose, withSingularValues } from "./helpers.js";

const TOL = 1e-10;

function symmetric(n: number, seed: number): Tensor {
  const b = randomMatrix(n, n, seed).toArray();
  return Tensor.fromTypedArray(Float64Array.from(b, (x, i) => x + b[(i % n) * n + Math.floor(i / n)]), [n, n]);
}

function checkEigh(A: Tensor, label: string): Float64Array {
  const n = A.shape[0];
  const { eigenvalues, eigenvectors } = eigh(A);
  const w = eigenvalues.toArray() as Float64Array;
  const v = eigenvectors.toArray();
  assert.deepEqual(eigenvectors.shape, [n, n]);
  const vw = Float64Array.from(v, (x, i) => x * w[i % n]);
  assert.ok(maxAbsDiff(matmul(vw, transpose(v, n, n), n, n, n), A.toArray()) <= TOL * Math.max(1, Math.abs(w[0]), Math.abs(w[n - 1])), `${label}: V diag(w) V^T = A`);
  assert.ok(orthogonalityError(v, n, n) <= TOL, `${label}: V^T V = I`);
  for (let i = 1; i < n; i++) assert.ok(w[i] >= w[i - 1], `${label}: ascending at ${i}`);
  return w;
}

test("eigh: reconstruction and orthogonality to 1e-10", () => {
  [1, 2, 3, 7, 33, 80].forEach((n) => checkEigh(symmetric(n, n), `symmetric ${n}`));
});

test("eigh: repeated, zero and diagonal spectra", () => {
  // Q diag(s) Q^T has exactly the eigenvalues s.
  const s = [5, 5, 5, 2, 2, -1, 0, 0];
  const q = withSingularValues(8, 8, [1, 1, 1, 1, 1, 1, 1, 1], 3).toArray();
  const qs = Float64Array.from(q, (x, i) => x * s[i % 8]);
  const A = Tensor.fromTypedArray(matmul(qs, transpose(q, 8, 8), 8, 8, 8), [8, 8]);
  const w = checkEigh(A, "repeated");
  assert.ok(maxAbsDiff(w, [...s].sort((a, b) => a - b)) <= 1e-12, `repeated: ${Array.from(w)}`);
  assert.deepEqual(Array.from(checkEigh(Tensor.fromTypedArray(new Float64Array(9), [3, 3]), "zero")), [0, 0, 0]);
  assert.deepEqual(eigh([[3, 0, 0], [0, -1, 0], [0, 0, 2]]).eigenvalues.tolist(), [-1, 2, 3]);
});

test("eigh: eigenvalues equal NumPy's (fixture) to 1e-10", () => {
  const { cases } = loadFixture<{ cases: { kind: string; name: string; A: number[][]; eigenvalues?: number[] }[] }>("linalg.json");
  for (const c of cases.filter((x) => x.kind === "eigh")) {
    assert.ok(maxAbsDiff(eigh(c.A).eigenvalues.toArray(), c.eigenvalues!) <= TOL, c.name);
    assert.ok(maxAbsDiff(eigvalsh(c.A).toArray(), c.eigenvalues!) <= TOL, `${c.name}: eigvalsh`);
  }
});

test("eigh: reads only the lower triangle, like torch.linalg.eigh", () => {
  const A = symmetric(6, 9);
  const garbled = A.toArray() as Float64Array;
  for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) garbled[i * 6 + j] = 1000;
  const a = eigh(A).eigenvalues.toArray();
  const b = eigh(Tensor.fromTypedArray(garbled, [6, 6])).eigenvalues.toArray();
  assert.ok(maxAbsDiff(a, b) <= 1e-12);
});

test("eigh: bad input", () => {
  assert.throws(() => eigh(randomMatrix(3, 4, 1)), /linalg\.eigh: A must be square, got 3x4/);
  assert.equal(eigh(symmetric(4, 1).float()).eigenvectors.dtype, "float32");
});
