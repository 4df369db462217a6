import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { assertThrowsWith } from "../../helpers/assert.js";
import { assertGradcheck, randn } from "./util.js";

test("dropout zeroes about p of the elements and scales the rest by 1 / (1 - p)", () => {
  const x = lt.ones([100, 100]);
  const y = F.dropout(x, 0.3, true, new lt.Generator(1));
  const values = Array.from(y.toArray());
  const kept = values.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6), "kept values are scaled by 1 / (1 - p)");
  const dropped = 1 - kept.length / values.length;
  assert.ok(Math.abs(dropped - 0.3) < 0.02, `dropped fraction ${dropped}`);
});

test("dropout is reproducible from a generator and from the default seed", () => {
  const x = lt.ones([50]);
  assert.deepEqual(F.dropout(x, 0.5, true, new lt.Generator(7)).tolist(), F.dropout(x, 0.5, true, new lt.Generator(7)).tolist());
  lt.manualSeed(3);
  const first = F.dropout(x, 0.5).tolist();
  lt.manualSeed(3);
  assert.deepEqual(F.dropout(x, 0.5).tolist(), first);
});

test("dropout is the identity in eval mode or with p = 0, and zero with p = 1", () => {
  const x = randn([4, 5]);
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.equal(F.dropout(x, 0), x);
  assert.ok(Array.from(F.dropout(x, 1).toArray()).every((v) => v === 0));
});

test("dropout gradcheck (the mask is fixed by the generator)", () => {
  assertGradcheck((x) => F.dropout(x, 0.4, true, new lt.Generator(11)), [randn([3, 6])]);
  assertGradcheck((x) => F.dropout2d(x, 0.5, true, new lt.Generator(11)), [randn([2, 3, 2, 2])]);
});

test("dropout2d drops whole channels", () => {
  const y = F.dropout2d(lt.ones([4, 8, 3, 3]), 0.5, true, new lt.Generator(5));
  const planes = y.reshape([32, 9]).tolist() as number[][];
  for (const plane of planes) assert.ok(plane.every((v) => v === plane[0]) && (plane[0] === 0 || plane[0] === 2));
  const unbatched = F.dropout2d(lt.ones([8, 2, 2]), 0.5, true, new lt.Generator(5)).reshape([8, 4]).tolist() as number[][];
  for (const plane of unbatched) assert.ok(plane.every((v) => v === plane[0]));
});

test("dropout errors", () => {
  assertThrowsWith(() => F.dropout(lt.zeros([2]), 1.5), "dropout: dropout probability has to be between 0 and 1, got 1.5");
  assertThrowsWith(() => F.dropout2d(lt.zeros([2, 2]), 0.5), "dropout2d", "[2, 2]");
});
