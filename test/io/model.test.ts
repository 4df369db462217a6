import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import * as lt from "../../src/index.js";
import * as nn from "../../src/nn/index.js";
import * as io from "../../src/io/index.js";
import { assertClose } from "../helpers/assert.js";

const dir = mkdtempSync(join(tmpdir(), "lantern-model-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const build = () => new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2), new nn.ReLU(), new nn.Flatten(), new nn.Linear(8, 2));

test("saveModel/loadModel round trip parameters and buffers through safetensors", () => {
  const path = join(dir, "model.safetensors");
  const a = build();
  a.call(lt.randn([4, 1, 4, 4]));
  a.eval();
  io.saveModel(path, a, { epoch: "3" });
  const { tensors, metadata } = io.loadSafetensorsWithMetadata(path);
  assert.deepEqual(metadata, { format: "pt", epoch: "3" });
  assert.equal(tensors["1.num_batches_tracked"].dtype, "int32");
  assert.equal(tensors["1.num_batches_tracked"].item(), 1);
  const b = build().eval();
  assert.deepEqual(io.loadModel(path, b), { missingKeys: [], unexpectedKeys: [] });
  const x = lt.randn([2, 1, 4, 4]);
  assertClose(b.call(x), a.call(x), { rtol: 0, atol: 0 });
});

test("loadModel is strict by default and reports what differs", () => {
  const path = join(dir, "partial.safetensors");
  io.saveSafetensors(path, { "0.weight": lt.zeros([2, 1, 3, 3]) });
  assert.throws(() => io.loadModel(path, build()), /missing keys: 0\.bias, 1\.weight/);
  const result = io.loadModel(path, build(), { strict: false });
  assert.equal(result.missingKeys.length, 8);
});
