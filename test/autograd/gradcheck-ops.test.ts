import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import type { BinaryOp, ScalarOp, UnaryOp } from "../../src/backend/backend.js";
import { binary, scalarOp, unary } from "../../src/ops/elementwise.js";

/**
 * Every differentiable op against central finite differences in float64 (lt.autograd.gradcheck).
 * The op tables are typed Record<Op, …>, so adding a kernel op without a case here fails to compile.
 */

const g = new lt.Generator(1234);
type Domain = "normal" | "positive" | "unit" | "wide";

/** Random inputs kept inside an op's domain and well away from its kinks (0, ±3, 6, integers). */
function rnd(shape: number[], domain: Domain = "normal"): Tensor {
  switch (domain) {
    case "normal": return lt.randn(shape, { generator: g, dtype: "float64" });
    case "positive": return lt.rand(shape, { generator: g, dtype: "float64" }).mul(1.5).add(0.5);
    case "unit": return lt.rand(shape, { generator: g, dtype: "float64" }).mul(1.8).sub(0.9);
    case "wide": return lt.rand(shape, { generator: g, dtype: "float64" }).mul(14).sub(7);
  }
}
const index = (data: number[] | number[][], shape?: number[]) => lt.tensor(data, { dtype: "int32", shape });

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

function check(name: string, fn: Fn, inputs: () => Tensor[], opts: lt.autograd.GradcheckOptions = {}): void {
  test(name, () => {
    lt.autograd.gradcheck(fn, inputs(), opts);
  });
}

/** null: the op has no gradient (its result is bool). */
const UNARY: Record<UnaryOp, Domain | null> = {
  neg: "normal", abs: "normal", sign: "normal", exp: "normal", expm1: "normal", log: "positive",
  log1p: "positive", sqrt: "positive", rsqrt: "positive", square: "normal", reciprocal: "positive",
  sin: "normal", cos: "normal", tan: "unit", asin: "unit", acos: "unit", atan: "normal", sinh: "normal",
  cosh: "normal", tanh: "normal", sigmoid: "wide", relu: "normal", relu6: "wide", gelu: "wide",
  geluTanh: "wide", silu: "wide", mish: "wide", hardswish: "wide", hardsigmoid: "wide", softplus: "wide",
  erf: "normal", floor: "wide", ceil: "wide", round: "wide", trunc: "wide",
  logicalNot: null, isnan: null, isinf: null,
};

const SCALAR: Record<ScalarOp, [a: number, b: number, domain: Domain][]> = {
  powScalar: [[2, 0, "normal"], [3, 0, "normal"], [0.5, 0, "positive"], [-1.5, 0, "positive"], [0, 0, "normal"]],
  leakyRelu: [[0.1, 0, "normal"], [0.01, 0, "wide"]],
  elu: [[1, 0, "normal"], [0.5, 0, "wide"]],
  clamp: [[-0.5, 0.5, "normal"], [-Infinity, 0.2, "normal"], [0.1, Infinity, "normal"]],
  rsubScalar: [[2, 0, "normal"]],
};

/** Domains of (a, b), or null for comparison and internal activation-gradient kernels. */
const BINARY: Record<BinaryOp, [Domain, Domain] | null> = {
  add: ["normal", "normal"], sub: ["normal", "normal"], mul: ["normal", "normal"], div: ["normal", "positive"],
  pow: ["positive", "normal"], maximum: ["normal", "normal"], minimum: ["normal", "normal"],
  atan2: ["normal", "normal"], remainder: ["wide", "positive"],
  eq: null, ne: null, lt: null, le: null, gt: null, ge: null, logicalAnd: null, logicalOr: null, logicalXor: null,
  reluGrad: null, relu6Grad: null, geluGrad: null, geluTanhGrad: null, siluGrad: null, mishGrad: null,
  hardswishGrad: null, hardsigmoidGrad: null, softplusGrad: null, sigmoidGrad: null, tanhGrad: null,
};

describe("gradcheck: unary ops and activations", () => {
  for (const [op, domain] of Object.entries(UNARY) as [UnaryOp, Domain | null][]) {
    if (domain) check(op, (x) => unary(op, x), () => [rnd([3, 4], domain)]);
  }
  check("unary on a transposed view", (x) => x.T.tanh(), () => [rnd([3, 4])]);
});

describe("gradcheck: scalar-parameter ops", () => {
  for (const [op, cases] of Object.entries(SCALAR) as [ScalarOp, [number, number, Domain][]][]) {
    for (const [a, b, domain] of cases) check(`${op}(${a}, ${b})`, (x) => scalarOp(op, x, a, b), () => [rnd([3, 4], domain)]);
  }
  check("add/sub/mul/div by a number", (x) => x.add(2).sub(0.5).mul(-3).div(4), () => [rnd([2, 3])]);
  check("rsub of a number", (x) => x.rsub(1.5), () => [rnd([2, 3])]);
  check("add with alpha", (x, y) => x.add(y, -2), () => [rnd([2, 3]), rnd([3])]);
});

