import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../src/index.js";
import * as optim from "../../src/optim/index.js";
import { assertThrowsWith } from "../helpers/assert.js";

const w = () => lt.tensor([1, 2], { requiresGrad: true });

describe("optimizer hyper-parameter validation", () => {
  test("SGD", () => {
    assertThrowsWith(() => new optim.SGD([w()], { lr: -1 }), "SGD: lr must be a non-negative number, got -1");
    assertThrowsWith(() => new optim.SGD([w()], { lr: NaN }), "SGD: lr must be a non-negative number, got NaN");
    assertThrowsWith(() => new optim.SGD([w()], { momentum: -0.5 }), "SGD: momentum must be a non-negative number, got -0.5");
    assertThrowsWith(() => new optim.SGD([w()], { weightDecay: -1 }), "SGD: weightDecay must be a non-negative number");
    assertThrowsWith(() => new optim.SGD([w()], { nesterov: true }), "SGD: nesterov momentum requires a momentum and zero dampening");
    assertThrowsWith(() => new optim.SGD([w()], { nesterov: true, momentum: 0.9, dampening: 0.1 }), "SGD: nesterov momentum requires a momentum and zero dampening", "dampening 0.1");
    assertThrowsWith(() => new optim.SGD([w()], { weight_decay: 0.1 } as never), 'SGD: unknown option "weight_decay"', "weightDecay");
  });

  test("Adam and AdamW", () => {
    assertThrowsWith(() => new optim.Adam([w()], { lr: -0.1 }), "Adam: lr must be a non-negative number, got -0.1");
    assertThrowsWith(() => new optim.Adam([w()], { betas: [1, 0.999] }), "Adam: betas[0] must be in [0, 1), got 1");
    assertThrowsWith(() => new optim.Adam([w()], { betas: [0.9, -0.1] }), "Adam: betas[1] must be in [0, 1), got -0.1");
    assertThrowsWith(() => new optim.Adam([w()], { betas: [0.9] as never }), "Adam: betas must be a pair [beta1, beta2], got [0.9]");
    assertThrowsWith(() => new optim.Adam([w()], { eps: -1e-8 }), "Adam: eps must be a non-negative number");
    assertThrowsWith(() => new optim.AdamW([w()], { weightDecay: -0.01 }), "AdamW: weightDecay must be a non-negative number, got -0.01");
    assertThrowsWith(() => new optim.Adam([w()], { amsgrad: "yes" as never }), "Adam: amsgrad must be a boolean");
  });

  test("RMSprop", () => {
    assertThrowsWith(() => new optim.RMSprop([w()], { alpha: -0.9 }), "RMSprop: alpha must be a non-negative number, got -0.9");
    assertThrowsWith(() => new optim.RMSprop([w()], { momentum: -1 }), "RMSprop: momentum must be a non-negative number");
    assertThrowsWith(() => new optim.RMSprop([w()], { eps: -1 }), "RMSprop: eps must be a non-negative number");
  });

  test("per-group overrides are validated too", () => {
    assertThrowsWith(() => new optim.SGD([{ params: [w()], lr: -3 }], { lr: 0.1 }), "SGD: lr must be a non-negative number, got -3");
    const opt = new optim.Adam([w()]);
    assertThrowsWith(() => opt.addParamGroup({ params: [w()], betas: [0.9, 1] }), "Adam: betas[1] must be in [0, 1), got 1");
    assert.equal(opt.paramGroups.length, 1);
  });

  test("defaults follow torch", () => {
    assert.deepEqual({ ...new optim.SGD([w()]).defaults }, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false });
    assert.deepEqual({ ...new optim.Adam([w()]).defaults }, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false });
    assert.equal(new optim.AdamW([w()]).defaults.weightDecay, 1e-2);
    assert.equal(new optim.AdamW([w()]).defaults.decoupledWeightDecay, true);
    assert.deepEqual({ ...new optim.RMSprop([w()]).defaults }, { lr: 1e-2, momentum: 0, alpha: 0.99, eps: 1e-8, centered: false, weightDecay: 0, maximize: false });
  });
});

describe("parameter validation", () => {
  test("params must be an iterable of leaf, floating, contiguous, distinct tensors", () => {
    const p = w();
    assertThrowsWith(() => new optim.SGD(p as never), "SGD: params must be an iterable of Tensors or of parameter groups", "single Tensor");
    assertThrowsWith(() => new optim.SGD([]), "SGD: got an empty parameter list");
    assertThrowsWith(() => new optim.SGD([lt.tensor([1, 2], { dtype: "int32" })]), "SGD: parameter 0 of group 0 has dtype int32");
    assertThrowsWith(() => new optim.SGD([p.mul(2)]), "SGD: parameter 0 of group 0 is not a leaf tensor");
    assertThrowsWith(() => new optim.SGD([lt.zeros([2, 3]).transpose(0, 1)]), "SGD: parameter 0 of group 0 is not contiguous", "shape [3, 2]");
    assertThrowsWith(() => new optim.SGD([p, p]), "SGD: parameter 1 of group 0 appears more than once");
    assertThrowsWith(() => new optim.SGD([{ params: [p] }, { params: [p] }]), "SGD: parameter 0 of group 1 appears more than once");
    assertThrowsWith(() => new optim.SGD([p, { params: [w()] }] as never), "SGD: params mixes Tensors and parameter groups");
    assertThrowsWith(() => new optim.SGD([3] as never), 'SGD: a parameter group must be an object with a "params" entry, got 3');
    assertThrowsWith(() => new optim.SGD([{ params: [3] }] as never), "SGD: parameter 0 of group 0 is 3, but only Tensors can be optimized");
  });

  test("a gradient of the wrong size is reported at step()", () => {
    const p = w();
    const opt = new optim.Adam([p]);
    p.grad = lt.tensor([1, 2, 3]);
    assertThrowsWith(() => opt.step(), "Adam: gradient of parameter 0 in group 0 has shape [3], but the parameter has shape [2]");
  });
});
