import type { Tensor } from "../../../src/index.js";
import * as F from "../../../src/nn/functional/index.js";
import { referenceCases } from "./reference-cases.js";

// Each entry mirrors the PyTorch call of the same name in test/fixtures/gen_functional.py.

referenceCases("conv2d", {
  same_even_kernel: (x, w, b) => F.conv2d(x, w, b, { padding: "same" }),
  same_rect_dilated: (x, w, b) => F.conv2d(x, w, b, { padding: "same", dilation: [3, 1] }),
  valid_rect_stride: (x, w, b) => F.conv2d(x, w, b, { stride: [2, 3], padding: "valid" }),
  pair_padding_groups_dilation: (x, w, b) => F.conv2d(x, w, b, { stride: [1, 2], padding: [2, 1], dilation: [2, 1], groups: 2 }),
  unbatched_no_bias: (x, w) => F.conv2d(x, w, null, { padding: 1 }),
  depthwise_multiplier: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, groups: 3 }),
  float32_wide: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 2, dilation: 2 }),
});

referenceCases("pooling", {
  max_ceil: (x) => F.maxPool2d(x, { kernelSize: 3, stride: 2, ceilMode: true }),
  max_ceil_drops_last_window: (x) => F.maxPool2d(x, { kernelSize: 2, stride: 2, padding: 1, ceilMode: true }),
  max_dilation_padding: (x) => F.maxPool2d(x, { kernelSize: 2, stride: 1, padding: 1, dilation: 2 }),
  max_rect_indices_ties: (x) => F.maxPool2d(x, { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], returnIndices: true }),
  max_unbatched: (x) => F.maxPool2d(x, { kernelSize: 2 }),
  avg_ceil_exclude_pad: (x) => F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false }),
  avg_ceil_include_pad: (x) => F.avgPool2d(x, { kernelSize: 3, stride: 2, padding: 1, ceilMode: true }),
  avg_divisor_override: (x) => F.avgPool2d(x, { kernelSize: 2, stride: 1, divisorOverride: 3 }),
  avg_rect_exclude_pad: (x) => F.avgPool2d(x, { kernelSize: [2, 3], stride: [1, 2], padding: [1, 1], countIncludePad: false }),
  adaptive_avg_uneven: (x) => F.adaptiveAvgPool2d(x, [3, 2]),
  adaptive_avg_keep_height: (x) => F.adaptiveAvgPool2d(x, [null, 2]),
  adaptive_avg_global: (x) => F.adaptiveAvgPool2d(x, 1),
  adaptive_max_uneven: (x) => F.adaptiveMaxPool2d(x, [3, 2], { returnIndices: true }),
  adaptive_max_divisible: (x) => F.adaptiveMaxPool2d(x, [3, 2], { returnIndices: true }),
});

/** Returns the output and the running stats after the call, as the fixture stores them. */
function batchNorm(training: boolean, momentum = 0.1, eps = 1e-5) {
  return (x: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor | null = null, bias: Tensor | null = null) => [
    F.batchNorm(x, runningMean, runningVar, weight, bias, training, momentum, eps), runningMean, runningVar,
  ];
}

referenceCases("normalization", {
  batch_norm_train_2d: batchNorm(true),
  batch_norm_train_3d_no_affine: batchNorm(true, 0.3),
  batch_norm_train_4d_eps: batchNorm(true, 0.1, 1e-2),
  batch_norm_eval_4d: batchNorm(false),
  layer_norm_last_dim: (x, w, b) => F.layerNorm(x, [4], w, b),
  layer_norm_two_dims_eps: (x, w, b) => F.layerNorm(x, [3, 4], w, b, 1e-3),
  layer_norm_no_affine: (x) => F.layerNorm(x, 6),
  group_norm: (x, w, b) => F.groupNorm(x, 3, w, b),
});

