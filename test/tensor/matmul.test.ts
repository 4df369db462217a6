import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("matmul", {
  mm: (a, b) => lt.mm(a, b),
  matmul_dot: (a, b) => a.matmul(b),
  matmul_vector_matrix: (a, b) => a.matmul(b),
  matmul_matrix_vector: (a, b) => a.matmul(b),
  matmul_batch_matrix: (a, b) => a.matmul(b),
  matmul_matrix_batch: (a, b) => lt.matmul(a, b),
  matmul_broadcast_batch: (a, b) => a.matmul(b),
  matmul_vector_batch: (a, b) => a.matmul(b),
  matmul_batch_vector: (a, b) => a.matmul(b),
  bmm: (a, b) => lt.bmm(a, b),
  matmul_transposed_left: (a, b) => a.T.matmul(b),
  matmul_transposed_right: (a, b) => a.matmul(b.T),
  matmul_transposed_both_batched: (a, b) => a.mT.matmul(b.mT),
  matmul_strided: (a, b) => a.slice(0, 0, undefined, 2).matmul(b.slice(1, 1, undefined, 2)),
  matmul_permuted_batch: (a, b) => a.permute([1, 0, 2]).matmul(b),
  matmul_float64: (a, b) => a.matmul(b),
  matmul_int: (a, b) => a.matmul(b),
});

/** Textbook triple loop in float64, the oracle for layouts the fixture does not cover. */
function naive(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));
}

