import { test } from "node:test";
import assert from "node:assert/strict";
import { gemm, view, viewT } from "../../src/linalg/gemm.js";
import { matmul, maxAbsDiff, randomMatrix, transpose } from "./helpers.js";

test("gemm: C = alpha op(A) op(B) + beta C for every transpose pair and ragged tile edges", () => {
  for (const [m, n, k] of [[1, 1, 1], [7, 5, 3], [33, 17, 300], [130, 515, 257]]) {
    const a = randomMatrix(m, k, 1).toArray() as Float64Array;
    const b = randomMatrix(k, n, 2).toArray() as Float64Array;
    const expected = matmul(a, b, m, k, n);
    const c0 = randomMatrix(m, n, 3).toArray() as Float64Array;
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const aOp = ta ? viewT(transpose(a, m, k), m) : view(a, k);
        const bOp = tb ? viewT(transpose(b, k, n), k) : view(b, n);
        const c = c0.slice();
        gemm(m, n, k, 1.5, aOp, bOp, 0.5, c, 0, n);
        assert.ok(maxAbsDiff(c, expected.map((x, i) => 1.5 * x + 0.5 * c0[i])) <= 1e-12, `${m}x${n}x${k} ${ta} ${tb}`);
      }
    }
  }
});

test("gemm: sub-blocks through offsets and leading dimensions, and the upper-triangle mode", () => {
  const big = randomMatrix(10, 12, 4).toArray() as Float64Array;
  // A = big[2:6, 3:8] (4 x 5), B = big[1:6, 0:3] (5 x 3), C written into the middle of a 6 x 7 buffer.
  const sub = (r0: number, c0: number, r: number, c: number) => Float64Array.from({ length: r * c }, (_, i) => big[(r0 + Math.floor(i / c)) * 12 + c0 + (i % c)]);
  const c = new Float64Array(42);
  gemm(4, 3, 5, 1, view(big, 12, 2 * 12 + 3), view(big, 12, 12), 0, c, 7 + 2, 7);
  const expected = matmul(sub(2, 3, 4, 5), sub(1, 0, 5, 3), 4, 5, 3);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) assert.ok(Math.abs(c[(1 + i) * 7 + 2 + j] - expected[i * 3 + j]) <= 1e-12);
  const x = randomMatrix(50, 9, 5).toArray() as Float64Array;
  const g = new Float64Array(81);
  gemm(9, 9, 50, 1, viewT(x, 9), view(x, 9), 0, g, 0, 9, true);
  const full = matmul(transpose(x, 50, 9), x, 9, 50, 9);
  for (let i = 0; i < 9; i++) for (let j = i; j < 9; j++) assert.ok(Math.abs(g[i * 9 + j] - full[i * 9 + j]) <= 1e-12);
});
