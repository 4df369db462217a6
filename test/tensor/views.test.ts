import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import { assertThrowsWith } from "../helpers/assert.js";
import { opCases } from "../helpers/check-op.js";

opCases("views", {
  reshape: (x) => x.reshape([4, -1]).mul(lt.arange(0, 6, 1, { dtype: "float32" })),
  view: (x) => x.view([6, 4]).mul(lt.arange(0, 4, 1, { dtype: "float32" })),
  reshape_of_transposed: (x) => x.T.reshape([-1]),
  transpose: (x) => x.transpose(0, 2),
  permute: (x) => x.permute([1, 2, 0]),
  t_property: (x) => x.T,
  mT: (x) => x.mT,
  squeeze_all: (x) => x.squeeze(),
  squeeze_dim: (x) => x.squeeze(2),
  unsqueeze: (x) => x.unsqueeze(1),
  unsqueeze_last: (x) => x.unsqueeze(-1),
  expand: (x) => x.expand([2, 3, 4]),
  expand_keep: (x) => x.expand([3, -1]),
  slice: (x) => x.slice(1, 1, 4),
  slice_step: (x) => x.slice(0, 1, undefined, 2),
  slice_negative: (x) => x.slice(1, -3, -1),
  narrow: (x) => x.narrow(0, 1, 2),
  select: (x) => x.select(1, 2),
  select_negative: (x) => x.select(0, -1),
  flatten: (x) => x.flatten(),
  flatten_range: (x) => x.flatten(1, 2),
  contiguous: (x) => x.T.contiguous(),
  chain: (x) => x.permute([2, 0, 1]).slice(0, 1).reshape([3, 6]).T.unsqueeze(0).expand([2, 6, 3]),
  slice_then_add: (x, y) => x.slice(0, 0, undefined, 2).add(y),
});

/** Whether two tensors read the same storage (a view), not a copy. */
const sharesStorage = (a: lt.Tensor, b: lt.Tensor) => a.data.buffer === b.data.buffer;

