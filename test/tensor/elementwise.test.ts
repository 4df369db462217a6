import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { scalarOp, unary } from "../../src/ops/elementwise.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("unary", {
  neg: (x) => x.neg(),
  abs: (x) => x.abs(),
  sign: (x) => x.sign(),
  exp: (x) => x.exp(),
  expm1: (x) => x.expm1(),
  log: (x) => x.log(),
  log1p: (x) => x.log1p(),
  sqrt: (x) => x.sqrt(),
  rsqrt: (x) => x.rsqrt(),
  square: (x) => x.square(),
  reciprocal: (x) => x.reciprocal(),
  sin: (x) => x.sin(),
  cos: (x) => x.cos(),
  tan: (x) => x.tan(),
  asin: (x) => x.asin(),
  acos: (x) => x.acos(),
  atan: (x) => x.atan(),
  sinh: (x) => x.sinh(),
  cosh: (x) => x.cosh(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  erf: (x) => x.erf(),
  floor: (x) => x.floor(),
  ceil: (x) => x.ceil(),
  round: (x) => x.round(),
  trunc: (x) => x.trunc(),
  relu6: (x) => unary("relu6", x),
  gelu: (x) => unary("gelu", x),
  geluTanh: (x) => unary("geluTanh", x),
  silu: (x) => unary("silu", x),
  mish: (x) => unary("mish", x),
  hardswish: (x) => unary("hardswish", x),
  hardsigmoid: (x) => unary("hardsigmoid", x),
  softplus: (x) => unary("softplus", x),
  exp_float64: (x) => x.exp(),
  sigmoid_float64: (x) => x.sigmoid(),
  round_half_even: (x) => x.round(),
  softplus_large: (x) => unary("softplus", x),
  sigmoid_extreme: (x) => x.sigmoid(),
  transposed_input: (x) => x.T.exp(),
  isnan_isinf: (x) => [x.isnan(), x.isinf()],
  logical_not: (x) => x.logicalNot(),
  int_exp: (x) => x.exp(),
  int_abs_neg: (x) => [x.abs(), x.neg()],
});

opCases("scalar", {
  pow_2: (x) => x.pow(2),
  pow_3: (x) => x.pow(3),
  pow_half: (x) => x.pow(0.5),
  pow_negative: (x) => x.pow(-1.5),
  pow_0: (x) => x.pow(0),
  clamp: (x) => x.clamp(-0.5, 0.5),
  clamp_min: (x) => x.clamp(0.2),
  clamp_max: (x) => x.clamp(undefined, -0.1),
  clamp_int: (x) => x.clamp(-2, 3),
  clamp_int_fractional: (x) => x.clamp(-2, 2.5),
  leaky_relu: (x) => scalarOp("leakyRelu", x, 0.1),
  elu: (x) => scalarOp("elu", x, 1),
  elu_alpha: (x) => scalarOp("elu", x, 0.5),
  add_scalar: (x) => x.add(2.5),
  sub_scalar: (x) => x.sub(1.25),
  rsub_scalar: (x) => x.rsub(2),
  mul_scalar: (x) => x.mul(-3),
  div_scalar: (x) => x.div(4),
  add_alpha: (x, y) => x.add(y, 2),
  int_rsub_fractional: (x) => x.rsub(1.5),
  int_mul_fractional: (x) => x.mul(2.5),
  int_add_integer: (x) => x.add(3),
  int_div_integer: (x) => x.div(2),
  bool_add_integer: (x) => x.add(1),
});

