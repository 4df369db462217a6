import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { record } from "../../src/autograd/node.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";

describe("backward", () => {
  test("a scalar loss fills .grad of every leaf (hand-derived values)", () => {
    // L = sum(w * x + b)^2 ... per element: d/dw = 2 (w x + b) x, d/db = 2 (w x + b)
    const w = lt.tensor([1, -2, 0.5], { requiresGrad: true });
    const b = lt.tensor(0.25, { requiresGrad: true });
    const x = lt.tensor([3, 1, -4]);
    const y = w.mul(x).add(b);
    y.square().sum().backward();
    assertClose(w.grad!, [2 * 3.25 * 3, 2 * -1.75 * 1, 2 * -1.75 * -4]);
    assertClose(b.grad!, 2 * (3.25 - 1.75 - 1.75));
    assert.equal(x.grad, null);
    assert.deepEqual(b.grad!.shape, []);
  });

  test("non-scalar outputs need an explicit gradient of their shape", () => {
    const x = lt.tensor([[1, 2], [3, 4]], { requiresGrad: true });
    const y = x.mul(3);
    assertThrowsWith(() => y.backward(), "backward", "scalar", "[2, 2]");
    assertThrowsWith(() => y.backward(lt.ones([4])), "backward", "[4]", "[2, 2]");
    y.backward(lt.tensor([[1, 0], [0.5, -1]]));
    assert.deepEqual(x.grad!.tolist(), [[3, 0], [1.5, -3]]);
  });

  test("a tensor outside the graph cannot back-propagate", () => {
    assertThrowsWith(() => lt.tensor(1).backward(), "backward", "does not require grad");
    const x = lt.tensor([1], { requiresGrad: true });
    assertThrowsWith(() => x.detach().sum().backward(), "backward", "does not require grad");
  });

  test("gradients accumulate across backward() calls until zeroed", () => {
    const x = lt.tensor([1, 2, 3], { requiresGrad: true });
    x.mul(2).sum().backward();
    x.square().sum().backward();
    assert.deepEqual(x.grad!.tolist(), [2 + 2, 2 + 4, 2 + 6]);
    x.grad!.zero_();
    x.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [1, 1, 1]);
    x.grad = null;
    x.mul(5).sum().backward();
    assert.deepEqual(x.grad!.tolist(), [5, 5, 5]);
  });

  test("the same graph can be back-propagated twice", () => {
    const x = lt.tensor([2], { requiresGrad: true });
    const y = x.pow(3).sum();
    y.backward();
    y.backward();
    assert.deepEqual(x.grad!.tolist(), [24]);
  });

  test("a leaf's .grad keeps the leaf's dtype, even when float64 flows through", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const k = lt.tensor([0.5, 0.25], { dtype: "float64" });
    for (let i = 0; i < 2; i++) x.mul(k).sum().backward();
    assert.equal(x.grad!.dtype, "float32");
    assert.deepEqual(x.grad!.tolist(), [1, 0.5]);
  });

  test("a tensor used on several paths receives the sum of their gradients", () => {
    const x = lt.tensor([1.5, -2], { requiresGrad: true });
    // f = x * exp(x) + sin(x) * x  ->  f' = exp(x)(1 + x) + cos(x) x + sin(x)
    x.mul(x.exp()).add(x.sin().mul(x)).sum().backward();
    const expected = [1.5, -2].map((v) => Math.exp(v) * (1 + v) + Math.cos(v) * v + Math.sin(v));
    assertClose(x.grad!, expected);
  });

  test("gradients flow through views into the base leaf", () => {
    const x = lt.zeros([2, 3], { requiresGrad: true });
    const y = x.T.slice(0, 1).reshape([-1]).mul(lt.tensor([1, 2, 3, 4]));
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [[0, 1, 3], [0, 2, 4]]);
  });

  test("retainGrad keeps an intermediate's gradient; others stay null", () => {
    const x = lt.tensor([1, 2, 3], { requiresGrad: true });
    const h = x.mul(2).retainGrad();
    const z = h.square();
    z.sum().backward();
    assert.deepEqual(h.grad!.tolist(), [4, 8, 12]);
    assert.equal(z.grad, null);
    assert.equal(h.isLeaf, false);
    assert.equal(x.isLeaf, true);
    assertThrowsWith(() => lt.tensor([1]).retainGrad(), "retainGrad", "does not require grad");
  });

  test("gradFn records the op; requiresGrad can only be switched off on leaves", () => {
    const x = lt.ones([2], { requiresGrad: true });
    const y = x.exp();
    assert.equal(y.gradFn?.name, "exp");
    assert.equal(y.requiresGrad, true);
    assert.equal(x.gradFn, null);
    assertThrowsWith(() => (y.requiresGrad = false), "requiresGrad", "leaf");
    x.requiresGrad = false;
    assert.equal(x.exp().requiresGrad, false);
  });

  test("deep graphs do not overflow the stack", () => {
    const x = lt.tensor([1], { requiresGrad: true });
    let y = x;
    for (let i = 0; i < 20000; i++) y = y.mul(1);
    y.sum().backward();
    assert.deepEqual(x.grad!.tolist(), [1]);
  });
});

