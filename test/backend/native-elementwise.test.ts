import { test } from "node:test";
import assert from "node:assert/strict";
import type { BinaryOp, Pool2dGeometry, ScalarOp, StridedView, UnaryOp } from "../../src/backend/backend.js";
import { jsBackend } from "../../src/backend/js/index.js";
import { nativeAddon, nativeBackend } from "../../src/backend/native/index.js";
import { assertClose, poolGeometry, randomArray, rng } from "./helpers.js";

const skip = nativeBackend ? false : "native core not built";
const native = nativeBackend!;

function contiguous(data: Float32Array, shape: number[]): StridedView {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  return { data, shape, strides, offset: 0 };
}

/** A [rows, cols] view of a [cols, rows] buffer read transposed, starting one element in. */
function transposed(data: Float32Array, rows: number, cols: number): StridedView {
  return { data, shape: [rows, cols], strides: [1, rows], offset: 1 };
}

function check<T extends Float32Array | Int32Array>(run: (b: typeof jsBackend, out: T) => void, make: () => T, tol: number, what: string): void {
  const expected = make(), actual = make();
  run(jsBackend, expected);
  run(native, actual);
  if (expected instanceof Int32Array) assert.deepEqual(actual, expected, what);
  else assertClose(actual, expected, tol, what);
}

test("native unary and scalar ops match the reference on contiguous and strided views", { skip }, () => {
  const random = rng(10);
  const [rows, cols] = [53, 61];
  const data = randomArray(random, rows * cols + 1, 4);
  data[7] = NaN;
  data[8] = 0;
  data[9] = -0.5;
  for (const op of Object.keys(nativeAddon!.unaryOps) as UnaryOp[]) {
    for (const view of [contiguous(data.subarray(0, rows * cols), [rows, cols]), transposed(data, rows, cols)]) {
      check((b, out) => b.unary(op, view, out), () => new Float32Array(rows * cols), 1e-6, `unary ${op} strides ${view.strides}`);
    }
  }
  const scalars: [ScalarOp, number, number][] = [["powScalar", 3, 0], ["powScalar", 2, 0], ["powScalar", 0.5, 0], ["leakyRelu", 0.1, 0], ["elu", 1.5, 0], ["clamp", -0.5, 0.75], ["rsubScalar", 2, 0]];
  for (const [op, a, b] of scalars) {
    const view = transposed(data, rows, cols);
    check((be, out) => be.scalar(op, view, a, b, out), () => new Float32Array(rows * cols), 1e-6, `scalar ${op}(${a}, ${b})`);
  }
});

test("native binary ops match the reference with broadcasting and strided operands", { skip }, () => {
  const random = rng(11);
  const [d0, d1, d2] = [5, 23, 37];
  const n = d0 * d1 * d2;
  const a = randomArray(random, n, 3);
  const b = randomArray(random, n, 3);
  const row = randomArray(random, d2, 3);
  a[3] = NaN;
  const views: [StridedView, StridedView][] = [
    [contiguous(a, [d0, d1, d2]), contiguous(b, [d0, d1, d2])],
    [contiguous(a, [d0, d1, d2]), { data: row, shape: [d0, d1, d2], strides: [0, 0, 1], offset: 0 }],
    [{ data: row, shape: [d0, d1, d2], strides: [0, 0, 1], offset: 0 }, { data: b, shape: [d0, d1, d2], strides: [1, d0 * d2, d0], offset: 0 }],
    [contiguous(a, [d0, d1, d2]), { data: b, shape: [d0, d1, d2], strides: [0, 0, 0], offset: 17 }],
  ];
  for (const op of Object.keys(nativeAddon!.binaryOps) as BinaryOp[]) {
    views.forEach(([x, y], i) => check((be, out) => be.binary(op, x, y, out), () => new Float32Array(n), 1e-6, `binary ${op} case ${i}`));
  }
});

test("native copy writes strided destinations", { skip }, () => {
  const random = rng(12);
  const [r, c] = [47, 59];
  const src = randomArray(random, r * c);
  const expected = new Float32Array(r * c + 3), actual = new Float32Array(r * c + 3);
  const dst = (data: Float32Array): StridedView => ({ data, shape: [r, c], strides: [1, r], offset: 3 });
  jsBackend.copy(contiguous(src, [r, c]), dst(expected));
  native.copy(contiguous(src, [r, c]), dst(actual));
  assert.deepEqual(actual, expected);
});

