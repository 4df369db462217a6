import { test } from "node:test";
import assert from "node:assert/strict";
import { qr } from "../../src/linalg/index.js";
import { matmul, maxAbsDiff, orthogonalityError, randomMatrix } from "./helpers.js";

test("qr: reduced Q R = A with orthonormal Q and upper-triangular R, across panel boundaries", () => {
  for (const [m, n] of [[1, 1], [5, 3], [3, 5], [40, 40], [100, 70], [70, 100], [300, 33]] as [number, number][]) {
    const A = randomMatrix(m, n, m * 1000 + n);
    const { Q, R } = qr(A);
    const k = Math.min(m, n);
    assert.deepEqual(Q.shape, [m, k]);
    assert.deepEqual(R.shape, [k, n]);
    const r = R.toArray();
    for (let i = 0; i < k; i++) for (let j = 0; j < Math.min(i, n); j++) assert.equal(r[i * n + j], 0, `${m}x${n}: R[${i}][${j}]`);
    assert.ok(maxAbsDiff(matmul(Q.toArray(), r, m, k, n), A.toArray()) <= 1e-12, `${m}x${n}: QR = A`);
    assert.ok(orthogonalityError(Q.toArray(), m, k) <= 1e-12, `${m}x${n}: Q^T Q = I`);
  }
});

test("qr: rank-deficient input still gives an orthonormal Q", () => {
  const A = [[1, 2, 3], [2, 4, 6], [3, 6, 9], [4, 8, 12]];
  const { Q, R } = qr(A);
  assert.ok(orthogonalityError(Q.toArray(), 4, 3) <= 1e-12);
  assert.ok(maxAbsDiff(matmul(Q.toArray(), R.toArray(), 4, 3, 3), A.flat()) <= 1e-12);
});
