import { test } from "node:test";
import assert from "node:assert/strict";
import * as lt from "../../src/index.js";
import { jsBackend, getBackend, setBackend } from "../../src/backend/index.js";
import { assertClose } from "../helpers/assert.js";
import { InvertedResidual } from "../../src/vision/models/mobilenet-v2.js";
import { invertedResidual } from "../../src/nn/functional/inverted-residual.js";
import { PreparedInvertedResidualCache } from "../../src/nn/functional/prepared-conv.js";

const { nn } = lt;

/** Running statistics and affine parameters far from the identity, so folding has work to do. */
function randomizeBatchNorms(model: lt.nn.Module, seed: number): void {
  const g = new lt.Generator(seed);
  for (const m of model.modules()) {
    if (!(m instanceof nn.BatchNorm2d)) continue;
    const c = m.numFeatures;
    m.running_mean!.data.set(lt.randn([c], { generator: g }).data);
    m.running_var!.data.set(lt.rand([c], { generator: g }).add(0.5).data);
    m.weight!.data.set(lt.randn([c], { generator: g }).data);
    m.bias!.data.set(lt.randn([c], { generator: g }).data);
  }
}

test("conv2d's fused activation equals relu / relu6 of the convolution, on both backends", () => {
  const g = new lt.Generator(3);
  const shapes: [number[], number[], lt.F.Conv2dOptions][] = [
    [[2, 8, 9, 9], [16, 8, 3, 3], { padding: 1 }],
    [[1, 16, 12, 12], [16, 1, 3, 3], { padding: 1, groups: 16 }],
    [[2, 5, 7, 7], [9, 5, 1, 1], {}],
    [[1, 4, 11, 11], [6, 4, 3, 3], { stride: 2, padding: 1 }],
    [[4, 16, 20, 20], [32, 16, 3, 3], { padding: 1 }],
  ];
  const saved = getBackend();
  try {
    for (const backend of [saved, jsBackend]) {
      setBackend(backend);
      for (const [xs, ws, opts] of shapes) {
        const x = lt.randn(xs, { generator: g }).mul(3);
        const w = lt.randn(ws, { generator: g });
        const b = lt.randn([ws[0]], { generator: g });
        const plain = lt.F.conv2d(x, w, b, opts);
        assertClose(lt.F.conv2d(x, w, b, { ...opts, activation: "relu" }), lt.F.relu(plain), { message: `${backend.name} relu ${xs}` });
        assertClose(lt.F.conv2d(x, w, b, { ...opts, activation: "relu6" }), lt.F.relu6(plain), { message: `${backend.name} relu6 ${xs}` });
      }
    }
  } finally {
    setBackend(saved);
  }
});

test("conv2d's activation is differentiated when a gradient is needed", () => {
  const x = lt.randn([1, 2, 5, 5], { requiresGrad: true });
  const w = lt.randn([3, 2, 3, 3], { requiresGrad: true });
  const fused = lt.F.conv2d(x, w, null, { padding: 1, activation: "relu6" });
  fused.sum().backward();
  const gx = x.grad!.clone();
  x.grad = null;
  lt.F.relu6(lt.F.conv2d(x, w, null, { padding: 1 })).sum().backward();
  assertClose(gx, x.grad!);
  assert.throws(() => lt.F.conv2d(x, w, null, { activation: "gelu" as never }), /activation must be "relu", "relu6" or null/);
});

/**
 * Fuses an eval-mode model with randomised batch norms on a seeded input, checks that its output is
 * unchanged, and returns the report.
 */
function fuseAndCompare(model: lt.nn.Module, seed: number, shape: number[]): lt.nn.utils.FuseReport {
  randomizeBatchNorms(model, seed);
  model.eval();
  const x = lt.randn(shape, { generator: new lt.Generator(seed + 1) });
  const before = lt.noGrad(() => model.call(x));
  const report = lt.nn.utils.fuseConvBn(model, x);
  assertClose(lt.noGrad(() => model.call(x)), before, { rtol: 1e-4, atol: 1e-4 });
  return report;
}

test("fuseConvBn folds MobileNetV2's batch norms and ReLU6s and keeps its logits", () => {
  const model = lt.vision.models.mobilenetV2({ numClasses: 10 });
  assert.deepEqual(fuseAndCompare(model, 1, [2, 3, 64, 64]), { batchNorms: 52, activations: 35, residuals: 10 });
  assert.equal(model.modules().filter((m) => m instanceof nn.BatchNorm2d).length, 0);
});

