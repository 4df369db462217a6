import { Tensor } from "../../tensor/tensor.js";
import { getBackend } from "../../backend/index.js";
import type { ConvActivation, InvertedResidualGeometry, InvertedResidualWeights } from "../../backend/backend.js";
import { needsGrad } from "../../autograd/node.js";
import { uninitialized } from "../../ops/util.js";
import type { PreparedInvertedResidualCache } from "./prepared-conv.js";

/** One convolution of the block: its weight, bias and the activation applied to its output. */
export interface InvertedResidualStage {
  weight: Tensor;
  bias: Tensor | null;
  activation: ConvActivation;
}

/** The block as InvertedResidual holds it once nn.utils.fuseConvBn has folded its batch norms. */
export interface InvertedResidualLayers {
  /** 1x1, [hidden, in, 1, 1]; null in blocks without an expansion (the depthwise layer reads x). */
  expand: InvertedResidualStage | null;
  /** Depthwise, [hidden, 1, k, k] with k odd, padding k / 2. */
  depthwise: InvertedResidualStage;
  stride: number;
  /** 1x1, [out, hidden, 1, 1], no activation. */
  project: { weight: Tensor; bias: Tensor | null };
  /** Whether the block's input is added to its output. */
  residual: boolean;
}

const UNEXPANDED_MIN_BYTES = 4 << 20;

function dense(t: Tensor | null): boolean {
  return t === null || (t.dtype === "float32" && t.isContiguous());
}

/** Whether a weight's elements are its storage as it is (so the packed copy can be cached), not a view into a larger one. */
function own(t: Tensor | null): boolean {
  return t === null || t.denseData() === t.data;
}

/**
 * The block in one backend call, where the backend has a fused kernel for it (the native core on
 * AVX-512): the expanded activations then stay in cache instead of making two round trips to
 * memory. Returns null, having done nothing, when the call does not qualify (a gradient is needed,
 * not float32, a backend without the kernel): the caller then runs the three convolutions.
 */
export function invertedResidual(x: Tensor, layers: InvertedResidualLayers, cache: PreparedInvertedResidualCache): Tensor | null {
  const { expand, depthwise, project, stride } = layers;
  const tensors = [x, expand?.weight ?? null, expand?.bias ?? null, depthwise.weight, depthwise.bias, project.weight, project.bias];
  if (x.ndim !== 4 || !tensors.every(dense)) return null;
  if (needsGrad(...tensors.filter((t): t is Tensor => t !== null)) || !tensors.slice(1).every(own)) return null;
  const [batch, inChannels, height, width] = x.shape;
  const [hidden, expandIn, eh, ew] = expand ? expand.weight.shape : [inChannels, inChannels, 1, 1];
  const [depthwiseOut, depthwiseIn, kernel, kernelWidth] = depthwise.weight.shape;
  const [outChannels, projectIn, ph, pw] = project.weight.shape;
  const shapesFit = expandIn === inChannels && eh === 1 && ew === 1 && depthwiseOut === hidden && depthwiseIn === 1 &&
    kernel === kernelWidth && kernel % 2 === 1 && kernel <= 7 && (stride === 1 || stride === 2) &&
    projectIn === hidden && ph === 1 && pw === 1 &&
    (!layers.residual || (outChannels === inChannels && stride === 1));
  if (!shapesFit) return null;
  const pad = (kernel - 1) / 2;
  const g: InvertedResidualGeometry = {
    batch, inChannels, hidden, outChannels, height, width, kernel, stride,
    outHeight: Math.floor((height + 2 * pad - kernel) / stride) + 1,
    outWidth: Math.floor((width + 2 * pad - kernel) / stride) + 1,
    expandActivation: expand?.activation ?? "none", depthwiseActivation: depthwise.activation, residual: layers.residual,
    expand: expand !== null,
  };
  if (g.outHeight <= 0 || g.outWidth <= 0 || batch === 0) return null;
  // Without an expansion the fused kernel first copies x channels-last, which pays only when the
  // separate layers' intermediate (the depthwise output, batch-wide) would not stay in cache.
  // MobileNetV2's first block, in the traced model: 2.6% slower fused at batch 1 (1.6 MB), 1.7%
  // faster at batch 8 (12.8 MB).
  if (!expand && batch * hidden * g.outHeight * g.outWidth * 4 < UNEXPANDED_MIN_BYTES) return null;
  const weights: InvertedResidualWeights = {
    expandWeight: expand?.weight.data ?? null, expandBias: expand?.bias?.data ?? null,
    depthwiseWeight: depthwise.weight.data, depthwiseBias: depthwise.bias?.data ?? null,
    projectWeight: project.weight.data, projectBias: project.bias?.data ?? null,
  };
  const backend = getBackend();
  const prepared = cache.lookup(backend, weights, g);
  if (prepared === null) return null;
  const out = uninitialized([batch, outChannels, g.outHeight, g.outWidth], x.dtype);
  backend.invertedResidual!(x.denseData(), prepared, out.data, g);
  return out;
}