opCases("binary", {
  add: (a, b) => a.add(b),
  add_broadcast_row: (a, b) => a.add(b),
  sub_broadcast_both: (a, b) => a.sub(b),
  mul_outer: (a, b) => a.mul(b),
  div_broadcast: (a, b) => a.div(b),
  pow_tensor: (a, b) => a.pow(b),
  maximum: (a, b) => a.maximum(b),
  minimum: (a, b) => a.minimum(b),
  maximum_ties: (a, b) => a.maximum(b),
  minimum_ties: (a, b) => a.minimum(b),
  atan2: (a, b) => a.atan2(b),
  remainder: (a, b) => a.remainder(b),
  float64_broadcast: (a, b) => a.mul(b),
  float32_float64_promotes: (a, b) => a.mul(b),
  zero_dim_float64_keeps_float32: (a, b) => a.mul(b),
  int_float_promotes: (a, b) => a.add(b),
  int_zero_dim_float64: (a, b) => a.add(b),
  int_true_division: (a, b) => a.div(b),
  int_remainder: (a, b) => a.remainder(b),
  int_mul: (a, b) => a.mul(b),
  bool_int_add: (a, b) => a.add(b),
  bool_float_mul: (a, b) => a.mul(b),
  bool_add_mul_bool: (a, b) => [a.add(b), a.mul(b), a.maximum(b)],
  eq: (a, b) => a.eq(b),
  ne: (a, b) => a.ne(b),
  lt: (a, b) => a.lt(b),
  le: (a, b) => a.le(b),
  gt: (a, b) => a.gt(b),
  ge: (a, b) => a.ge(b),
  compare_int_float: (a, b) => a.lt(b),
  logicalAnd: (a, b) => a.logicalAnd(b),
  logicalOr: (a, b) => a.logicalOr(b),
  logicalXor: (a, b) => a.logicalXor(b),
});

opCases("where", {
  where: (c, a, b) => lt.where(c, a, b),
  where_broadcast: (c, a, b) => lt.where(c, a, b),
  where_scalar_other: (c, x) => lt.where(c, x, 0),
  where_scalar_self: (c, x) => lt.where(c, 1.5, x),
  masked_fill: (x, m) => x.maskedFill(m, -1),
  where_int: (c, a, b) => lt.where(c, a, b),
});

opCases("cast", {
  float_to_int_truncates: (x) => x.to("int32"),
  float_to_bool: (x) => x.to("bool"),
  int_to_float: (x) => x.to("float32"),
  bool_to_float: (x) => x.float(),
  float32_to_float64_grad: (x) => x.double().exp(),
  float64_to_float32_grad: (x) => x.float().mul(3),
});

describe("broadcasting", () => {
  test("shapes align from the right; size-1 and missing dims stretch", () => {
    const cases: [number[], number[], number[]][] = [
      [[2, 3], [3], [2, 3]],
      [[4, 1, 3], [2, 1], [4, 2, 3]],
      [[1], [5, 4], [5, 4]],
      [[], [2, 2], [2, 2]],
      [[3, 0], [1], [3, 0]],
    ];
    for (const [a, b, out] of cases) assert.deepEqual(lt.zeros(a).add(lt.zeros(b)).shape, out);
  });

  test("values follow the broadcast (outer sum)", () => {
    const col = lt.tensor([[0], [10], [20]]);
    const row = lt.tensor([1, 2]);
    assert.deepEqual(col.add(row).tolist(), [[1, 2], [11, 12], [21, 22]]);
  });

  test("mismatched shapes name the op and both shapes", () => {
    assertThrowsWith(() => lt.zeros([2, 3]).add(lt.zeros([2])), "add", "[2, 3]", "[2]", "broadcast");
    assertThrowsWith(() => lt.zeros([4, 3]).mul(lt.zeros([2, 3])), "mul", "[4, 3]", "[2, 3]");
    assertThrowsWith(() => lt.where(lt.zeros([3], { dtype: "bool" }), lt.zeros([2]), 0), "where", "[3]", "[2]");
  });
});