/** Whether the active backend has a fused inverted residual kernel here (the native core on AVX-512). */
function hasFusedKernel(): boolean {
  const backend = getBackend();
  const prepared = backend.prepareInvertedResidual?.(
    { expandWeight: null, expandBias: null, depthwiseWeight: new Float32Array(144), depthwiseBias: null, projectWeight: new Float32Array(16), projectBias: null },
    { batch: 1, inChannels: 16, hidden: 16, outChannels: 1, height: 4, width: 4, kernel: 3, stride: 1, outHeight: 4, outWidth: 4, expandActivation: "none", depthwiseActivation: "relu6", residual: false, expand: false },
  );
  return prepared !== undefined && prepared !== null;
}

/** Runs body with the backend's fused inverted residual calls counted (count() reads the tally). */
function countingFusedCalls(body: (count: () => number) => void): void {
  const base = getBackend();
  let calls = 0;
  const spy = Object.create(base) as typeof base;
  if (base.invertedResidual) {
    spy.invertedResidual = (...args: Parameters<NonNullable<typeof base.invertedResidual>>) => {
      calls++;
      return base.invertedResidual!(...args);
    };
  }
  setBackend(spy);
  try {
    body(() => calls);
  } finally {
    setBackend(base);
  }
}

test("a folded MobileNetV2 runs each inverted residual block as one fused kernel where the backend has it, and not when training or differentiating", () => {
  const model = lt.vision.models.mobilenetV2({ numClasses: 10 });
  randomizeBatchNorms(model, 11);
  model.eval();
  const x = lt.randn([2, 3, 64, 64], { generator: new lt.Generator(12) });
  const before = lt.noGrad(() => model.call(x));
  lt.nn.utils.fuseConvBn(model, x);
  // The 16 blocks with an expansion (the first block has none, and its intermediate here is too
  // small for the fused kernel to pay).
  const expected = hasFusedKernel() ? 16 : 0;
  countingFusedCalls((count) => {
    assertClose(lt.noGrad(() => model.call(x)), before, { rtol: 1e-4, atol: 1e-4 });
    assert.equal(count(), expected);
    const input = x.clone().requiresGrad_();
    const y = model.call(input) as lt.Tensor;
    y.sum().backward();
    assert.ok(input.grad !== null);
    assertClose(y.detach(), before, { rtol: 1e-4, atol: 1e-4 });
    model.train();
    lt.noGrad(() => model.call(x));
    assert.equal(count(), expected, "no fused call when a gradient is needed or in training mode");
  });
});

test("a block without an expansion runs fused only when its depthwise output is too large to stay in cache", () => {
  const block = new InvertedResidual(32, 16, 1, 1, (c) => new nn.BatchNorm2d(c));
  randomizeBatchNorms(block, 21);
  block.eval();
  const small = lt.randn([1, 32, 20, 20], { generator: new lt.Generator(22) });
  const large = lt.randn([1, 32, 200, 200], { generator: new lt.Generator(23) });
  const before = [small, large].map((x) => lt.noGrad(() => block.call(x)));
  lt.nn.utils.fuseConvBn(block, small);
  countingFusedCalls((count) => {
    assertClose(lt.noGrad(() => block.call(small)), before[0], { rtol: 1e-4, atol: 1e-4 });
    assert.equal(count(), 0, "a 51 KB intermediate stays with the separate layers");
    assertClose(lt.noGrad(() => block.call(large)), before[1], { rtol: 1e-4, atol: 1e-4 });
    assert.equal(count(), hasFusedKernel() ? 1 : 0, "a 5 MB intermediate is fused");
  });
});

