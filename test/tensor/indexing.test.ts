import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("indexing", {
  gather_dim1: (x, i) => x.gather(1, i),
  gather_dim0: (x, i) => x.gather(0, i),
  gather_smaller_index: (x, i) => x.gather(1, i),
  index_select_dim0: (x, i) => x.indexSelect(0, i),
  index_select_dim1: (x, i) => x.indexSelect(1, i),
  scatter_add: (b, i, s) => b.scatterAdd(1, i, s),
  scatter_add_dim0: (b, i, s) => b.scatterAdd(0, i, s),
  scatter_add_larger_src: (b, i, s) => b.scatterAdd(1, i, s),
  index_add: (b, i, s) => b.indexAdd(0, i, s),
  index_add_dim1: (b, i, s) => b.indexAdd(1, i, s),
  sort: (x) => x.sort(),
  sort_descending_dim0: (x) => x.sort(0, true),
  sort_int: (x) => x.sort(1),
  sort_nan_last: (x) => x.sort(),
  argsort: (x) => x.argsort(1),
  topk: (x) => x.topk(3),
  topk_smallest_dim0: (x) => x.topk(2, 0, false),
});

opCases("join", {
  cat_dim0: (a, b, c) => lt.cat([a, b, c], 0),
  cat_dim1: (a, b) => lt.cat([a, b], 1),
  cat_negative_dim: (a, b) => lt.cat([a, b], -1),
  cat_promotes: (a, b) => lt.cat([a, b], 0),
  stack_dim0: (a, b) => lt.stack([a, b]),
  stack_dim_last: (a, b, c) => lt.stack([a, b, c], -1),
  split_size: (x) => x.split(2),
  split_sections: (x) => lt.split(x, [1, 3, 2], 1),
  chunk: (x) => x.chunk(3),
});

describe("indexing semantics", () => {
  const x = lt.arange(0, 12, 1, { dtype: "float32" }).reshape([3, 4]);
  const idx = (v: number[] | number[][]) => lt.tensor(v, { dtype: "int32" });

  test("ops read strided input", () => {
    assert.deepEqual(x.T.gather(1, idx([[2], [0], [1], [1]])).tolist(), [[8], [1], [6], [7]]);
    assert.deepEqual(x.T.indexSelect(0, idx([3, 0])).tolist(), [[3, 7, 11], [0, 4, 8]]);
    assert.deepEqual(x.slice(1, 1, 3).sort(1, true).values.tolist(), [[2, 1], [6, 5], [10, 9]]);
  });

  test("split and chunk return views; chunk sizes follow torch", () => {
    const parts = lt.split(x, 3, 1);
    assert.deepEqual(parts.map((p) => p.shape), [[3, 3], [3, 1]]);
    assert.equal(parts[1].data.buffer, x.data.buffer);
    assert.deepEqual(lt.chunk(lt.zeros([5]), 2).map((p) => p.shape[0]), [3, 2]);
  });

  test("sort is stable and argsort matches sort's indices", () => {
    const t = lt.tensor([2, 1, 2, 1, 0]);
    assert.deepEqual(t.sort().indices.tolist(), [4, 1, 3, 0, 2]);
    assert.deepEqual(t.argsort().tolist(), [4, 1, 3, 0, 2]);
    assert.deepEqual(t.sort(0, true).indices.tolist(), [0, 2, 1, 3, 4]);
  });

  test("scatterAdd and indexAdd are out of place", () => {
    const base = lt.zeros([2, 3]);
    const out = base.indexAdd(1, idx([2, 2]), lt.ones([2, 2]));
    assert.deepEqual(out.tolist(), [[0, 0, 2], [0, 0, 2]]);
    assert.deepEqual(base.tolist(), [[0, 0, 0], [0, 0, 0]]);
  });

  test("errors name the op, the index and the shapes", () => {
    assertThrowsWith(() => x.gather(1, idx([[4]])), "gather", "index 4", "size 4");
    assertThrowsWith(() => x.gather(1, lt.tensor([[1]])), "gather", "int32", "float32");
    assertThrowsWith(() => x.gather(1, idx([1])), "gather", "1 dims", "2");
    assertThrowsWith(() => x.gather(1, idx([[0], [0], [0], [0]])), "gather", "[4, 1]", "[3, 4]");
    assertThrowsWith(() => x.gather(2, idx([[0]])), "gather", "dim 2");
    assertThrowsWith(() => x.indexSelect(0, idx([[0]])), "indexSelect", "1-D", "[1, 1]");
    assertThrowsWith(() => x.indexSelect(0, idx([-1])), "indexSelect", "index -1", "size 3");
    assertThrowsWith(() => x.scatterAdd(0, idx([[3]]), lt.ones([1, 1])), "scatterAdd", "index 3", "size 3");
    assertThrowsWith(() => x.indexAdd(0, idx([0, 1]), lt.ones([3, 4])), "indexAdd", "[3, 4]", "[2, 4]");
    assertThrowsWith(() => x.topk(5), "topk", "5", "size 4");
  });
});

describe("join errors name the op and the shapes", () => {
  test("cat, stack, split", () => {
    assertThrowsWith(() => lt.cat([lt.zeros([2, 3]), lt.zeros([2, 4])], 0), "cat", "tensor 1", "[2, 4]", "[2, 3]");
    assertThrowsWith(() => lt.cat([lt.zeros([2, 3]), lt.zeros([3])]), "cat", "[3]", "[2, 3]");
    assertThrowsWith(() => lt.cat([]), "cat", "non-empty");
    assertThrowsWith(() => lt.cat([lt.tensor(1), lt.tensor(2)]), "cat", "0-d");
    assertThrowsWith(() => lt.cat([lt.zeros([2])], 1), "cat", "dim 1");
    assertThrowsWith(() => lt.stack([lt.zeros([2]), lt.zeros([3])]), "stack", "tensor 1", "[3]", "[2]");
    assertThrowsWith(() => lt.split(lt.zeros([5]), [2, 2]), "split", "[2, 2]", "5");
    assertThrowsWith(() => lt.split(lt.zeros([5]), 0), "split", "0");
  });
});
