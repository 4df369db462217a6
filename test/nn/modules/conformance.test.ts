import { describe } from "node:test";
import * as lt from "../../../src/index.js";
import * as nn from "../../../src/nn/index.js";
import { conformance } from "./conformance.js";
import type { LayerSpec } from "./conformance.js";

/**
 * Every layer through the same conformance check. Expected names, shapes and counts are PyTorch's
 * (torch.nn with the same arguments: [(n, list(p.shape)) for n, p in m.named_parameters()]).
 */

const randn = (...shape: number[]) => () => [lt.randn(shape)];
const dropoutGenerator = new lt.Generator(11);

/** Activations: no parameters, same shape out as in, same in train and eval. */
const activations: [string, () => nn.Module][] = [
  ["ReLU", () => new nn.ReLU()],
  ["ReLU6", () => new nn.ReLU6()],
  ["LeakyReLU(0.2)", () => new nn.LeakyReLU(0.2)],
  ["ELU", () => new nn.ELU()],
  ["GELU", () => new nn.GELU()],
  ["GELU(tanh)", () => new nn.GELU({ approximate: "tanh" })],
  ["SiLU", () => new nn.SiLU()],
  ["Mish", () => new nn.Mish()],
  ["Sigmoid", () => new nn.Sigmoid()],
  ["Tanh", () => new nn.Tanh()],
  ["Hardswish", () => new nn.Hardswish()],
  ["Hardsigmoid", () => new nn.Hardsigmoid()],
  ["Softplus", () => new nn.Softplus()],
  ["Softmax(1)", () => new nn.Softmax(1)],
  ["LogSoftmax(1)", () => new nn.LogSoftmax(1)],
  ["Identity", () => new nn.Identity()],
];

