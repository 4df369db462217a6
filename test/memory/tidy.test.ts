import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertClose, assertThrowsWith } from "../helpers/assert.js";

afterEach(() => lt.emptyMemoryPool());

const inference = <T>(fn: () => T): T => lt.tidy(() => lt.noGrad(fn));

describe("lt.tidy", () => {
  test("disposes what fn made and keeps what it returns, in arrays and objects too", () => {
    const x = lt.randn([4, 4]);
    let inner: lt.Tensor[] = [];
    const result = inference(() => {
      const a = x.mul(2);
      const b = a.add(1);
      const c = b.relu();
      inner = [a, b];
      return { out: c, parts: [b.sum()] };
    });
    assert.equal(inner[0].isDisposed, true);
    assert.equal(inner[1].isDisposed, true);
    assert.equal(result.out.isDisposed, false);
    assert.equal(result.parts[0].isDisposed, false);
    assert.equal(x.isDisposed, false, "tensors from outside the scope are left alone");
    assertClose(result.out, x.mul(2).add(1).relu());
  });

  test("a nested scope's result moves to the enclosing scope, which disposes it unless it returns it too", () => {
    let fromInner: lt.Tensor | null = null;
    const outer = inference(() => {
      fromInner = lt.tidy(() => lt.ones([2]).add(1));
      assert.equal(fromInner.isDisposed, false);
      return fromInner.mul(3);
    });
    assert.equal(fromInner!.isDisposed, true);
    assert.deepEqual([...outer.toArray()], [6, 6]);
  });

  test("keep exempts a tensor, and tensors made while the graph is recorded are left to the garbage collector", () => {
    let kept: lt.Tensor | null = null;
    let recorded: lt.Tensor | null = null;
    let dropped: lt.Tensor | null = null;
    const w = lt.randn([3], { requiresGrad: true });
    lt.tidy(() => {
      kept = lt.noGrad(() => lt.keep(lt.ones([3]).add(1)));
      dropped = lt.noGrad(() => lt.ones([3]).add(1));
      recorded = w.mul(2);
    });
    assert.equal(kept!.isDisposed, false);
    assert.equal(dropped!.isDisposed, true);
    assert.equal(recorded!.isDisposed, false);
    recorded!.sum().backward();
    assert.deepEqual([...w.grad!.toArray()], [2, 2, 2]);
  });

  test("disposes everything fn made when it throws, and rethrows", () => {
    let made: lt.Tensor | null = null;
    assert.throws(
      () =>
        inference(() => {
          made = lt.ones([2]).add(1);
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.equal(made!.isDisposed, true);
  });

  test("rejects async work and a non-function", () => {
    assertThrowsWith(() => lt.tidy(async () => lt.ones([1])), "tidy: fn returned a Promise");
    assertThrowsWith(() => lt.tidy(42 as unknown as () => void), "tidy: expected a function, got number");
    assertThrowsWith(() => lt.keep(null as unknown as lt.Tensor), "keep: expected a tensor, got null");
  });

  test("modules built inside a scope keep their parameters and buffers", () => {
    const bn = lt.tidy(() => lt.noGrad(() => new lt.nn.BatchNorm2d(3)));
    const linear = lt.tidy(() => lt.noGrad(() => new lt.nn.Linear(4, 2)));
    assert.equal(bn.running_mean!.isDisposed, false);
    assert.equal(linear.weight.isDisposed, false);
    assert.equal(linear.forward(lt.ones([1, 4])).shape[1], 2);
  });

  test("lt.dispose disposes the tensors in a structure", () => {
    const a = lt.ones([2]);
    const b = lt.zeros([3]);
    lt.dispose({ a, list: [b, 5, "x"] });
    assert.equal(a.isDisposed && b.isDisposed, true);
  });
});

describe("Sequential inside lt.tidy", () => {
  test("recycles each intermediate once the next layer has run, with the same result as outside a scope", () => {
    lt.manualSeed(3);
    const model = new lt.nn.Sequential(
      new lt.nn.Conv2d(3, 8, 3, { padding: 1 }),
      new lt.nn.BatchNorm2d(8),
      new lt.nn.ReLU(),
      new lt.nn.Conv2d(8, 8, 3, { padding: 1 }),
      new lt.nn.Flatten(),
      new lt.nn.Linear(8 * 32 * 32, 5),
    );
    model.eval();
    const x = lt.randn([2, 3, 32, 32]);
    const expected = lt.noGrad(() => model.forward(x));
    const seen: lt.Tensor[] = [];
    const handle = model.at(1).registerForwardHook((_m, _args, out) => void seen.push(out as lt.Tensor));
    const got = inference(() => model.forward(x));
    handle.remove();
    assertClose(got, expected, { atol: 0, rtol: 0 });
    assert.equal(seen[0].isDisposed, true, "the batch norm's output is disposed once ReLU has run");
    assert.equal(x.isDisposed, false, "the input is the caller's");
    assert.ok(lt.memory().pooledBuffers > 0);
    // The next call runs on recycled storage and still agrees.
    assertClose(inference(() => model.forward(x)), expected, { atol: 0, rtol: 0 });
  });
});