describe("views share storage", () => {
  const base = () => lt.arange(0, 24, 1, { dtype: "float32" }).reshape([2, 3, 4]);

  test("every view op returns a view with PyTorch's strides and offset", () => {
    const x = base();
    const expectations: [lt.Tensor, number[], number[], number][] = [
      [x.view([6, 4]), [6, 4], [4, 1], 0],
      [x.reshape([2, 12]), [2, 12], [12, 1], 0],
      [x.transpose(0, 2), [4, 3, 2], [1, 4, 12], 0],
      [x.permute([1, 2, 0]), [3, 4, 2], [4, 1, 12], 0],
      [x.unsqueeze(1), [2, 1, 3, 4], [12, 12, 4, 1], 0],
      [x.unsqueeze(3), [2, 3, 4, 1], [12, 4, 1, 1], 0],
      [x.slice(2, 1, 3), [2, 3, 2], [12, 4, 1], 1],
      [x.slice(1, 0, 3, 2), [2, 2, 4], [12, 8, 1], 0],
      [x.select(1, 2), [2, 4], [12, 1], 8],
      [x.narrow(0, 1, 1), [1, 3, 4], [12, 4, 1], 12],
      [x.slice(0, 0, 1).squeeze(0), [3, 4], [4, 1], 0],
      [x.select(2, 0).unsqueeze(0).expand([5, 2, 3]), [5, 2, 3], [0, 12, 4], 0],
      [x.mT, [2, 4, 3], [12, 1, 4], 0],
      [x.transpose(1, 2).view([2, 4, 3]), [2, 4, 3], [12, 1, 4], 0],
    ];
    for (const [v, shape, strides, offset] of expectations) {
      assert.ok(sharesStorage(v, x), `view of shape [${shape}] copied its data`);
      assert.deepEqual([v.shape, v.strides, v.offset], [shape, strides, offset]);
    }
  });

  test("writes through a view are seen by the base and by other views", () => {
    const x = base();
    const col = x.select(2, 1);
    col.fill_(-1);
    assert.deepEqual(x.select(0, 0).tolist(), [[0, -1, 2, 3], [4, -1, 6, 7], [8, -1, 10, 11]]);
    x.T.select(0, 3).zero_();
    assert.deepEqual(x.view([-1]).slice(0, 0, 4).tolist(), [0, -1, 2, 0]);
  });

  test("views of views compose", () => {
    const x = base();
    const v = x.permute([2, 0, 1]).slice(0, 1, 3).select(2, 2);
    assert.deepEqual(v.shape, [2, 2]);
    assert.deepEqual(v.tolist(), [[9, 21], [10, 22]]);
    assert.ok(sharesStorage(v, x));
  });

  test("reshape copies only when no view exists; view then refuses", () => {
    const x = base();
    const t = x.transpose(1, 2);
    assert.equal(t.isContiguous(), false);
    const r = t.reshape([2, 12]);
    assert.ok(!sharesStorage(r, x));
    assert.deepEqual(r.select(0, 0).tolist(), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
    assertThrowsWith(() => t.view([2, 12]), "view", "[2, 12]", "reshape");
    // Splitting a dim and merging contiguous neighbours both stay views even on strided input.
    const merged = x.slice(2, 0, 4, 2).view([2, 3, 2, 1]);
    assert.ok(sharesStorage(merged, x));
    assert.deepEqual(x.permute([1, 2, 0]).reshape([12, 2]).strides, [1, 12]);
  });

  test("contiguous() returns the tensor itself when already contiguous, else a packed copy", () => {
    const x = base();
    assert.equal(x.contiguous(), x);
    const t = x.transpose(0, 1);
    const c = t.contiguous();
    assert.ok(!sharesStorage(c, x));
    assert.deepEqual(c.strides, [8, 4, 1]);
    assert.equal(c.isContiguous(), true);
    assert.deepEqual(c.tolist(), t.tolist());
    c.fill_(0);
    assert.equal(x.view([-1]).toArray()[5], 5);
  });

  test("toArray is a packed copy; tolist and item read through offsets", () => {
    const x = base();
    const s = x.select(1, 1).slice(1, 1, 3);
    const arr = s.toArray();
    assert.deepEqual(Array.from(arr), [5, 6, 17, 18]);
    arr[0] = 100;
    assert.equal(x.view([-1]).toArray()[5], 5);
    assert.equal(x.select(0, 1).select(0, 2).select(0, 3).item(), 23);
  });

  test("expand broadcasts with stride 0 and -1 keeps a size", () => {
    const r = lt.tensor([[1], [2]]).expand([2, 2, 3]);
    assert.deepEqual(r.strides, [0, 1, 0]);
    assert.deepEqual(r.tolist(), [[[1, 1, 1], [2, 2, 2]], [[1, 1, 1], [2, 2, 2]]]);
    assert.deepEqual(lt.tensor([[1, 2]]).expand([3, -1]).shape, [3, 2]);
  });

  test("squeeze leaves non-1 dims; flatten of a scalar is 1-D", () => {
    assert.deepEqual(lt.zeros([1, 2, 1]).squeeze(0).shape, [2, 1]);
    assert.deepEqual(lt.zeros([1, 2, 1]).squeeze(1).shape, [1, 2, 1]);
    assert.deepEqual(lt.zeros([1, 2, 1]).squeeze([0, 2]).shape, [2]);
    assert.deepEqual(lt.tensor(3).flatten().shape, [1]);
    assert.deepEqual(lt.tensor(3).reshape([1, 1]).shape, [1, 1]);
  });

  test("slices clamp like Python and may be empty", () => {
    const x = lt.arange(0, 5, 1, { dtype: "float32" });
    assert.deepEqual(x.slice(0, -2).tolist(), [3, 4]);
    assert.deepEqual(x.slice(0, 3, 100).tolist(), [3, 4]);
    assert.deepEqual(x.slice(0, 4, 2).shape, [0]);
    assert.deepEqual(x.slice(0, 0, 5, 3).tolist(), [0, 3]);
  });
});

describe("view errors name the op and the shapes", () => {
  const x = lt.zeros([2, 3]);
  test("bad sizes and dims", () => {
    assert.equal(x.size(-1), 3);
    assertThrowsWith(() => x.size(2), "size", "dim 2", "rank 2");
    assertThrowsWith(() => x.reshape([4, 2]), "reshape", "[4, 2]", "6");
    assertThrowsWith(() => x.view([-1, -1]), "view", "-1");
    assertThrowsWith(() => x.reshape([4, -1]), "reshape", "[4, -1]", "6");
    assertThrowsWith(() => x.transpose(0, 2), "transpose", "dim 2", "rank 2");
    assertThrowsWith(() => x.permute([0]), "permute", "[0]");
    assertThrowsWith(() => x.permute([0, 0]), "permute", "[0, 0]");
    assertThrowsWith(() => x.unsqueeze(3), "unsqueeze", "dim 3");
    assertThrowsWith(() => x.squeeze(-3), "squeeze", "dim -3");
    assertThrowsWith(() => x.expand([3, 3]), "expand", "[2, 3]", "[3, 3]");
    assertThrowsWith(() => x.expand([3]), "expand", "[3]", "[2, 3]");
    assertThrowsWith(() => x.slice(1, 0, 2, 0), "slice", "step");
    assertThrowsWith(() => x.select(0, 2), "select", "index 2", "size 2");
    assertThrowsWith(() => x.flatten(1, 0), "flatten");
  });
});
