import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { isFloating, promoteTypes, promoteWithScalar } from "../tensor/dtype.js";
import { broadcastShapes } from "../tensor/shape.js";
import { getBackend } from "../backend/index.js";
import type { BinaryOp, ScalarOp, UnaryOp } from "../backend/backend.js";
import { record } from "../autograd/node.js";
import { asTensor, broadcastView, floatResultType, resultType, sumToShape, uninitialized } from "./util.js";

type Operand = Tensor | number | boolean;

function unaryKernel(op: UnaryOp, x: Tensor, dtype: DType): Tensor {
  const out = uninitialized(x.shape, dtype);
  getBackend().unary(op, x, out.data);
  return out;
}

/** Ops whose result is float even for integer input (exp(int) is float in PyTorch). */
const FLOAT_RESULT = new Set<UnaryOp>([
  "exp", "expm1", "log", "log1p", "sqrt", "rsqrt", "reciprocal", "sin", "cos", "tan", "asin", "acos", "atan",
  "sinh", "cosh", "tanh", "sigmoid", "gelu", "geluTanh", "silu", "mish", "hardswish", "hardsigmoid", "softplus", "erf",
]);
const BOOL_RESULT = new Set<UnaryOp>(["logicalNot", "isnan", "isinf"]);

/** Piecewise-constant ops: PyTorch defines their gradient as zero (not as missing). */
const zeroGrad = (g: Tensor) => Tensor.zeros(g.shape, g.dtype);

/** Derivative of each unary op, from its input x, output y and upstream gradient g. */
const UNARY_GRAD: Partial<Record<UnaryOp, (g: Tensor, x: Tensor, y: Tensor) => Tensor>> = {
  sign: zeroGrad,
  floor: zeroGrad,
  ceil: zeroGrad,
  round: zeroGrad,
  trunc: zeroGrad,
  neg: (g) => g.neg(),
  abs: (g, x) => g.mul(x.sign()),
  exp: (g, _x, y) => g.mul(y),
  expm1: (g, _x, y) => g.mul(y.add(1)),
  log: (g, x) => g.div(x),
  log1p: (g, x) => g.div(x.add(1)),
  sqrt: (g, _x, y) => g.div(y.mul(2)),
  rsqrt: (g, _x, y) => g.mul(y.pow(3)).mul(-0.5),
  square: (g, x) => g.mul(x).mul(2),
  reciprocal: (g, _x, y) => g.mul(y.square()).neg(),
  sin: (g, x) => g.mul(x.cos()),
  cos: (g, x) => g.mul(x.sin()).neg(),
  tan: (g, _x, y) => g.mul(y.square().add(1)),
  asin: (g, x) => g.div(x.square().rsub(1).sqrt()),
  acos: (g, x) => g.div(x.square().rsub(1).sqrt()).neg(),
  atan: (g, x) => g.div(x.square().add(1)),
  sinh: (g, x) => g.mul(x.cosh()),
  cosh: (g, x) => g.mul(x.sinh()),
  tanh: (g, x) => binaryKernel("tanhGrad", g, x),
  sigmoid: (g, x) => binaryKernel("sigmoidGrad", g, x),
  relu: (g, x) => binaryKernel("reluGrad", g, x),
  relu6: (g, x) => binaryKernel("relu6Grad", g, x),
  gelu: (g, x) => binaryKernel("geluGrad", g, x),
  geluTanh: (g, x) => binaryKernel("geluTanhGrad", g, x),
  silu: (g, x) => binaryKernel("siluGrad", g, x),
  mish: (g, x) => binaryKernel("mishGrad", g, x),
  hardswish: (g, x) => binaryKernel("hardswishGrad", g, x),
  hardsigmoid: (g, x) => binaryKernel("hardsigmoidGrad", g, x),
  softplus: (g, x) => binaryKernel("softplusGrad", g, x),
  erf: (g, x) => g.mul(x.square().neg().exp()).mul(2 / Math.sqrt(Math.PI)),
};

export function unary(op: UnaryOp, x: Tensor): Tensor {
  const dtype = BOOL_RESULT.has(op) ? "bool" : FLOAT_RESULT.has(op) ? floatResultType(x.dtype) : x.dtype === "bool" && op !== "abs" ? "int32" : x.dtype;
  const y = unaryKernel(op, x, dtype);
  const grad = UNARY_GRAD[op];
  if (!grad || !isFloating(dtype)) return y;
  return record(y, op, [x], (g) => [grad(g, x, y)]);
}