const specs: LayerSpec[] = [
  {
    name: "Linear(3, 2)", make: () => new nn.Linear(3, 2), inputs: randn(4, 3), outputShape: [4, 2],
    params: [["weight", [2, 3]], ["bias", [2]]], numParams: 8, trainEval: "deterministic",
  },
  {
    name: "Linear(3, 2, bias=False) on [2, 2, 3]", make: () => new nn.Linear(3, 2, { bias: false }), inputs: randn(2, 2, 3), outputShape: [2, 2, 2],
    params: [["weight", [2, 3]]], numParams: 6, trainEval: "deterministic",
  },
  {
    name: "Conv2d(2, 4, 3, padding=1)", make: () => new nn.Conv2d(2, 4, 3, { padding: 1 }), inputs: randn(1, 2, 4, 4), outputShape: [1, 4, 4, 4],
    params: [["weight", [4, 2, 3, 3]], ["bias", [4]]], numParams: 76, trainEval: "deterministic",
  },
  {
    name: "Conv2d(4, 4, 3, stride=2, groups=2)", make: () => new nn.Conv2d(4, 4, 3, { stride: 2, groups: 2 }), inputs: randn(2, 4, 5, 5),
    outputShape: [2, 4, 2, 2], params: [["weight", [4, 2, 3, 3]], ["bias", [4]]], numParams: 76, trainEval: "deterministic",
  },
  {
    name: "Conv2d(2, 2, 3, padding='same', dilation=2, groups=2, bias=False)",
    make: () => new nn.Conv2d(2, 2, 3, { padding: "same", dilation: 2, groups: 2, bias: false }), inputs: randn(1, 2, 5, 4),
    outputShape: [1, 2, 5, 4], params: [["weight", [2, 1, 3, 3]]], numParams: 18, trainEval: "deterministic",
  },
  {
    name: "Conv2d(1, 2, (1, 3), padding='valid') unbatched", make: () => new nn.Conv2d(1, 2, [1, 3], { padding: "valid" }), inputs: randn(1, 3, 4),
    outputShape: [2, 3, 2], params: [["weight", [2, 1, 1, 3]], ["bias", [2]]], numParams: 8, trainEval: "deterministic",
  },
  { name: "MaxPool2d(2)", make: () => new nn.MaxPool2d(2), inputs: randn(1, 2, 4, 5), outputShape: [1, 2, 2, 2], params: [], numParams: 0, trainEval: "deterministic" },
  {
    name: "MaxPool2d(3, stride=2, padding=1, ceil_mode=True)", make: () => new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
    inputs: randn(1, 1, 5, 6), outputShape: [1, 1, 3, 4], params: [], numParams: 0, trainEval: "deterministic",
  },
  {
    name: "AvgPool2d(3, stride=2, padding=1)", make: () => new nn.AvgPool2d(3, { stride: 2, padding: 1 }), inputs: randn(1, 2, 5, 5),
    outputShape: [1, 2, 3, 3], params: [], numParams: 0, trainEval: "deterministic",
  },
  { name: "AdaptiveAvgPool2d((2, 3))", make: () => new nn.AdaptiveAvgPool2d([2, 3]), inputs: randn(2, 1, 5, 7), outputShape: [2, 1, 2, 3], params: [], numParams: 0, trainEval: "deterministic" },
  { name: "AdaptiveMaxPool2d(1)", make: () => new nn.AdaptiveMaxPool2d(1), inputs: randn(2, 3, 3, 3), outputShape: [2, 3, 1, 1], params: [], numParams: 0, trainEval: "deterministic" },
  {
    name: "BatchNorm1d(3)", make: () => new nn.BatchNorm1d(3), inputs: randn(4, 3), outputShape: [4, 3],
    params: [["weight", [3]], ["bias", [3]]], buffers: [["running_mean", [3]], ["running_var", [3]], ["num_batches_tracked", []]],
    numParams: 6, trainEval: "batchnorm",
  },
  {
    name: "BatchNorm1d(2) on [N, C, L]", make: () => new nn.BatchNorm1d(2), inputs: randn(3, 2, 4), outputShape: [3, 2, 4],
    params: [["weight", [2]], ["bias", [2]]], buffers: [["running_mean", [2]], ["running_var", [2]], ["num_batches_tracked", []]],
    numParams: 4, trainEval: "batchnorm",
  },
  {
    name: "BatchNorm2d(2)", make: () => new nn.BatchNorm2d(2), inputs: randn(3, 2, 2, 2), outputShape: [3, 2, 2, 2],
    params: [["weight", [2]], ["bias", [2]]], buffers: [["running_mean", [2]], ["running_var", [2]], ["num_batches_tracked", []]],
    numParams: 4, trainEval: "batchnorm",
  },
  {
    name: "LayerNorm((2, 3))", make: () => new nn.LayerNorm([2, 3]), inputs: randn(2, 2, 3), outputShape: [2, 2, 3],
    params: [["weight", [2, 3]], ["bias", [2, 3]]], numParams: 12, trainEval: "deterministic",
  },
  {
    name: "GroupNorm(2, 4)", make: () => new nn.GroupNorm(2, 4), inputs: randn(2, 4, 3), outputShape: [2, 4, 3],
    params: [["weight", [4]], ["bias", [4]]], numParams: 8, trainEval: "deterministic",
  },
  {
    name: "Dropout(0.5)", make: () => new nn.Dropout(0.5, { generator: dropoutGenerator }), inputs: randn(4, 6), outputShape: [4, 6],
    params: [], numParams: 0, trainEval: { dropout: 0.5 }, beforeForward: () => void dropoutGenerator.manualSeed(11),
  },
  {
    // The padding row gets no gradient by design (so gradcheck would flag it); layers.test.ts covers it.
    name: "Embedding(5, 3, padding_idx=0)", make: () => new nn.Embedding(5, 3, { paddingIdx: 0 }),
    inputs: () => [lt.tensor([[3, 2, 4], [1, 2, 2]], { dtype: "int32" })], outputShape: [2, 3, 3],
    params: [["weight", [5, 3]]], numParams: 15, trainEval: "deterministic",
  },
  { name: "Flatten()", make: () => new nn.Flatten(), inputs: randn(2, 3, 2, 2), outputShape: [2, 12], params: [], numParams: 0, trainEval: "deterministic" },
  { name: "Unflatten(1, (2, 3))", make: () => new nn.Unflatten(1, [2, 3]), inputs: randn(2, 6), outputShape: [2, 2, 3], params: [], numParams: 0, trainEval: "deterministic" },
  {
    name: "MultiheadAttention(4, 2)", make: () => new nn.MultiheadAttention(4, 2),
    inputs: () => [lt.randn([2, 1, 4]), lt.randn([3, 1, 4]), lt.randn([3, 1, 4])], outputShape: [2, 1, 4],
    params: [["in_proj_weight", [12, 4]], ["in_proj_bias", [12]], ["out_proj.weight", [4, 4]], ["out_proj.bias", [4]]], numParams: 80,
    trainEval: "deterministic", output: (m, [q, k, v]) => (m as nn.MultiheadAttention).call(q, k, v)[0],
  },
  {
    name: "MultiheadAttention(6, 3, kdim=2, vdim=3, batch_first=True)", make: () => new nn.MultiheadAttention(6, 3, { kdim: 2, vdim: 3, batchFirst: true }),
    inputs: () => [lt.randn([1, 2, 6]), lt.randn([1, 2, 2]), lt.randn([1, 2, 3])], outputShape: [1, 2, 6],
    params: [["q_proj_weight", [6, 6]], ["k_proj_weight", [6, 2]], ["v_proj_weight", [6, 3]], ["in_proj_bias", [18]], ["out_proj.weight", [6, 6]], ["out_proj.bias", [6]]],
    numParams: 36 + 12 + 18 + 18 + 36 + 6, trainEval: "deterministic",
    output: (m, [q, k, v]) => (m as nn.MultiheadAttention).call(q, k, v, { attnMask: lt.tensor([[false, true], [false, false]]) })[0],
  },
  {
    name: "Sequential(Linear(3, 4), ReLU(), Linear(4, 2))", make: () => new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2)),
    inputs: randn(2, 3), outputShape: [2, 2], params: [["0.weight", [4, 3]], ["0.bias", [4]], ["2.weight", [2, 4]], ["2.bias", [2]]],
    numParams: 26, trainEval: "deterministic",
  },
  ...activations.map(([name, make]): LayerSpec => ({ name, make, inputs: () => [lt.randn([2, 5]).mul(2)], outputShape: [2, 5], params: [], numParams: 0, trainEval: "deterministic" })),
];

describe("nn layer conformance", () => {
  for (const spec of specs) conformance(spec);
});

