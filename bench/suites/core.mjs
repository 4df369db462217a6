// The core suite: the kernels and networks Lantern's native core is judged by, against PyTorch /
// NumPy (the native reference), onnxruntime-node and the JavaScript peers.
import { lanternPeer, lanternEagerPeer } from "../peers/lantern.mjs";
import { torchPeer, numpyPeer } from "../peers/python.mjs";
import { onnxruntimePeer } from "../peers/onnxruntime.mjs";
import { tfjsWasmPeer, tfjsCpuPeer } from "../peers/tfjs.mjs";
import { jaxPeer } from "../peers/jax.mjs";

const convFlops = ({ batch, inChannels, outChannels, size, kernel, groups = 1 }) =>
  2 * batch * outChannels * (inChannels / groups) * kernel * kernel * size * size;

function sgemm(n) {
  return {
    id: `sgemm-${n}`, kind: "sgemm", title: `SGEMM ${n}^3`, metric: "GFLOP/s", flops: 2 * n ** 3, params: { n },
    target: { peer: "numpy", min: 0.9, text: ">=0.9x OpenBLAS" },
  };
}

function conv(id, title, params, target) {
  // Forward and backward: the input and weight gradients each cost one forward's FLOPs.
  const flops = convFlops(params) * (params.backward ? 3 : 1);
  return { id, kind: "conv", title, metric: "GFLOP/s", flops, params, target };
}

const atLeastTorch = { peer: "torch", min: 1.0, text: ">=1.0x PyTorch" };
const fasterThanOrt = { peer: "onnxruntime", min: 1.0, text: "faster than onnxruntime" };
const conv3x3 = { batch: 8, inChannels: 64, outChannels: 64, size: 56, kernel: 3 };

function network(kind, name, batch) {
  return { id: `${kind}-b${batch}`, kind, title: `${name} batch ${batch}, 224x224`, metric: "ms", params: { batch }, target: fasterThanOrt };
}

/** Full sizes; quick mode shrinks the expensive ones so a smoke run takes a minute or two. */
function workloads(quick) {
  return [
    sgemm(256),
    sgemm(quick ? 512 : 1024),
    ...(quick ? [] : [sgemm(2048)]),
    conv("conv3x3", "conv2d 3x3 64->64 56x56 b8 fwd", conv3x3, atLeastTorch),
    conv("conv3x3-train", "conv2d 3x3 64->64 56x56 b8 fwd+bwd", { ...conv3x3, backward: true }, atLeastTorch),
    conv("depthwise", "depthwise 3x3 32x112x112 b8", { batch: 8, inChannels: 32, outChannels: 32, size: 112, kernel: 3, groups: 32 }),
    conv("pointwise", "pointwise 1x1 32->64 112x112 b8", { batch: 8, inChannels: 32, outChannels: 64, size: 112, kernel: 1 }),
    {
      id: "lenet5-step", kind: "lenet5-step", title: "LeNet-5 train step b64 (SGD)", metric: "ms", params: { batch: 64 },
      target: { peer: "torch", min: 1 / 1.2, text: "<=1.2x PyTorch's time" },
    },
    network("resnet18", "ResNet-18", 1),
    ...(quick ? [] : [network("resnet18", "ResNet-18", 8)]),
    network("mobilenetV2", "MobileNetV2", 1),
    ...(quick ? [] : [network("mobilenetV2", "MobileNetV2", 8)]),
    {
      id: "transformer", kind: "transformer", title: "transformer block 768/12h seq128", metric: "ms",
      params: { batch: 1, sequence: 128, hidden: 768, heads: 12 },
    },
  ];
}

export default {
  name: "core",
  description: "SGEMM, convolutions, LeNet-5 training, ResNet-18 / MobileNetV2 / transformer inference",
  peers: [lanternPeer, lanternEagerPeer, torchPeer, numpyPeer, onnxruntimePeer, tfjsWasmPeer, tfjsCpuPeer, jaxPeer],
  workloads,
  legend: [
    "ResNet-18 / MobileNetV2: Lantern runs the eval-mode model after lt.nn.utils.fuseConvBn (batch norms folded into the convolutions, ReLU/ReLU6 and the residual sums applied inside them; weights packed once per layer in eval mode; MobileNetV2's inverted residual blocks each one fused kernel, a step beyond onnxruntime's graph optimisation), the counterpart of the graph optimisation onnxruntime applies to its graph, traced once with lt.jit.trace (its kernel calls replayed into planned memory, as an onnxruntime session runs its prepared graph); Lantern eager runs the same folded model's forward pass; PyTorch runs the eager eval-mode model.",
    "Memory: each Lantern step runs in lt.tidy and disposes its result, as each TF.js step runs in tf.tidy and is disposed, so both reuse their buffers; PyTorch frees by reference count and onnxruntime from its arena.",
  ],
  /** JavaScript peers must be at least 4x slower than Lantern on every row they run. */
  checks: [{ peers: ["tfjs-wasm", "tfjs-cpu", "jax-js"], min: 4, text: "every JS peer >= 4x slower than Lantern" }],
};