test("native reductions, arg-reductions and (log-)softmax match the reference", { skip }, () => {
  const random = rng(13);
  for (const [outer, size, inner] of [[3, 1000, 1], [1, 70000, 1], [4, 50, 33], [257, 9, 1]]) {
    const n = outer * size * inner;
    const x = randomArray(random, n, 3);
    for (const op of ["sum", "prod", "max", "min"] as const) {
      const data = op === "prod" ? x.map((v) => 1 + v / 1000) : x;
      check((b, out) => b.reduce(op, data, outer, size, inner, out), () => new Float32Array(outer * inner), 1e-5, `reduce ${op} [${outer},${size},${inner}]`);
    }
    for (const op of ["max", "min"] as const) {
      check((b, out) => b.argReduce(op, x, outer, size, inner, new Float32Array(outer * inner), out), () => new Int32Array(outer * inner), 0, `argReduce ${op}`);
      check((b, out) => b.argReduce(op, x, outer, size, inner, out, new Int32Array(outer * inner)), () => new Float32Array(outer * inner), 0, `argReduce ${op} values`);
    }
    if (size <= 1000) {
      for (const log of [false, true]) {
        check((b, out) => b.softmax(x, outer, size, inner, log, out), () => new Float32Array(n), 1e-5, `softmax log=${log} [${outer},${size},${inner}]`);
      }
    }
  }
  const special = randomArray(random, 4 * 1024);
  special[5] = NaN;
  special[1030] = -Infinity;
  special[2100] = Infinity;
  for (let i = 3072; i < 4096; i++) special[i] = -Infinity;
  for (const op of ["sum", "max", "min"] as const) {
    check((b, out) => b.reduce(op, special, 4, 1024, 1, out), () => new Float32Array(4), 1e-5, `reduce ${op} with NaN/inf`);
  }
  check((b, out) => b.argReduce("max", special, 4, 1024, 1, new Float32Array(4), out), () => new Int32Array(4), 0, "argmax with NaN");
  check((b, out) => b.softmax(special, 4, 1024, 1, false, out), () => new Float32Array(4096), 1e-5, "softmax with NaN/inf");
});

function poolCase(g: Pool2dGeometry, random: () => number, what: string): void {
  const inSize = g.planes * g.inHeight * g.inWidth, outSize = g.planes * g.outHeight * g.outWidth;
  const x = randomArray(random, inSize);
  x[2] = NaN;
  const gradOut = randomArray(random, outSize);
  check((b, out) => b.maxPool2d(x, new Float32Array(outSize), out, g), () => new Int32Array(outSize), 0, `${what} max argmax`);
  check((b, out) => b.maxPool2d(x, out, new Int32Array(outSize), g), () => new Float32Array(outSize), 0, `${what} max`);
  const argmax = new Int32Array(outSize);
  jsBackend.maxPool2d(x, new Float32Array(outSize), argmax, g);
  check((b, out) => b.maxPool2dBackward(gradOut, argmax, out, g), () => new Float32Array(inSize), 1e-6, `${what} max backward`);
  const avg = { ...g, dilationH: 1, dilationW: 1 };
  for (const [includePad, divisor] of [[true, 0], [false, 0], [false, 3]] as const) {
    check((b, out) => b.avgPool2d(x, out, avg, includePad, divisor), () => new Float32Array(outSize), 1e-5, `${what} avg pad=${includePad} div=${divisor}`);
    check((b, out) => b.avgPool2dBackward(gradOut, out, avg, includePad, divisor), () => new Float32Array(inSize), 1e-5, `${what} avg backward pad=${includePad}`);
  }
}

test("native max/avg pooling match the reference (padding, stride, dilation, ceil-mode overhang, NaN)", { skip }, () => {
  const random = rng(14);
  poolCase(poolGeometry(6, 13, 11, 3, 2, 1), random, "3x3 s2 p1");
  poolCase(poolGeometry(4, 12, 12, 2, 2, 0), random, "2x2 s2");
  poolCase(poolGeometry(3, 15, 14, 3, 2, 1, 2), random, "3x3 s2 p1 d2");
  poolCase(poolGeometry(5, 10, 9, 3, 2, 1, 1, true), random, "3x3 s2 p1 ceil");
  poolCase(poolGeometry(64, 17, 17, 3, 1, 1), random, "3x3 s1 p1 many planes");
});