referenceCases("activation", {
  relu: F.relu,
  relu6: F.relu6,
  leaky_relu: (x) => F.leakyRelu(x, 0.2),
  elu: (x) => F.elu(x, 0.5),
  selu: F.selu,
  hardtanh: (x) => F.hardtanh(x, -2, 2.5),
  gelu: (x) => F.gelu(x),
  gelu_tanh: (x) => F.gelu(x, { approximate: "tanh" }),
  silu: F.silu,
  mish: F.mish,
  sigmoid: F.sigmoid,
  tanh: F.tanh,
  hardswish: F.hardswish,
  // torch computes the float64 derivative with a float32 1/6.
  hardsigmoid: [F.hardsigmoid, { rtol: 1e-7 }],
  softplus: (x) => F.softplus(x),
  softplus_beta_threshold: (x) => F.softplus(x, 2, 5),
  log_sigmoid: F.logSigmoid,
  softmax_dim1: (x) => F.softmax(x, 1),
  log_softmax_last: (x) => F.logSoftmax(x, -1),
});

referenceCases("attention", {
  no_mask: (q, k, v) => F.scaledDotProductAttention(q, k, v),
  bool_mask: (q, k, v, m) => F.scaledDotProductAttention(q, k, v, { attnMask: m }),
  causal: (q, k, v) => F.scaledDotProductAttention(q, k, v, { isCausal: true }),
  float_mask_scale: (q, k, v, m) => F.scaledDotProductAttention(q, k, v, { attnMask: m, scale: 0.3 }),
});

const smoothed = (reduction: F.Reduction) => (x: Tensor, t: Tensor, w: Tensor) =>
  F.crossEntropy(x, t, { weight: w, ignoreIndex: 2, labelSmoothing: 0.2, reduction });

referenceCases("loss", {
  cross_entropy_weight_ignore_smoothing_mean: smoothed("mean"),
  cross_entropy_weight_ignore_smoothing_sum: smoothed("sum"),
  cross_entropy_weight_ignore_smoothing_none: smoothed("none"),
  cross_entropy_plain: (x, t) => F.crossEntropy(x, t),
  cross_entropy_kdim_weight_smoothing: (x, t, w) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.1 }),
  cross_entropy_unbatched: (x, t) => F.crossEntropy(x, t),
  cross_entropy_probs_weight_smoothing: (x, t, w) => F.crossEntropy(x, t, { weight: w, labelSmoothing: 0.3 }),
  cross_entropy_probs_none: (x, t) => F.crossEntropy(x, t, { reduction: "none" }),
  nll_weight_ignore: (x, t, w) => F.nllLoss(x, t, { weight: w, ignoreIndex: 1 }),
  nll_none: (x, t) => F.nllLoss(x, t, { reduction: "none" }),
  mse: (x, t) => F.mseLoss(x, t),
  mse_sum: (x, t) => F.mseLoss(x, t, { reduction: "sum" }),
  l1_with_zero_diffs: (x, t) => F.l1Loss(x, t),
  smooth_l1_beta: (x, t) => F.smoothL1Loss(x, t, { beta: 0.5, reduction: "none" }),
  smooth_l1_mean: (x, t) => F.smoothL1Loss(x, t),
  huber_delta: (x, t) => F.huberLoss(x, t, { delta: 2, reduction: "none" }),
  huber_mean: (x, t) => F.huberLoss(x, t),
  bce_weight: (x, t, w) => F.binaryCrossEntropy(x, t, { weight: w }),
  // torch's 1e-12 floor on x (1 - x) is a float32 constant.
  bce_clamped_logs: [(x, t) => F.binaryCrossEntropy(x, t, { reduction: "none" }), { rtol: 1e-8 }],
  bce_logits_pos_weight: (x, t, pw, w) => F.binaryCrossEntropyWithLogits(x, t, { weight: w, posWeight: pw }),
  bce_logits_extreme: (x, t) => F.binaryCrossEntropyWithLogits(x, t, { reduction: "sum" }),
  kl_div_batchmean: (x, t) => F.klDiv(x, t, { reduction: "batchmean" }),
  kl_div_log_target_sum: (x, t) => F.klDiv(x, t, { reduction: "sum", logTarget: true }),
});

referenceCases("linear", {
  linear_3d: (x, w, b) => F.linear(x, w, b),
  linear_vector_no_bias: (x, w) => F.linear(x, w),
  embedding_padding: (i, w) => F.embedding(i, w, { paddingIdx: 1 }),
  embedding_negative_padding: (i, w) => F.embedding(i, w, { paddingIdx: -1 }),
});
