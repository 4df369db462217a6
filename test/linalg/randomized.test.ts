import { test } from "node:test";
import assert from "node:assert/strict";
import { capturedEnergy, lowRankApproximation, randomizedSvd, svd } from "../../src/linalg/index.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { luNormalize } from "../../src/linalg/randomized.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { matmul, maxAbs, maxAbsDiff, orthogonalityError, randomMatrix, transpose, withSingularValues } from "./helpers.js";

function noisyLowRank(m: number, n: number, seed: number): Tensor {
  const signal = withSingularValues(m, n, [50, 30, 20, 10, 5, 2], seed).toArray();
  const noise = randomMatrix(m, n, seed + 7).toArray();
  return Tensor.fromTypedArray(Float64Array.from(signal, (x, i) => x + 1e-4 * noise[i]), [m, n]);
}

test("randomizedSvd: matches the exact top singular triplets of a noisy low-rank matrix", () => {
  for (const [m, n] of [[200, 60], [60, 200]] as [number, number][]) {
    const A = noisyLowRank(m, n, m);
    const exact = svd(A);
    const { U, S, Vh } = randomizedSvd(A, 4, { seed: 0 });
    assert.deepEqual(U.shape, [m, 4]);
    assert.deepEqual(Vh.shape, [4, n]);
    const s = S.toArray();
    const es = exact.S.toArray().slice(0, 4);
    assert.ok(maxAbsDiff(s, es) <= 1e-9 * es[0], `${m}x${n}: ${Array.from(s)} vs ${Array.from(es)}`);
    assert.ok(orthogonalityError(U.toArray(), m, 4) <= 1e-10);
    assert.ok(orthogonalityError(transpose(Vh.toArray(), 4, n), n, 4) <= 1e-10);
    // Same subspace as the exact vectors: |cos| = 1 per pair.
    const v = Vh.toArray();
    const ev = exact.Vh.toArray();
    for (let j = 0; j < 4; j++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[j * n + i] * ev[j * n + i];
      assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-9, `${m}x${n}: vector ${j} cos ${dot}`);
    }
    // svd_flip: the largest-magnitude entry of every column of U is positive.
    const u = U.toArray();
    for (let j = 0; j < 4; j++) {
      let best = 0;
      for (let i = 0; i < m; i++) if (Math.abs(u[i * 4 + j]) > Math.abs(best)) best = u[i * 4 + j];
      assert.ok(best > 0, `column ${j} sign`);
    }
  }
});

test("randomizedSvd: a seed reproduces the result; options are validated", () => {
  const A = randomMatrix(80, 30, 2);
  const a = randomizedSvd(A, 3, { seed: 5, nIter: 2 }).Vh.toArray();
  const b = randomizedSvd(A, 3, { seed: 5, nIter: 2 }).Vh.toArray();
  assert.deepEqual(Array.from(a), Array.from(b));
  assert.throws(() => randomizedSvd(A, 0), /nComponents must be an integer in \[1, 30\], got 0/);
  assert.throws(() => randomizedSvd(A, 31), /nComponents/);
  assert.throws(() => randomizedSvd(A, 3, { nIter: -1 }), /nIter/);
});

test("lowRankApproximation: Eckart-Young error and captured energy", () => {
  const A = randomMatrix(30, 20, 4);
  const s = svd(A).S.toArray();
  for (const k of [0, 1, 5, 20]) {
    const { approximation, energy } = lowRankApproximation(A, k);
    const a = A.toArray();
    const r = approximation.toArray();
    let err = 0;
    for (let i = 0; i < a.length; i++) err += (a[i] - r[i]) ** 2;
    let tail = 0;
    for (let i = k; i < s.length; i++) tail += s[i] ** 2;
    assert.ok(Math.abs(err - tail) <= 1e-10 * Math.max(1, tail), `rank ${k}: error ${err} vs ${tail}`);
    assert.ok(Math.abs(energy - capturedEnergy(s, k)) <= 1e-15);
  }
  assert.equal(capturedEnergy([3, 4], 1), 9 / 25);
  assert.equal(capturedEnergy([0, 0], 1), 1);
  assert.equal(lowRankApproximation(A, 20).energy, 1);
  assert.ok(maxAbs(lowRankApproximation(A, 0).approximation.toArray()) === 0);
  assert.throws(() => lowRankApproximation(A, 21), /rank must be an integer in \[0, 20\], got 21/);
});

test("luNormalize: P L from partial pivoting spans the columns of Y (Y = P L U)", () => {
  for (const [rows, k] of [[6, 3], [40, 7], [5, 5]] as [number, number][]) {
    const y = randomMatrix(rows, k, rows + k).toArray() as Float64Array;
    const pl = luNormalize(y.slice(), rows, k);
    // The pivot rows of P L, in pivot order, are unit lower triangular; recover U from them.
    const pivots: number[] = [];
    for (let j = 0; j < k; j++) {
      const p = Array.from({ length: rows }, (_, i) => i).find((i) => pl[i * k + j] === 1 && pl.slice(i * k + j + 1, i * k + k).every((v) => v === 0) && !pivots.includes(i));
      assert.ok(p !== undefined, `pivot row for column ${j}`);
      pivots.push(p);
    }
    for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) assert.ok(Math.abs(pl[i * k + j]) <= 1 + 1e-12, "partial pivoting bounds the multipliers by 1");
    const u = new Float64Array(k * k);
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < k; c++) {
        let v = y[pivots[j] * k + c];
        for (let t = 0; t < j; t++) v -= pl[pivots[j] * k + t] * u[t * k + c];
        u[j * k + c] = v;
      }
    }
    assert.ok(maxAbsDiff(matmul(pl, u, rows, k, k), y) <= 1e-12, `${rows}x${k}: P L U = Y`);
  }
});

test("luNormalize: the native core's factorisation equals the reference on tall blocks (several panels, a zero column)", { skip: nativeBackend ? false : "native core not built" }, () => {
  for (const [rows, k, seed] of [[3000, 26, 1], [701, 13, 2], [2048, 4, 3]] as [number, number, number][]) {
    const y = randomMatrix(rows, k, seed).toArray() as Float64Array;
    if (k === 13) for (let i = 0; i < rows; i++) y[i * k + 5] = 0;
    const expected = y.slice();
    jsBackend.luNormalize(expected, rows, k);
    const actual = y.slice();
    nativeBackend!.luNormalize(actual, rows, k);
    assert.ok(maxAbsDiff(actual, expected) <= 1e-12, `${rows}x${k}: native P L differs from the reference by ${maxAbsDiff(actual, expected)}`);
  }
  assert.throws(() => nativeAddon!.luNormalize(new Float64Array(6), 2, 3), /need rows >= k/);
  assert.throws(() => nativeAddon!.luNormalize(new Float64Array(5), 3, 2), /luNormalize: Y needs 3 x 2 elements/);
});
