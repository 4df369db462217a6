import { test } from "node:test";
import assert from "node:assert/strict";
import { svd, svdvals } from "../../src/linalg/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { loadFixture, matmul, maxAbs, maxAbsDiff, orthogonalityError, randomMatrix, transpose, withSingularValues } from "./helpers.js";

const TOL = 1e-10;

/** Checks A = U diag(S) Vh, orthonormal factors, and S descending and nonnegative. */
function checkSvd(A: Tensor, label: string): Float64Array {
  const [m, n] = A.shape;
  const k = Math.min(m, n);
  const { U, S, Vh } = svd(A);
  assert.deepEqual(U.shape, [m, k], `${label}: U shape`);
  assert.deepEqual(S.shape, [k], `${label}: S shape`);
  assert.deepEqual(Vh.shape, [k, n], `${label}: Vh shape`);
  assert.equal(U.dtype, "float64");
  const u = U.toArray();
  const s = S.toArray() as Float64Array;
  const vh = Vh.toArray();
  const us = Float64Array.from(u, (x, i) => x * s[i % k]);
  const scale = Math.max(1, maxAbs(A.toArray()));
  assert.ok(maxAbsDiff(matmul(us, vh, m, k, n), A.toArray()) <= TOL * scale, `${label}: reconstruction`);
  assert.ok(orthogonalityError(u, m, k) <= TOL, `${label}: U^T U = I (${orthogonalityError(u, m, k)})`);
  assert.ok(orthogonalityError(transpose(vh, k, n), n, k) <= TOL, `${label}: Vh Vh^T = I`);
  for (let i = 0; i < k; i++) {
    assert.ok(s[i] >= 0, `${label}: S[${i}] nonnegative`);
    if (i > 0) assert.ok(s[i] <= s[i - 1], `${label}: S descending at ${i}`);
  }
  return s;
}

test("svd: reconstruction and orthogonality to 1e-10 on square, tall and wide random matrices", () => {
  const shapes: [number, number][] = [[1, 1], [2, 2], [1, 7], [7, 1], [40, 40], [50, 40], [120, 30], [30, 120], [40, 50], [97, 65]];
  shapes.forEach(([m, n], i) => checkSvd(randomMatrix(m, n, 100 + i), `${m}x${n}`));
});

test("svd: rank-deficient and repeated singular values", () => {
  const lowRank = Tensor.fromTypedArray(matmul(randomMatrix(60, 3, 1).toArray(), randomMatrix(3, 40, 2).toArray(), 60, 3, 40), [60, 40]);
  const s = checkSvd(lowRank, "rank 3 of 60x40");
  for (let i = 3; i < 40; i++) assert.ok(s[i] <= 1e-12 * s[0], `rank 3: S[${i}] = ${s[i]} should vanish`);
  const given = [3, 3, 3, 1, 1, 0.5];
  for (const [m, n] of [[50, 20], [20, 50], [12, 12]] as [number, number][]) {
    const A = withSingularValues(m, n, given, m + n);
    const got = checkSvd(A, `repeated ${m}x${n}`);
    const expected = [...given, ...new Array(Math.min(m, n) - given.length).fill(0)];
    assert.ok(maxAbsDiff(got, expected) <= 1e-12, `repeated ${m}x${n}: S = ${Array.from(got.slice(0, 7))}`);
  }
  const zeros = checkSvd(Tensor.fromTypedArray(new Float64Array(12), [4, 3]), "zeros");
  assert.deepEqual(Array.from(zeros), [0, 0, 0]);
  const zeroColumn = randomMatrix(9, 5, 7).toArray() as Float64Array;
  for (let i = 0; i < 9; i++) zeroColumn[i * 5 + 2] = 0;
  checkSvd(Tensor.fromTypedArray(zeroColumn, [9, 5]), "zero column");
  const graded = withSingularValues(30, 30, Array.from({ length: 30 }, (_, i) => 10 ** (-i / 3)), 5);
  checkSvd(graded, "graded 1 .. 1e-10");
});

test("svd: singular values equal NumPy's (fixture) to 1e-10", () => {
  const { cases } = loadFixture<{ cases: { kind: string; name: string; A: number[][]; S?: number[] }[] }>("linalg.json");
  for (const c of cases.filter((x) => x.kind === "svd")) {
    const S = svd(c.A).S.toArray();
    assert.ok(maxAbsDiff(S, c.S!) <= TOL, `${c.name}: ${Array.from(S)} vs ${c.S}`);
    assert.ok(maxAbsDiff(svdvals(c.A).toArray(), c.S!) <= TOL, `${c.name}: svdvals`);
  }
});

test("svd: dtype, nested arrays and bad input", () => {
  const f32 = randomMatrix(5, 3, 3).float();
  const r = svd(f32);
  assert.equal(r.U.dtype, "float32");
  assert.equal(r.S.dtype, "float32");
  assert.deepEqual(svd([[3, 0], [0, 4]]).S.tolist(), [4, 3]);
  assert.deepEqual(svd(Tensor.fromTypedArray(new Float64Array(0), [0, 3])).S.shape, [0]);
  assert.throws(() => svd(Tensor.fromTypedArray(new Float64Array(3), [3])), /linalg\.svd: A must be a 2-D matrix, got shape \[3\]/);
  assert.throws(() => svd([[1, NaN]]), /linalg\.svd: A contains NaN at row 0, column 1/);
  assert.throws(() => svd([[1, 2], [3]]), /ragged/);
});

test("svd: a transposed (non-contiguous) view gives the factors of the transpose", () => {
  const A = randomMatrix(8, 5, 11);
  const direct = svd(A).S.toArray();
  const viaView = svd(A.T).S.toArray();
  assert.ok(maxAbsDiff(direct, viaView) <= 1e-12);
  assert.equal(A.toArray()[0], randomMatrix(8, 5, 11).toArray()[0], "input untouched");
});