describe("detach and noGrad", () => {
  test("detach shares storage and cuts the graph", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const d = x.detach();
    assert.equal(d.requiresGrad, false);
    assert.equal(d.data, x.data);
    const y = x.mul(d).sum(); // d acts as a constant: dy/dx = d
    y.backward();
    assert.deepEqual(x.grad!.tolist(), [1, 2]);
  });

  test("noGrad records nothing, restores the mode afterwards and after a throw", () => {
    const x = lt.tensor([1, 2], { requiresGrad: true });
    const y = lt.noGrad(() => x.mul(2));
    assert.equal(y.requiresGrad, false);
    assert.equal(y.gradFn, null);
    assert.equal(lt.isGradEnabled(), true);
    assert.throws(() => lt.noGrad(() => { throw new Error("boom"); }));
    assert.equal(lt.isGradEnabled(), true);
    const z = lt.noGrad(() => lt.enableGrad(() => x.mul(2)));
    assert.equal(z.requiresGrad, true);
  });
});

describe("lt.autograd.gradcheck", () => {
  test("accepts correct gradients, promoting inputs to float64", () => {
    let seen = "";
    const ok = lt.autograd.gradcheck((x) => {
      seen = x.dtype;
      return x.sin().mul(x);
    }, [lt.tensor([0.3, -1.2, 2])]);
    assert.equal(ok, true);
    assert.equal(seen, "float64");
  });

  test("catches a wrong gradient, naming the output and input", () => {
    // exp with the derivative of x^2 recorded instead.
    const badExp = (x: lt.Tensor) => record(lt.noGrad(() => x.exp()), "badExp", [x], (gy) => [gy.mul(x).mul(2)]);
    assertThrowsWith(() => lt.autograd.gradcheck(badExp, [lt.tensor([0.5, 1])]), "gradcheck", "output 0", "input 0");
    assert.equal(lt.autograd.gradcheck(badExp, [lt.tensor([0.5, 1])], { raiseException: false }), false);
  });

  test("catches a gradient that is missing a broadcast reduction", () => {
    const badAdd = (a: lt.Tensor, b: lt.Tensor) => record(lt.noGrad(() => a.add(b)), "badAdd", [a, b], (gy) => [gy, gy.select(0, 0)]);
    assert.equal(lt.autograd.gradcheck(badAdd, [lt.randn([2, 3]), lt.randn([3])], { raiseException: false }), false);
  });

  test("integer inputs pass through untouched", () => {
    const idx = lt.tensor([2, 0], { dtype: "int32" });
    assert.equal(lt.autograd.gradcheck((x, i) => x.indexSelect(0, i), [lt.randn([3]), idx]), true);
  });
});
