import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("reduce", {
  sum_all: (x) => x.sum(),
  sum_dim: (x) => x.sum(1),
  sum_negative_dim_keepdim: (x) => x.sum(-1, true),
  sum_dims: (x) => x.sum([0, 2]),
  sum_dims_keepdim: (x) => x.sum([0, 2], true),
  sum_transposed: (x) => x.T.sum(1),
  sum_float64: (x) => x.sum(0),
  sum_int: (x) => x.sum(1),
  sum_bool: (x) => [x.sum(), x.sum(0)],
  mean_all: (x) => x.mean(),
  mean_dim: (x) => x.mean(0),
  mean_dims_keepdim: (x) => x.mean([1, 2], true),
  prod_dim: (x) => x.prod(1),
  prod_all: (x) => x.prod(),
  prod_with_zeros: (x) => x.prod(1),
  amax_dims: (x) => x.amax([0, 2]),
  amin_dim_keepdim: (x) => x.amin(1, true),
  amax_ties: (x) => x.amax(1),
  max_all: (x) => x.max(),
  max_all_ties: (x) => x.max(),
  min_all: (x) => x.min(),
  max_dim: (x) => x.max(1),
  max_dim_keepdim: (x) => x.max(-1, true),
  min_dim: (x) => x.min(0),
  max_dim_nan: (x) => x.max(1),
  argmax_dim: (x) => x.argmax(1),
  argmin_dim_keepdim: (x) => x.argmin(0, true),
  argmax_all: (x) => x.argmax(),
  var_all: (x) => x.var(),
  var_dim: (x) => x.var(1),
  var_dims_keepdim_correction0: (x) => x.var([0, 2], { correction: 0, keepdim: true }),
  std_all: (x) => x.std(),
  std_dim: (x) => x.std(2),
  logsumexp_dim: (x) => x.logsumexp(1),
  logsumexp_dims_keepdim: (x) => x.logsumexp([0, 2], true),
  // PyTorch's gradient, exp(x - result), inherits result's float32 rounding (an ulp at 1000 is 6e-5);
  // Lantern's matches the exact softmax, so the two differ by ~3e-5 relative.
  logsumexp_large: [(x) => x.logsumexp(1), { rtol: 1e-4 }],
  logsumexp_all_neg_inf: (x) => x.logsumexp(1),
  softmax_last: (x) => x.softmax(-1),
  softmax_middle: (x) => x.softmax(1),
  log_softmax_last: (x) => x.logSoftmax(-1),
  log_softmax_first: (x) => x.logSoftmax(0),
  softmax_large: (x) => x.softmax(1),
  any_all: (x) => [x.any(1), x.all(0), x.any(), x.all()],
});

describe("reductions", () => {
  const x = lt.arange(0, 24, 1, { dtype: "float32" }).reshape([2, 3, 4]);

  test("output shapes over any dims, with and without keepdim", () => {
    const cases: [number | number[] | undefined, boolean, number[]][] = [
      [undefined, false, []],
      [0, false, [3, 4]],
      [-1, true, [2, 3, 1]],
      [[0, 2], false, [3]],
      [[2, 0], true, [1, 3, 1]],
      [[0, 1, 2], false, []],
    ];
    for (const [dim, keepdim, shape] of cases) {
      assert.deepEqual(x.sum(dim, keepdim).shape, shape);
      assert.deepEqual(x.mean(dim, keepdim).shape, shape);
      assert.deepEqual(x.amax(dim, keepdim).shape, shape);
      assert.deepEqual(x.var(dim, { keepdim }).shape, shape);
    }
  });

  test("non-adjacent dims and strided input reduce the right elements", () => {
    assert.deepEqual(x.sum([0, 2]).tolist(), [60, 92, 124]);
    assert.deepEqual(x.permute([2, 0, 1]).sum([0, 2]).tolist(), [66, 210]);
    assert.deepEqual(x.slice(2, 0, 4, 3).amax(2).tolist(), [[3, 7, 11], [15, 19, 23]]);
  });

  test("max/min along a dim give values and int32 indices of the first extreme", () => {
    const t = lt.tensor([[1, 5, 5], [7, 2, 7]]);
    const { values, indices } = t.max(1);
    assert.deepEqual(values.tolist(), [5, 7]);
    assert.deepEqual(indices.tolist(), [1, 0]);
    assert.equal(indices.dtype, "int32");
    assert.deepEqual(t.min(0, true).indices.tolist(), [[0, 1, 0]]);
    assert.equal(t.argmax().item(), 3);
  });

  test("integer and bool reductions", () => {
    const i = lt.tensor([[1, -2], [3, 4]], { dtype: "int32" });
    assert.equal(i.amax().dtype, "int32");
    assert.deepEqual(i.max(0).values.tolist(), [3, 4]);
    assert.deepEqual(i.prod(1).tolist(), [-2, 12]);
    assert.deepEqual(lt.tensor([[true, false], [true, true]]).sum(1).tolist(), [1, 2]);
  });

  test("std and var take a correction (Bessel's by default)", () => {
    const t = lt.tensor([1, 2, 3, 4], { dtype: "float64" });
    assertClose(t.var(), 5 / 3, { rtol: 1e-14 });
    assertClose(t.var(0, { correction: 0 }), 1.25, { rtol: 1e-14 });
    assertClose(t.std(), Math.sqrt(5 / 3), { rtol: 1e-14 });
  });

  test("a 0-d tensor reduces to itself", () => {
    const s = lt.tensor(3);
    assert.equal(s.sum().item(), 3);
    assert.equal(s.max(0).values.item(), 3);
    assert.equal(s.softmax(0).item(), 1);
  });

  test("errors name the op and the bad dim", () => {
    assertThrowsWith(() => x.sum(3), "sum", "dim 3", "rank 3");
    assertThrowsWith(() => x.mean([0, -3]), "mean", "repeat");
    assertThrowsWith(() => x.max(-4), "max", "dim -4");
    assertThrowsWith(() => x.softmax(5), "softmax", "dim 5");
    assertThrowsWith(() => x.logsumexp(3), "logsumexp", "dim 3");
    assertThrowsWith(() => lt.zeros([2, 0]).max(1), "max", "empty");
    assertThrowsWith(() => lt.zeros([0]).amax(), "max", "empty");
  });
});