describe("gradcheck: binary ops with broadcasting", () => {
  const shapes: [number[], number[]][] = [[[2, 3], [2, 3]], [[2, 3], [3]], [[2, 1, 4], [3, 1]], [[], [2, 2]], [[3, 1], [1, 1]]];
  for (const [op, domains] of Object.entries(BINARY) as [BinaryOp, [Domain, Domain] | null][]) {
    if (!domains) continue;
    for (const [sa, sb] of shapes) {
      check(`${op} [${sa}] [${sb}]`, (a, b) => binary(op, a, b), () => [rnd(sa, domains[0]), rnd(sb, domains[1])]);
    }
  }
  check("same tensor on both sides", (x) => x.mul(x).add(x.div(x.add(3))), () => [rnd([2, 3], "positive")]);
});

describe("gradcheck: where and masking", () => {
  const cond = () => lt.tensor([[true, false, true], [false, false, true]]);
  check("where", (c, a, b) => lt.where(c, a, b), () => [cond(), rnd([2, 3]), rnd([2, 3])]);
  check("where broadcast", (c, a, b) => lt.where(c, a, b), () => [lt.tensor([[true], [false]]), rnd([3]), rnd([2, 1])]);
  check("where with a number", (c, a) => lt.where(c, a, 0.5), () => [cond(), rnd([2, 3])]);
  check("maskedFill", (x) => x.maskedFill(lt.tensor([true, false, true]), 0), () => [rnd([2, 3])]);
});

describe("gradcheck: reductions", () => {
  const dims: [number | number[] | undefined, boolean][] = [[undefined, false], [0, false], [1, true], [-1, false], [[0, 2], false], [[0, 2], true]];
  for (const [dim, keepdim] of dims) {
    const tag = `dim=${JSON.stringify(dim)} keepdim=${keepdim}`;
    check(`sum ${tag}`, (x) => x.sum(dim, keepdim), () => [rnd([2, 3, 4])]);
    check(`mean ${tag}`, (x) => x.mean(dim, keepdim), () => [rnd([2, 3, 4])]);
    check(`prod ${tag}`, (x) => x.prod(dim, keepdim), () => [rnd([2, 3, 2])]);
    check(`amax ${tag}`, (x) => x.amax(dim, keepdim), () => [rnd([2, 3, 4])]);
    check(`amin ${tag}`, (x) => x.amin(dim, keepdim), () => [rnd([2, 3, 4])]);
    check(`var ${tag}`, (x) => x.var(dim, { keepdim }), () => [rnd([2, 3, 4])]);
    check(`std ${tag}`, (x) => x.std(dim, { keepdim, correction: 0 }), () => [rnd([2, 3, 4])]);
    if (dim !== undefined) check(`logsumexp ${tag}`, (x) => x.logsumexp(dim, keepdim), () => [rnd([2, 3, 4])]);
  }
  check("prod with one zero in a group", (x) => x.prod(1), () => [lt.tensor([[0, 2, 3], [1, 0, 0]], { dtype: "float64" })]);
  check("max() and min() over everything", (x) => [x.max(), x.min()], () => [rnd([3, 4])]);
  for (const [dim, keepdim] of [[0, false], [1, true], [-1, false]] as [number, boolean][]) {
    check(`max(dim=${dim}, keepdim=${keepdim}).values`, (x) => x.max(dim, keepdim).values, () => [rnd([2, 3, 4])]);
    check(`min(dim=${dim}, keepdim=${keepdim}).values`, (x) => x.min(dim, keepdim).values, () => [rnd([2, 3, 4])]);
  }
  for (const dim of [0, 1, -1]) {
    check(`softmax dim=${dim}`, (x) => x.softmax(dim), () => [rnd([2, 3, 4])]);
    check(`logSoftmax dim=${dim}`, (x) => x.logSoftmax(dim), () => [rnd([2, 3, 4])]);
  }
  check("softmax of a strided view", (x) => x.T.softmax(0), () => [rnd([3, 4])]);
});

describe("gradcheck: matmul variants", () => {
  check("mm", (a, b) => lt.mm(a, b), () => [rnd([3, 4]), rnd([4, 2])]);
  check("dot (1-D x 1-D)", (a, b) => a.matmul(b), () => [rnd([4]), rnd([4])]);
  check("vector x matrix", (a, b) => a.matmul(b), () => [rnd([3]), rnd([3, 2])]);
  check("matrix x vector", (a, b) => a.matmul(b), () => [rnd([2, 3]), rnd([3])]);
  check("batch x matrix", (a, b) => a.matmul(b), () => [rnd([2, 3, 4]), rnd([4, 2])]);
  check("broadcast batches", (a, b) => a.matmul(b), () => [rnd([2, 1, 2, 3]), rnd([3, 3, 2])]);
  check("vector x batch", (a, b) => a.matmul(b), () => [rnd([3]), rnd([2, 3, 2])]);
  check("bmm", (a, b) => lt.bmm(a, b), () => [rnd([2, 2, 3]), rnd([2, 3, 2])]);
  check("transposed operands", (a, b) => a.T.matmul(b.mT), () => [rnd([4, 3]), rnd([2, 4])]);
  check("strided operands", (a, b) => a.slice(0, 0, undefined, 2).matmul(b.slice(1, 1, undefined, 2)), () => [rnd([4, 3]), rnd([3, 4])]);
});

