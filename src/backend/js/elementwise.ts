import type { BinaryOp, ScalarOp, StridedView, UnaryOp } from "../backend.js";
import type { TypedArray } from "../../tensor/dtype.js";
import { forEachRow, isBroadcastScalar, viewIsContiguous } from "./strided.js";

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * erf in double precision: the Maclaurin series below |x| = 3 (terms peak near 1e4, so about 12
 * digits survive), and above it erfc's continued fraction (Abramowitz & Stegun 7.1.14), evaluated
 * from the tail.
 */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 80; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  if (ax > 6) return Math.sign(x);
  let t = ax;
  for (let n = 60; n >= 1; n--) t = ax + n / 2 / t;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / t;
  return x > 0 ? 1 - erfc : erfc - 1;
}

function unaryFn(op: UnaryOp): (x: number) => number {
  switch (op) {
    case "neg": return (x) => -x;
    case "abs": return Math.abs;
    case "sign": return (x) => (x > 0 ? 1 : x < 0 ? -1 : x);
    case "exp": return Math.exp;
    case "expm1": return Math.expm1;
    case "log": return Math.log;
    case "log1p": return Math.log1p;
    case "sqrt": return Math.sqrt;
    case "rsqrt": return (x) => 1 / Math.sqrt(x);
    case "square": return (x) => x * x;
    case "reciprocal": return (x) => 1 / x;
    case "sin": return Math.sin;
    case "cos": return Math.cos;
    case "tan": return Math.tan;
    case "asin": return Math.asin;
    case "acos": return Math.acos;
    case "atan": return Math.atan;
    case "sinh": return Math.sinh;
    case "cosh": return Math.cosh;
    case "tanh": return Math.tanh;
    case "sigmoid": return sigmoid;
    case "relu": return (x) => (x > 0 ? x : x !== x ? x : 0);
    case "relu6": return (x) => (x !== x ? x : Math.min(Math.max(x, 0), 6));
    case "gelu": return (x) => 0.5 * x * (1 + erf(x * INV_SQRT_2));
    case "geluTanh": return (x) => 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
    case "silu": return (x) => x * sigmoid(x);
    case "mish": return (x) => x * Math.tanh(softplus(x));
    case "hardswish": return (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6;
    case "hardsigmoid": return (x) => Math.min(Math.max(x + 3, 0), 6) / 6;
    case "softplus": return softplus;
    case "erf": return erf;
    case "floor": return Math.floor;
    case "ceil": return Math.ceil;
    case "round": return roundHalfEven;
    case "trunc": return Math.trunc;
    case "logicalNot": return (x) => (x === 0 ? 1 : 0);
    case "isnan": return (x) => (x !== x ? 1 : 0);
    case "isinf": return (x) => (x === Infinity || x === -Infinity ? 1 : 0);
  }
}

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** PyTorch's softplus with threshold 20: linear above it to avoid overflow. */
function softplus(x: number): number {
  return x > 20 ? x : Math.log1p(Math.exp(x));
}

/** torch.round rounds half to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function scalarFn(op: ScalarOp, a: number, b: number): (x: number) => number {
  switch (op) {
    case "powScalar":
      if (a === 2) return (x) => x * x;
      if (a === 0.5) return Math.sqrt;
      return (x) => Math.pow(x, a);
    case "leakyRelu": return (x) => (x > 0 ? x : x * a);
    case "elu": return (x) => (x > 0 ? x : a * Math.expm1(x));
    case "clamp": return (x) => (x !== x ? x : Math.min(Math.max(x, a), b));
    case "rsubScalar": return (x) => a - x;
  }
}

function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case "add": return (a, b) => a + b;
    case "sub": return (a, b) => a - b;
    case "mul": return (a, b) => a * b;
    case "div": return (a, b) => a / b;
    case "pow": return Math.pow;
    case "maximum": return (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b);
    case "minimum": return (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b);
    case "atan2": return Math.atan2;
    case "remainder": return (a, b) => a - Math.floor(a / b) * b;
    case "eq": return (a, b) => (a === b ? 1 : 0);
    case "ne": return (a, b) => (a !== b ? 1 : 0);
    case "lt": return (a, b) => (a < b ? 1 : 0);
    case "le": return (a, b) => (a <= b ? 1 : 0);
    case "gt": return (a, b) => (a > b ? 1 : 0);
    case "ge": return (a, b) => (a >= b ? 1 : 0);
    // Truth is "not zero", so NaN counts as true, as in PyTorch (JS truthiness would say false).
    case "logicalAnd": return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
    case "logicalOr": return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
    case "logicalXor": return (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0);
    case "reluGrad": return (g, x) => (x > 0 ? g : 0);
    case "relu6Grad": return (g, x) => (x > 0 && x < 6 ? g : 0);
    case "geluGrad":
      return (g, x) => g * (0.5 * (1 + erf(x * INV_SQRT_2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
    case "geluTanhGrad":
      return (g, x) => {
        const inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
        const t = Math.tanh(inner);
        const dInner = SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x);
        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner);
      };
    case "siluGrad":
      return (g, x) => {
        const s = sigmoid(x);
        return g * s * (1 + x * (1 - s));
      };
    case "mishGrad":
      return (g, x) => {
        const sp = softplus(x);
        const t = Math.tanh(sp);
        return g * (t + x * (1 - t * t) * sigmoid(x));
      };
    case "hardswishGrad": return (g, x) => (x < -3 ? 0 : x > 3 ? g : g * ((2 * x + 3) / 6));
    case "hardsigmoidGrad": return (g, x) => (x > -3 && x < 3 ? g / 6 : 0);
    case "softplusGrad": return (g, x) => (x > 20 ? g : g * sigmoid(x));
    case "sigmoidGrad": return (g, x) => {
      const s = sigmoid(x);
      return g * s * (1 - s);
    };
    case "tanhGrad": return (g, x) => {
      const t = Math.tanh(x);
      return g * (1 - t * t);
    };
  }
}

export function unary(op: UnaryOp, x: StridedView, out: TypedArray): void {
  mapUnary(unaryFn(op), x, out);
}

export function scalar(op: ScalarOp, x: StridedView, a: number, b: number, out: TypedArray): void {
  mapUnary(scalarFn(op, a, b), x, out);
}

function mapUnary(f: (x: number) => number, x: StridedView, out: TypedArray): void {
  const src = x.data;
  if (viewIsContiguous(x)) {
    const o = x.offset;
    for (let i = 0; i < out.length; i++) out[i] = f(src[o + i]);
    return;
  }
  let p = 0;
  forEachRow(x.shape, [x], (n, [off], [st]) => {
    for (let i = 0; i < n; i++) out[p++] = f(src[off + i * st]);
  });
}

export function binary(op: BinaryOp, a: StridedView, b: StridedView, out: TypedArray): void {
  const ad = a.data;
  const bd = b.data;
  const n = out.length;
  if (op === "add" || op === "sub" || op === "mul" || op === "div") {
    if (fastArith(op, a, b, out)) return;
  }
  const f = binaryFn(op);
  if (viewIsContiguous(a) && viewIsContiguous(b)) {
    const ao = a.offset;
    const bo = b.offset;
    for (let i = 0; i < n; i++) out[i] = f(ad[ao + i], bd[bo + i]);
    return;
  }
  let p = 0;
  forEachRow(a.shape, [a, b], (len, [ao, bo], [as, bs]) => {
    for (let i = 0; i < len; i++) out[p++] = f(ad[ao + i * as], bd[bo + i * bs]);
  });
}

/** Monomorphic loops for the four arithmetic ops, the bulk of all element-wise work. */
function fastArith(op: "add" | "sub" | "mul" | "div", a: StridedView, b: StridedView, out: TypedArray): boolean {
  const ad = a.data;
  const bd = b.data;
  const n = out.length;
  const ac = viewIsContiguous(a);
  if (ac && viewIsContiguous(b)) {
    const ao = a.offset;
    const bo = b.offset;
    switch (op) {
      case "add": for (let i = 0; i < n; i++) out[i] = ad[ao + i] + bd[bo + i]; break;
      case "sub": for (let i = 0; i < n; i++) out[i] = ad[ao + i] - bd[bo + i]; break;
      case "mul": for (let i = 0; i < n; i++) out[i] = ad[ao + i] * bd[bo + i]; break;
      case "div": for (let i = 0; i < n; i++) out[i] = ad[ao + i] / bd[bo + i]; break;
    }
    return true;
  }
  if (ac && isBroadcastScalar(b)) {
    const ao = a.offset;
    const s = bd[b.offset];
    switch (op) {
      case "add": for (let i = 0; i < n; i++) out[i] = ad[ao + i] + s; break;
      case "sub": for (let i = 0; i < n; i++) out[i] = ad[ao + i] - s; break;
      case "mul": for (let i = 0; i < n; i++) out[i] = ad[ao + i] * s; break;
      case "div": for (let i = 0; i < n; i++) out[i] = ad[ao + i] / s; break;
    }
    return true;
  }
  return false;
}

export function where(cond: StridedView, a: StridedView, b: StridedView, out: TypedArray): void {
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  let p = 0;
  forEachRow(cond.shape, [cond, a, b], (n, [co, ao, bo], [cs, as, bs]) => {
    for (let i = 0; i < n; i++) out[p++] = cd[co + i * cs] ? ad[ao + i * as] : bd[bo + i * bs];
  });
}

export function fill(out: TypedArray, value: number): void {
  out.fill(value);
}

export function copy(src: StridedView, dst: StridedView): void {
  const sd = src.data;
  const dd = dst.data;
  const toBool = dd instanceof Uint8Array;
  const toInt = dd instanceof Int32Array;
  if (!toBool && !toInt && viewIsContiguous(src) && viewIsContiguous(dst)) {
    const n = dst.shape.reduce((x, y) => x * y, 1);
    if (sd.constructor === dd.constructor) {
      (dd as Float32Array).set((sd as Float32Array).subarray(src.offset, src.offset + n), dst.offset);
    } else {
      for (let i = 0; i < n; i++) dd[dst.offset + i] = sd[src.offset + i];
    }
    return;
  }
  forEachRow(src.shape, [src, dst], (n, [so, d0], [ss, ds]) => {
    if (toBool) for (let i = 0; i < n; i++) dd[d0 + i * ds] = sd[so + i * ss] !== 0 ? 1 : 0;
    else if (toInt) for (let i = 0; i < n; i++) dd[d0 + i * ds] = Math.trunc(sd[so + i * ss]);
    else for (let i = 0; i < n; i++) dd[d0 + i * ds] = sd[so + i * ss];
  });
}
