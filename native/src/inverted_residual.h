// MobileNetV2's inverted residual block as one kernel (inverted_residual_avx512.cc): 1x1 expansion,
// k x k depthwise convolution and 1x1 projection, plus the shortcut, computed band by band of
// output rows so that the expanded activations (six times the block's input) never leave L2.
#pragma once

#include "conv.h"

namespace lantern {

struct InvertedResidualGeometry {
  long batch, in_channels, hidden, out_channels, height, width, kernel, stride, out_height, out_width;
  Activation expand_activation, depthwise_activation;
  bool residual;  // out += x (in_channels == out_channels, unit stride)
  bool expand;    // false: no expansion (hidden == in_channels), the depthwise layer reads x itself
  long pad() const { return kernel / 2; }
  long hidden_padded() const { return (hidden + 15) / 16 * 16; }
};

// Whether the fused kernel runs on this machine (AVX-512).
bool inverted_residual_available();
long inverted_residual_prepared_size(const InvertedResidualGeometry& g);
// The three layers' weights and biases (biases may be null; expand_w too, without an expansion)
// packed for the kernel.
void inverted_residual_prepare(const float* expand_w, const float* expand_b, const float* depthwise_w,
                               const float* depthwise_b, const float* project_w, const float* project_b,
                               const InvertedResidualGeometry& g, float* dst);
void inverted_residual(const float* x, const float* prepared, float* out, const InvertedResidualGeometry& g);

}  // namespace lantern