describe("dtype promotion", () => {
  const i = lt.tensor([1, 2, 3], { dtype: "int32" });
  const f = lt.tensor([0.5, 1, 1.5]);
  const b = lt.tensor([true, false, true]);

  test("int32 with float32 is float32, with float64 float64", () => {
    assert.equal(i.add(f).dtype, "float32");
    assert.equal(i.mul(f.double()).dtype, "float64");
    assert.equal(f.add(f.double()).dtype, "float64");
  });

  test("true division of integers is float32; remainder stays int32", () => {
    assert.equal(i.div(i).dtype, "float32");
    assertClose(i.div(lt.tensor([2, 2, 2], { dtype: "int32" })), [0.5, 1, 1.5]);
    assert.equal(i.remainder(2).dtype, "int32");
  });

  test("comparisons and logical ops give bool", () => {
    for (const t of [f.gt(1), i.eq(2), f.le(i), b.logicalAnd(b), f.isnan()]) assert.equal(t.dtype, "bool");
  });

  test("sums of bool and int32 are int32; mean of int32 is refused", () => {
    assert.equal(b.sum().dtype, "int32");
    assert.equal(b.sum().item(), 2);
    assert.equal(i.sum().dtype, "int32");
    assertThrowsWith(() => i.mean(), "mean", "int32");
  });

  test("JS numbers do not widen: float32 * 0.1 is float32, int32 + 2 is int32, int32 * 0.5 is float32", () => {
    assert.equal(f.mul(0.1).dtype, "float32");
    assert.equal(i.add(2).dtype, "int32");
    assert.equal(i.mul(0.5).dtype, "float32");
    assert.equal(b.add(1).dtype, "int32");
  });

  test("two bools stay bool under + and *, and refuse -", () => {
    assert.deepEqual(b.add(lt.tensor([true, true, false])).tolist(), [true, true, true]);
    assert.deepEqual(b.mul(true).tolist(), [true, false, true]);
    assertThrowsWith(() => b.sub(b), "sub", "bool", "logicalXor");
  });

  test("math functions of integers are float32", () => {
    assert.equal(i.exp().dtype, "float32");
    assert.equal(i.sqrt().dtype, "float32");
    assert.equal(i.abs().dtype, "int32");
  });

  test("only floating tensors can require grad", () => {
    assertThrowsWith(() => lt.tensor([1, 2], { dtype: "int32", requiresGrad: true }), "requiresGrad", "int32");
  });
});

describe("element-wise on views", () => {
  test("strided, transposed, expanded and offset operands read the right elements", () => {
    const x = lt.arange(0, 12, 1, { dtype: "float32" }).reshape([3, 4]);
    assert.deepEqual(x.T.add(1).tolist(), [[1, 5, 9], [2, 6, 10], [3, 7, 11], [4, 8, 12]]);
    assert.deepEqual(x.slice(1, 1, 4, 2).mul(x.slice(1, 0, 2)).tolist(), [[0, 3], [20, 35], [72, 99]]);
    assert.deepEqual(x.select(0, 2).sub(x.select(1, 0).slice(0, 0, 1).expand([4])).tolist(), [8, 9, 10, 11]);
    assert.deepEqual(lt.tensor(1).rsub(x.T.slice(0, 1, 3)).tolist(), [[0, 4, 8], [1, 5, 9]]);
  });
});

describe("in-place ops", () => {
  test("fill_, copy_, add_, mul_, clamp_ write through views", () => {
    const x = lt.zeros([2, 3]);
    x.slice(1, 1).fill_(2);
    assert.deepEqual(x.tolist(), [[0, 2, 2], [0, 2, 2]]);
    x.T.copy_(lt.tensor([1, 2]).unsqueeze(0).expand([3, 2]));
    assert.deepEqual(x.tolist(), [[1, 1, 1], [2, 2, 2]]);
    x.add_(lt.tensor([1, 0, -1]), 2).mul_(3).clamp_(0, 10);
    assert.deepEqual(x.tolist(), [[9, 3, 0], [10, 6, 0]]);
  });

  test("a leaf that requires grad refuses in-place changes outside noGrad", () => {
    const w = lt.ones([2], { requiresGrad: true });
    assertThrowsWith(() => w.add_(1), "add_", "leaf");
    lt.noGrad(() => w.add_(1));
    assert.deepEqual(w.tolist(), [2, 2]);
  });
});