describe("gradcheck: view ops", () => {
  const x = () => [rnd([2, 3, 4])];
  check("reshape", (t) => t.reshape([4, -1]), x);
  check("view", (t) => t.view([6, 4]), x);
  check("reshape of a transposed tensor (copies)", (t) => t.transpose(0, 2).reshape([-1]), x);
  check("transpose", (t) => t.transpose(0, 2), x);
  check("permute", (t) => t.permute([2, 0, 1]), x);
  check("T and mT", (t) => [t.select(0, 1).T, t.mT], x);
  check("squeeze", (t) => t.squeeze(), () => [rnd([1, 3, 1, 2])]);
  check("squeeze(dim)", (t) => t.squeeze(2), () => [rnd([1, 3, 1, 2])]);
  check("unsqueeze", (t) => t.unsqueeze(1), x);
  check("expand", (t) => t.expand([2, 3, 4]), () => [rnd([3, 1])]);
  check("expandAs", (t, like) => t.expandAs(like), () => [rnd([1, 4]), rnd([3, 4])]);
  check("slice", (t) => t.slice(2, 1, 3), x);
  check("slice with step", (t) => t.slice(0, 1, undefined, 2), () => [rnd([7, 2])]);
  check("narrow", (t) => t.narrow(1, 1, 2), x);
  check("select", (t) => t.select(1, -1), x);
  check("flatten", (t) => t.flatten(1), x);
  check("contiguous", (t) => t.transpose(0, 1).contiguous(), x);
  check("a chain of views", (t) => t.permute([2, 0, 1]).slice(0, 1).reshape([3, 6]).T.unsqueeze(0).expand([2, 6, 3]), x);
});

describe("gradcheck: cat, stack, split", () => {
  check("cat dim 0", (a, b) => lt.cat([a, b], 0), () => [rnd([2, 3]), rnd([1, 3])]);
  check("cat dim -1", (a, b, c) => lt.cat([a, b, c], -1), () => [rnd([2, 1]), rnd([2, 3]), rnd([2, 2])]);
  check("stack", (a, b) => lt.stack([a, b], 1), () => [rnd([2, 3]), rnd([2, 3])]);
  check("split", (t) => lt.split(t, [1, 2], 1), () => [rnd([2, 3])]);
  check("split by size", (t) => t.split(2), () => [rnd([5, 2])]);
  check("chunk", (t) => t.chunk(2, 1), () => [rnd([2, 5])]);
});

describe("gradcheck: indexing, sort and topk", () => {
  check("gather", (t, i) => t.gather(1, i), () => [rnd([3, 4]), index([[0, 3, 3], [1, 1, 0], [2, 0, 1]])]);
  check("gather with a smaller index", (t, i) => t.gather(0, i), () => [rnd([3, 4]), index([[2, 0], [1, 2]])]);
  check("indexSelect", (t, i) => t.indexSelect(1, i), () => [rnd([2, 4]), index([3, 0, 3])]);
  check("scatterAdd", (b, i, s) => b.scatterAdd(1, i, s), () => [rnd([2, 4]), index([[0, 0, 3], [2, 1, 2]]), rnd([2, 3])]);
  check("indexAdd", (b, i, s) => b.indexAdd(0, i, s), () => [rnd([3, 2]), index([2, 0, 2]), rnd([3, 2])]);
  check("sort values", (t) => t.sort(1).values, () => [rnd([3, 4])]);
  check("sort descending along dim 0", (t) => t.sort(0, true).values, () => [rnd([3, 4])]);
  check("topk", (t) => t.topk(2).values, () => [rnd([3, 5])]);
  check("topk smallest along dim 0", (t) => t.topk(2, 0, false).values, () => [rnd([4, 3])]);
});

describe("gradcheck: dtype casts", () => {
  // Through float32 the function is only float32-accurate, so a larger step keeps rounding out of the quotient.
  check("float64 -> float32 -> float64", (t) => t.float().mul(3).double(), () => [rnd([2, 3])], { eps: 1e-3, atol: 1e-3 });
  check("to(float64) of float64 is the identity", (t) => t.to("float64").exp(), () => [rnd([2, 3])]);
  check("clone", (t) => t.clone().mul(t), () => [rnd([2, 3])]);
  check("int32 operand promoted", (t, i) => t.mul(i), () => [rnd([2, 3]), index([[1, -2, 3], [0, 4, -1]])]);
});