export function scalarOp(op: ScalarOp, x: Tensor, a: number, b = 0): Tensor {
  // Unbounded clamp sides take no part in promotion: an int32 tensor clamped to [-2, +inf) stays int32.
  const scalars = op === "clamp" ? [a, b].filter(Number.isFinite) : [a];
  const dtype = scalars.reduce<DType>((d, s) => promoteWithScalar(d, s), x.dtype);
  const y = uninitialized(x.shape, dtype);
  getBackend().scalar(op, x, a, b, y.data);
  return record(y, op, [x], (g) => {
    switch (op) {
      case "powScalar": return [a === 0 ? g.mul(0) : g.mul(x.pow(a - 1)).mul(a)];
      // Scaling g itself keeps its dtype: a where() of two JS numbers would be float32.
      case "leakyRelu": return [where(x.gt(0), g, g.mul(a))];
      case "elu": return [g.mul(where(x.gt(0), 1, y.add(a)))];
      case "clamp": return [g.mul(x.ge(a).logicalAnd(x.le(b)))];
      case "rsubScalar": return [g.neg()];
    }
  });
}

/** Runs a binary kernel on broadcast operands into a fresh tensor of `dtype`. */
export function binaryKernel(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType = promoteTypes(a.dtype, b.dtype)): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = uninitialized(shape, dtype);
  getBackend().binary(op, broadcastView(a, shape), broadcastView(b, shape), out.data);
  return out;
}

const COMPARISONS = new Set<BinaryOp>(["eq", "ne", "lt", "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"]);

function binaryGrad(op: BinaryOp, g: Tensor, a: Tensor, b: Tensor, y: Tensor): [Tensor | null, Tensor | null] {
  switch (op) {
    case "add": return [g, g];
    case "sub": return [g, g.neg()];
    case "mul": return [g.mul(b), g.mul(a)];
    case "div": return [g.div(b), g.mul(y).div(b).neg()];
    case "pow": return [
      g.mul(b).mul(a.pow(b.sub(1))),
      g.mul(y).mul(where(a.gt(0), a.log(), 0)),
    ];
    case "maximum":
    case "minimum": {
      // Ties split the gradient evenly, as PyTorch does.
      const wins = op === "maximum" ? a.gt(b) : a.lt(b);
      const share = where(wins, 1, where(a.eq(b), 0.5, 0)).to(g.dtype);
      return [g.mul(share), g.mul(share.rsub(1))];
    }
    case "atan2": {
      const denom = a.square().add(b.square());
      return [g.mul(b).div(denom), g.mul(a).div(denom).neg()];
    }
    case "remainder": return [g, g.mul(a.div(b).floor()).neg()];
    default: return [null, null];
  }
}

export function binary(op: BinaryOp, aIn: Operand, bIn: Operand): Tensor {
  const a = aIn instanceof Tensor ? aIn : asTensor(aIn, bIn as Tensor);
  const b = asTensor(bIn, a);
  let dtype = resultType(a, b);
  if (COMPARISONS.has(op)) dtype = "bool";
  else if (dtype === "bool" && (op === "add" || op === "mul")) {
    // Two bool operands stay bool, as in PyTorch: + is logical or, * logical and.
    return binaryKernel(op === "add" ? "logicalOr" : "logicalAnd", a, b, "bool");
  } else if (dtype === "bool" && (op === "sub" || op === "pow" || op === "remainder")) {
    throw new TypeError(`${op}: not supported for two bool tensors${op === "sub" ? " (use logicalXor)" : ""}`);
  } else if ((op === "div" || op === "pow" || op === "atan2") && !isFloating(dtype)) {
    dtype = op === "pow" && (b.dtype === "int32" || b.dtype === "bool") ? dtype : "float32";
  }
  const y = binaryKernel(op, a, b, dtype);
  if (!isFloating(dtype)) return y;
  return record(y, op, [a, b], (g) => {
    const [ga, gb] = binaryGrad(op, g, a, b, y);
    return [ga && sumToShape(ga, a.shape), gb && sumToShape(gb, b.shape)];
  });
}

/** where(cond, a, b): a where cond is true, else b; broadcasts all three. */
export function where(cond: Tensor, aIn: Operand, bIn: Operand): Tensor {
  const a = aIn instanceof Tensor ? aIn : bIn instanceof Tensor ? asTensor(aIn, bIn) : Tensor.scalar(Number(aIn), Number.isInteger(aIn) && Number.isInteger(bIn) ? "int32" : "float32");
  const b = asTensor(bIn, a);
  const dtype = resultType(a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, "where"), b.shape, "where");
  const out = uninitialized(shape, dtype);
  getBackend().where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), out.data);
  if (!isFloating(dtype)) return out;
  return record(out, "where", [a, b], (g) => [
    sumToShape(where(cond, g, 0), a.shape),
    sumToShape(where(cond, 0, g), b.shape),
  ]);
}
