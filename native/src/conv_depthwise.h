// Internals shared by the depthwise convolution kernels (conv_depthwise*.cc).
#pragma once

#include <cstdint>
#include <vector>

#include "conv.h"

namespace lantern {

// A zero-padded copy of one input plane, each row split into `stride` phases (phase q holds padded
// columns q, q + stride, ...), so that every kernel tap reads a contiguous run at any stride: tap
// offset t of output column ow is padded column ow * stride + t, i.e. phase t % stride at index
// ow + t / stride.
struct PhasePlane {
  long height, stride, phase_len;
  const float* data;
  const float* row(long r, long offset) const {
    return data + (r * stride + offset % stride) * phase_len + offset / stride;
  }
};

// When `on`, output values are clamped to [lo, hi] as they are stored (a fused ReLU / ReLU6).
struct Clamp {
  bool on;
  float lo, hi;
};

#if defined(__x86_64__) || defined(_M_X64)
// One output plane from a phase-split plane; offsets[t] is where tap t of output row 0 reads.
void depthwise_plane_avx512(const PhasePlane& in, const ConvGeometry& g, const long* offsets, const float* weights,
                            float bias, const Clamp& clamp, float* out);
// One output plane of a unit-stride convolution straight from the unpadded input plane.
void depthwise_unit_stride_avx512(const float* image, const ConvGeometry& g, const float* weights, float bias,
                                  const Clamp& clamp, float* out);
// One output plane of a 3x3, stride-2, undilated convolution straight from the unpadded input plane
// (MobileNet's downsampling layers), without splitting the input into phases first.
void depthwise_3x3_stride2_avx512(const float* image, const ConvGeometry& g, const float* weights, float bias,
                                  const Clamp& clamp, float* out);
// The same for planes whose output rows are at most 7 wide, two rows per vector; whether it takes g.
bool depthwise_3x3_stride2_narrow(const ConvGeometry& g);
void depthwise_3x3_stride2_narrow_avx512(const float* image, const ConvGeometry& g, const float* weights, float bias,
                                         const Clamp& clamp, float* out);

// 3x3 kernels at unit stride and dilation, any padding (conv_depthwise_3x3_avx512.cc).
bool depthwise_3x3_suits(const ConvGeometry& g);
// Which lanes each load and store keeps (bit i: lane i), worked out once per layer. Planes at
// most 8 wide and as wide as the input hold `rows` whole output rows per vector, with masks[10 * v
// + t] for tap t of vector v and masks[10 * v + 9] to store it; vectors [inner_begin, inner_end)
// are full and touch no padding rows. Otherwise rows is 1 and 16-column segment s of an output
// row has masks[4 * s + kw] for its column taps and masks[4 * s + 3] to store.
struct Depthwise3x3Plan {
  long rows, inner_begin, inner_end;
  std::vector<uint16_t> masks;
};
Depthwise3x3Plan depthwise_3x3_plan(const ConvGeometry& g);
// Input planes [begin, end) of the batch, each with all of its output planes.
void depthwise_3x3_avx512(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                          const Depthwise3x3Plan& plan, const Clamp& clamp, long begin, long end);
#endif

}  // namespace lantern