describe("matmul layouts", () => {
  const g = new lt.Generator(11);
  const A = lt.randn([5, 7], { generator: g, dtype: "float64" });
  const B = lt.randn([7, 3], { generator: g, dtype: "float64" });
  const want = naive(A.tolist() as number[][], B.tolist() as number[][]);

  test("contiguous, transposed, sliced and expanded operands give the same product", () => {
    const layouts: [string, lt.Tensor, lt.Tensor][] = [
      ["contiguous", A, B],
      ["column-major A", A.T.contiguous().T, B],
      ["column-major B", A, B.T.contiguous().T],
      ["both column-major", A.T.contiguous().T, B.T.contiguous().T],
      ["offset rows", lt.cat([lt.zeros([2, 7], { dtype: "float64" }), A]).slice(0, 2), B],
      ["strided columns", lt.stack([A, A.neg()], 2).select(2, 0), B],
    ];
    for (const [name, a, b] of layouts) assertClose(a.matmul(b), want, { rtol: 1e-12, atol: 1e-12, message: name });
  });

  test("a broadcast batch reuses one matrix; a strided batch is read correctly", () => {
    const batch = A.unsqueeze(0).expand([4, 5, 7]);
    const out = batch.matmul(B);
    assert.deepEqual(out.shape, [4, 5, 3]);
    for (let i = 0; i < 4; i++) assertClose(out.select(0, i), want, { rtol: 1e-12, atol: 1e-12 });
    const stacked = lt.stack([B, B.mul(2), B.mul(3)], 0).slice(0, 0, 3, 2);
    const prod = A.matmul(stacked);
    assertClose(prod.select(0, 1), naive(A.tolist() as number[][], B.mul(3).tolist() as number[][]), { rtol: 1e-12, atol: 1e-12 });
  });

  test("empty inner dimension gives zeros; empty outer dims give empty results", () => {
    assert.deepEqual(lt.zeros([2, 0]).matmul(lt.zeros([0, 3])).tolist(), [[0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(lt.zeros([0, 4]).matmul(lt.zeros([4, 3])).shape, [0, 3]);
  });

  test("mixed float dtypes promote", () => {
    assert.equal(lt.ones([2, 2]).matmul(lt.ones([2, 2], { dtype: "float64" })).dtype, "float64");
    assert.equal(lt.ones([2, 2], { dtype: "int32" }).matmul(lt.ones([2, 2])).dtype, "float32");
  });

  test("256 x 256 products agree with the float64 oracle", () => {
    const a = lt.randn([256, 256], { generator: g });
    const b = lt.randn([256, 256], { generator: g });
    const out = a.matmul(b.T);
    const al = a.tolist() as number[][];
    const bl = b.tolist() as number[][];
    for (const [i, j] of [[0, 0], [17, 200], [255, 255], [128, 3]]) {
      const ref = al[i].reduce((s, v, k) => s + v * bl[j][k], 0);
      assertClose((out.tolist() as number[][])[i][j], ref, { rtol: 1e-5, atol: 1e-4 });
    }
  });

  test("errors name the op and both shapes", () => {
    assertThrowsWith(() => lt.zeros([2, 3]).matmul(lt.zeros([4, 5])), "matmul", "[2, 3]", "[4, 5]");
    assertThrowsWith(() => lt.zeros([3]).matmul(lt.zeros([4])), "matmul", "[3]", "[4]");
    assertThrowsWith(() => lt.zeros([2, 3]).matmul(lt.zeros([4])), "matmul", "[2, 3]", "[4]");
    assertThrowsWith(() => lt.zeros([2, 2, 3]).matmul(lt.zeros([3, 3, 1])), "matmul", "[2]", "[3]");
    assertThrowsWith(() => lt.zeros([]).matmul(lt.zeros([2])), "matmul", "[]");
    assertThrowsWith(() => lt.mm(lt.zeros([2, 3, 4]), lt.zeros([4, 2])), "mm", "[2, 3, 4]");
    assertThrowsWith(() => lt.bmm(lt.zeros([2, 3, 4]), lt.zeros([3, 4, 2])), "bmm", "[2, 3, 4]", "[3, 4, 2]");
    assertThrowsWith(() => lt.ones([2], { dtype: "bool" }).matmul(lt.ones([2], { dtype: "bool" })), "matmul", "bool");
  });
});

describe("the reference GEMM kernel", () => {
  test("every transpose combination, ragged row counts, offsets, batch strides, alpha and beta", () => {
    const g = new lt.Generator(5);
    const draw = (n: number) => Float64Array.from({ length: n }, () => Math.round(g.normal() * 100) / 100);
    for (const m of [1, 3, 4, 6, 9]) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]]) {
        const [n, k, batch, aOffset, bOffset] = [5, 7, 2, 3, 1];
        const a = draw(aOffset + batch * m * k);
        const b = draw(bOffset + k * n); // one B matrix broadcast over the batch (stride 0)
        const out = draw(batch * m * n);
        const before = Float64Array.from(out);
        const [alpha, beta] = [0.5, m % 2 === 0 ? 0 : -2];
        lt.jsBackend.gemm(a, b, out, { batch, m, n, k, transA, transB, aOffset, bOffset, aBatchStride: m * k, bBatchStride: 0, alpha, beta });
        for (let bi = 0; bi < batch; bi++) {
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let kk = 0; kk < k; kk++) {
                const av = a[aOffset + bi * m * k + (transA ? kk * m + i : i * k + kk)];
                const bv = b[bOffset + (transB ? j * k + kk : kk * n + j)];
                s += av * bv;
              }
              const at = bi * m * n + i * n + j;
              assertClose(out[at], alpha * s + beta * before[at], { rtol: 1e-12, atol: 1e-12, message: `m=${m} transA=${transA} transB=${transB} [${bi}, ${i}, ${j}]` });
            }
          }
        }
      }
    }
  });

  test("NaN and infinity propagate as in IEEE arithmetic, even against zeros", () => {
    const out = new Float64Array(2);
    lt.jsBackend.gemm(new Float64Array([0, 1]), new Float64Array([NaN, 2, Infinity, 3]), out, {
      batch: 1, m: 1, n: 2, k: 2, transA: false, transB: false, aOffset: 0, bOffset: 0, aBatchStride: 0, bBatchStride: 0, alpha: 1, beta: 0,
    });
    assert.ok(Number.isNaN(out[0]));
    assert.equal(out[1], 3);
  });
});
