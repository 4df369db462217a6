import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import { assertClose } from "../../helpers/assert.js";

test("conv2d's residual is added before the activation, with and without a gradient", () => {
  lt.manualSeed(11);
  const x = lt.randn([2, 4, 9, 9]);
  const w = lt.randn([6, 4, 3, 3]);
  const b = lt.randn([6]);
  const r = lt.randn([2, 6, 9, 9]);
  for (const activation of [null, "relu", "relu6"] as const) {
    const plain = lt.F.conv2d(x, w, b, { padding: 1 }).add(r);
    const expected = activation === null ? plain : activation === "relu" ? lt.F.relu(plain) : lt.F.relu6(plain);
    const fused = lt.noGrad(() => lt.F.conv2d(x, w, b, { padding: 1, activation, residual: r }));
    assertClose(fused, expected, { rtol: 1e-5, atol: 1e-5 });
  }
  // Recorded: gradients reach the residual and the weights as through the separate ops.
  const wg = w.clone().requiresGrad_();
  const rg = r.clone().requiresGrad_();
  lt.F.conv2d(x, wg, b, { padding: 1, activation: "relu", residual: rg }).square().sum().backward();
  const w2 = w.clone().requiresGrad_();
  const r2 = r.clone().requiresGrad_();
  lt.F.relu(lt.F.conv2d(x, w2, b, { padding: 1 }).add(r2)).square().sum().backward();
  assertClose(wg.grad!, w2.grad!, { rtol: 1e-5, atol: 1e-5 });
  assertClose(rg.grad!, r2.grad!, { rtol: 1e-5, atol: 1e-5 });
  // Unbatched input takes an unbatched residual.
  const single = lt.noGrad(() => lt.F.conv2d(x.select(0, 1), w, b, { padding: 1, residual: r.select(0, 1) }));
  assertClose(single, lt.F.conv2d(x, w, b, { padding: 1 }).add(r).select(0, 1), { rtol: 1e-5, atol: 1e-5 });
});

test("conv2d names a residual of the wrong shape or dtype", () => {
  const x = lt.randn([1, 2, 5, 5]);
  const w = lt.randn([3, 2, 3, 3]);
  assert.throws(() => lt.F.conv2d(x, w, null, { residual: lt.randn([1, 3, 5, 5]) }), /residual has shape \[1, 3, 5, 5\], but the output has shape \[1, 3, 3, 3\]/);
  assert.throws(() => lt.F.conv2d(x, w, null, { residual: lt.zeros([1, 3, 3, 3], { dtype: "float64" }) }), /residual has dtype float64/);
});
