import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as lt from "../../../src/index.js";
import type { Tensor } from "../../../src/index.js";
import * as io from "../../../src/io/index.js";
import { getModel, mobilenetV2 } from "../../../src/vision/models/index.js";
import { summary } from "../../../src/analysis/index.js";
import { assertClose } from "../../helpers/assert.js";
import { fixturePath, publicModels, mobilenetV2Weights, NEEDS_MOBILENET_V2 } from "./fixtures.js";

/**
 * The shared fixture made with the real PyTorch 2.11 / torchvision 0.26: every listed model's
 * shapes and counts (FLOPs as torch.utils.flop_counter counts them), and a real checkpoint's logits.
 */
describe("PyTorch 2.11 reference: output shape, parameters, buffers, FLOPs and MACs", () => {
  for (const ref of publicModels.models) {
    test(`${ref.model} at ${ref.input.join("x")}`, () => {
      const s = summary(getModel(ref.model, { skipInit: true }), ref.input);
      assert.deepEqual(
        [s.outputShape, s.params, s.trainableParams, s.buffers, s.flops, s.macs],
        [ref.output, ref.params, ref.trainable, ref.bn_buffers, ref.flops_torch_counter, ref.macs],
      );
    });
  }
});

describe("PyTorch 2.11 reference: per-layer rows", () => {
  for (const name of ["resnet18", "lenet5"] as const) {
    test(`${name}: every leaf call in order, with type, output shape and parameters`, () => {
      const input = publicModels.models.find((m) => m.model === name)!.input;
      const rows = summary(getModel(name, { skipInit: true }), input).layers.map(({ name: n, type, output, params }) => ({ name: n, type, output, params }));
      assert.deepEqual(rows, publicModels.summaries[name]);
    });
  }
});

describe("PyTorch 2.11 reference: torchvision checkpoint", () => {
  test("mobilenet_v2.safetensors loads strictly and reproduces the eval-mode logits at 224x224 to 1e-4", { skip: NEEDS_MOBILENET_V2 }, () => {
    const model = lt.nn.init.skipInit(() => mobilenetV2());
    model.loadStateDict(io.loadSafetensors(mobilenetV2Weights!));
    model.eval();
    const ref = io.loadSafetensors(fixturePath("mobilenet_v2-reference.safetensors"));
    const logits = lt.noGrad(() => model.call(ref.input)) as Tensor;
    assertClose(logits, ref.logits, { rtol: 0, atol: 1e-4 });
    assert.equal(logits.argmax(1).item(), ref.logits.argmax(1).item());
  });
});
