// 2-D pooling over planes (batch and channels folded together), matching the reference backend.
#pragma once

#include <cstdint>

namespace lantern {

struct PoolGeometry {
  long planes, in_height, in_width, out_height, out_width;
  long kernel_height, kernel_width, stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w;

  long in_plane() const { return in_height * in_width; }
  long out_plane() const { return out_height * out_width; }
};

// argmax holds the h * in_width + w index of each winner within its plane (-1 for an empty window);
// null when no backward pass will need it, which lets inference skip the index bookkeeping.
void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeometry& g);
void max_pool2d_backward(const float* grad_out, const int32_t* argmax, float* grad_in, const PoolGeometry& g);
// divisor_override > 0 replaces the window size as divisor.
void avg_pool2d(const float* x, float* out, const PoolGeometry& g, bool count_include_pad, long divisor_override);
void avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g, bool count_include_pad,
                         long divisor_override);
void adaptive_avg_pool2d(const float* x, float* out, const PoolGeometry& g);
void adaptive_avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g);

#if defined(__x86_64__) || defined(_M_X64)
// max_pool2d's values for planes [begin, end), without argmax (pool_avx512.cc).
void max_pool2d_values_avx512(const float* x, float* out, const PoolGeometry& g, long begin, long end);
// Global average pooling (one window per plane of `plane` values) for planes [begin, end).
void global_avg_pool_avx512(const float* x, float* out, long plane, long begin, long end);
#endif

}  // namespace lantern