test("native adaptive average pooling matches the reference for uneven windows", { skip }, () => {
  const random = rng(15);
  // The last three are global pooling (one window per plane), with and without a tail past the 8-wide sums.
  for (const [h, w, oh, ow] of [[7, 7, 3, 3], [5, 9, 2, 4], [4, 6, 6, 7], [13, 13, 1, 1], [7, 7, 1, 1], [1, 3, 1, 1]]) {
    const g: Pool2dGeometry = { planes: 6, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, kernelHeight: 0, kernelWidth: 0, strideH: 1, strideW: 1, padTop: 0, padLeft: 0, dilationH: 1, dilationW: 1 };
    const x = randomArray(random, 6 * h * w), gradOut = randomArray(random, 6 * oh * ow);
    check((b, out) => b.adaptiveAvgPool2d(x, out, g), () => new Float32Array(6 * oh * ow), 1e-5, `adaptive ${h}x${w}->${oh}x${ow}`);
    check((b, out) => b.adaptiveAvgPool2dBackward(gradOut, out, g), () => new Float32Array(6 * h * w), 1e-5, `adaptive backward ${h}x${w}->${oh}x${ow}`);
  }
});

test("native optimizer steps match the reference over several steps", { skip }, () => {
  const random = rng(16);
  const n = 5000;
  const fresh = () => ({ param: randomArray(random, n), grad: randomArray(random, n) });
  const twins = <T>(make: () => T): [T, T] => {
    const a = make();
    return [a, structuredClone(a)];
  };
  for (const [momentum, nesterov, weightDecay, maximize] of [[0, false, 0, false], [0.9, true, 0.01, false], [0.8, false, 0, true]] as const) {
    const [e, a] = twins(() => ({ ...fresh(), buf: momentum > 0 ? new Float32Array(n) : null }));
    for (let step = 0; step < 3; step++) {
      const p = { lr: 0.1, momentum, dampening: 0.1, nesterov, weightDecay, maximize, firstStep: step === 0 };
      jsBackend.sgdStep(e.param, e.grad, e.buf, p);
      native.sgdStep(a.param, a.grad, a.buf, p);
    }
    assertClose(a.param, e.param, 1e-6, `sgd momentum=${momentum}`);
  }
  for (const [amsgrad, weightDecay, decoupled] of [[false, 0, 0], [true, 0.01, 0], [false, 0, 0.01]] as const) {
    const [e, a] = twins(() => ({ ...fresh(), m: new Float32Array(n), v: new Float32Array(n), vmax: amsgrad ? new Float32Array(n) : null }));
    for (let step = 1; step <= 3; step++) {
      const p = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay, decoupledWeightDecay: decoupled, step, amsgrad, maximize: false };
      jsBackend.adamStep(e.param, e.grad, e.m, e.v, e.vmax, p);
      native.adamStep(a.param, a.grad, a.m, a.v, a.vmax, p);
    }
    assertClose(a.param, e.param, 1e-6, `adam amsgrad=${amsgrad} decoupled=${decoupled}`);
    assertClose(a.v, e.v, 1e-6, "adam second moment");
  }
  for (const [centered, momentum] of [[false, 0], [true, 0.9]] as const) {
    const [e, a] = twins(() => ({ ...fresh(), sq: new Float32Array(n), buf: momentum > 0 ? new Float32Array(n) : null, avg: centered ? new Float32Array(n) : null }));
    for (let step = 0; step < 3; step++) {
      const p = { lr: 0.01, alpha: 0.99, eps: 1e-8, momentum, centered, weightDecay: 0.001, maximize: false };
      jsBackend.rmspropStep(e.param, e.grad, e.sq, e.buf, e.avg, p);
      native.rmspropStep(a.param, a.grad, a.sq, a.buf, a.avg, p);
    }
    assertClose(a.param, e.param, 1e-6, `rmsprop centered=${centered}`);
  }
});
