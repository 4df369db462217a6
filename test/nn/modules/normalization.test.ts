import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import { assertClose, assertThrowsWith } from "../../helpers/assert.js";
import { FLOAT64, reference } from "./reference.js";

describe("BatchNorm modules against PyTorch (train steps, then eval)", () => {
  for (const [name, c] of Object.entries(reference.batchnorm)) {
    test(name, () => {
      const Layer = c.module === "BatchNorm1d" ? nn.BatchNorm1d : nn.BatchNorm2d;
      const bn = new Layer(c.numFeatures, c.options).double();
      if (c.weight && c.bias) {
        lt.noGrad(() => {
          bn.weight!.copy_(lt.tensor(c.weight!, { dtype: "float64" }));
          bn.bias!.copy_(lt.tensor(c.bias!, { dtype: "float64" }));
        });
      }
      c.steps.forEach((step, i) => {
        bn.train(step.mode === "train");
        const y = bn.call(lt.tensor(step.input, { shape: c.shape, dtype: "float64" }));
        const what = `step ${i} (${step.mode})`;
        assertClose(y.toArray(), step.output, { ...FLOAT64, message: `${what} output` });
        if (step.running_mean) {
          assertClose(bn.running_mean!.toArray(), step.running_mean, { ...FLOAT64, message: `${what} running_mean` });
          assertClose(bn.running_var!.toArray(), step.running_var!, { ...FLOAT64, message: `${what} running_var` });
          assert.equal(bn.num_batches_tracked!.item(), step.num_batches_tracked, `${what} num_batches_tracked`);
        } else {
          assert.equal(bn.running_mean, null);
        }
      });
    });
  }
});

describe("normalization layers", () => {
  test("BatchNorm without running stats has no buffers in its state dict", () => {
    const bn = new nn.BatchNorm2d(3, { trackRunningStats: false, affine: false });
    assert.deepEqual(Object.keys(bn.stateDict()), []);
    assert.equal(bn.toString(), "BatchNorm2d(3, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False)");
  });

  test("BatchNorm checks the input rank, naming the layer", () => {
    assertThrowsWith(() => new nn.BatchNorm2d(2).call(lt.randn([2, 2])), "BatchNorm2d: expected 4-D [N, C, H, W] input, got shape [2, 2]");
    assertThrowsWith(() => new nn.BatchNorm1d(2).call(lt.randn([2, 2, 1, 1])), "BatchNorm1d: expected 2-D [N, C] or 3-D [N, C, L] input");
    assertThrowsWith(() => new nn.BatchNorm1d(0), "BatchNorm1d: numFeatures must be an integer >= 1");
  });

  test("resetRunningStats restores mean 0, var 1 and the batch count", () => {
    const bn = new nn.BatchNorm1d(2);
    bn.call(lt.randn([4, 2]).mul(3).add(1));
    bn.resetRunningStats();
    assert.deepEqual([...bn.running_mean!.toArray(), ...bn.running_var!.toArray(), bn.num_batches_tracked!.item()], [0, 0, 1, 1, 0]);
  });

  test("LayerNorm and GroupNorm start as the identity affine map; LayerNorm bias can be dropped", () => {
    const ln = new nn.LayerNorm(4, { bias: false });
    assert.deepEqual(Object.keys(ln.stateDict()), ["weight"]);
    assert.deepEqual([...ln.weight!.toArray()], [1, 1, 1, 1]);
    assert.equal(ln.toString(), "LayerNorm((4,), eps=1e-05, elementwise_affine=True)");
    const gn = new nn.GroupNorm(2, 4);
    assert.deepEqual([...gn.bias!.toArray()], [0, 0, 0, 0]);
    assertThrowsWith(() => new nn.GroupNorm(3, 4), "numChannels (4) must be divisible by numGroups (3)");
  });
});