test("the fused block function declines what its kernel cannot run (a 9x9 depthwise kernel, stride 3) and matches the convolutions otherwise", () => {
  const g = new lt.Generator(31);
  const x = lt.randn([1, 8, 12, 12], { generator: g });
  const expand = { weight: lt.randn([24, 8, 1, 1], { generator: g }), bias: lt.randn([24], { generator: g }), activation: "relu6" as const };
  const project = { weight: lt.randn([8, 24, 1, 1], { generator: g }), bias: null };
  const layers = (k: number, stride: number) => ({
    expand, project, stride, residual: false,
    depthwise: { weight: lt.randn([24, 1, k, k], { generator: g }), bias: null, activation: "relu6" as const },
  });
  const cache = new PreparedInvertedResidualCache();
  assert.equal(lt.noGrad(() => invertedResidual(x, layers(9, 1), cache)), null);
  assert.equal(lt.noGrad(() => invertedResidual(x, layers(3, 3), cache)), null);
  const l = layers(3, 2);
  const fused = lt.noGrad(() => invertedResidual(x, l, cache));
  assert.equal(fused !== null, hasFusedKernel());
  if (fused) {
    const h = lt.F.conv2d(lt.F.conv2d(x, expand.weight, expand.bias, { activation: "relu6" }), l.depthwise.weight, null, { stride: 2, padding: 1, groups: 24, activation: "relu6" });
    assertClose(fused, lt.noGrad(() => lt.F.conv2d(h, project.weight)), { rtol: 1e-4, atol: 1e-4 });
  }
});

test("fuseConvBn ends ResNet-50's bottlenecks in one convolution that adds the shortcut", () => {
  const model = lt.vision.models.resnet50({ numClasses: 10 });
  // 53 BNs; the stem ReLU and each bottleneck's two inner ReLUs (33); 16 bottlenecks.
  assert.deepEqual(fuseAndCompare(model, 6, [1, 3, 32, 32]), { batchNorms: 53, activations: 33, residuals: 16 });
});

test("fuseConvBn folds ResNet-18's batch norms (downsample branches included) and fuses its shared ReLU where a conv feeds it", () => {
  const model = lt.vision.models.resnet18({ numClasses: 10 });
  const report = fuseAndCompare(model, 4, [1, 3, 64, 64]);
  // 20 BNs (17 after convs in blocks and the stem, 3 in downsample branches). The stem's ReLU and
  // each block's ReLU after bn1 (8) are fused; each block's conv2 then adds the shortcut and applies
  // the ReLU after the sum (8 residuals).
  assert.deepEqual(report, { batchNorms: 20, activations: 9, residuals: 8 });
  const block = model.layer1.at(0) as unknown as { relu: lt.nn.Module; conv1: lt.nn.Conv2d; conv2: lt.nn.Conv2d };
  assert.ok(block.relu instanceof nn.ReLU, "the shared ReLU stays in the block");
  assert.equal(block.conv1.activation, "relu");
  assert.equal(block.conv2.activation, "relu", "conv2 ends the block: relu(conv2(out) + identity)");
  // With a gradient to compute the ReLU runs as its own op again.
  const conv = new nn.Conv2d(2, 3, 3);
  conv.activation = "relu";
  const y = lt.noGrad(() => conv.call(lt.randn([1, 2, 5, 5])));
  assert.equal(new nn.ReLU().call(y), y, "a fused output passes through a ReLU");
  assert.notEqual(new nn.ReLU6().call(y), y, "ReLU6 still clamps a ReLU output");
  const input = lt.randn([1, 2, 5, 5], { requiresGrad: true });
  const z = conv.call(input);
  assert.notEqual(new nn.ReLU().call(z), z, "recorded ops are not skipped");
});

test("fuseConvBn refuses a model in training mode and leaves a model unchanged when a conv output is reused", () => {
  const model = new nn.Sequential(new nn.Conv2d(2, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4));
  assert.throws(() => lt.nn.utils.fuseConvBn(model, lt.randn([1, 2, 5, 5])), /training mode; call model.eval\(\) first/);

  // The conv's output feeds the batch norm and, outside any module, the residual sum.
  class Residual extends nn.Module {
    conv = new nn.Conv2d(3, 3, 3, { padding: 1 });
    bn = new nn.BatchNorm2d(3);
    forward(x: lt.Tensor): lt.Tensor {
      const y = this.conv.call(x);
      return this.bn.call(y).add(y);
    }
  }
  const residual = new Residual();
  randomizeBatchNorms(residual, 7);
  residual.eval();
  const x = lt.randn([1, 3, 6, 6]);
  const before = lt.noGrad(() => residual.call(x));
  const weight = residual.conv.weight;
  assert.throws(() => lt.nn.utils.fuseConvBn(residual, x), /output differs from the original's .* left unchanged/);
  assert.equal(residual.conv.weight, weight);
  assert.ok(residual.bn instanceof nn.BatchNorm2d);
  assertClose(lt.noGrad(() => residual.call(x)), before);
});
