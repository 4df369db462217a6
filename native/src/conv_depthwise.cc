// Depthwise convolution (one input channel per group, any channel multiplier) by direct loops:
// with a single input channel the im2col matrix has only kh * kw rows, too few for GEMM to pay.
// Each kernel tap becomes a shifted multiply-add over an output row, contiguous at unit stride.
#include <algorithm>
#include <vector>

#include "conv.h"
#include "thread_pool.h"

namespace lantern {
namespace {

// Output columns [lo, hi) whose input column ow * stride + offset lies inside [0, width).
inline void valid_columns(long offset, long stride, long width, long out_width, long* lo, long* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = width - 1 - offset < 0 ? 0 : std::min(out_width, (width - 1 - offset) / stride + 1);
  if (*hi < *lo) *hi = *lo;
}

// Planes per task so that each task does at least ~64k multiply-adds: smaller work is not worth
// waking the pool for.
long plane_grain(const ConvGeometry& g) {
  long per_plane = g.out_plane() * g.kernel_height * g.kernel_width;
  return std::max(1L, 65536 / std::max(1L, per_plane));
}

// Calls tap(in_row, out_row, weight, in_offset, lo, hi) for every kernel tap that touches output
// row oh, where output column ow meets input column ow * stride_w + in_offset.
template <typename Tap>
void for_each_tap(const ConvGeometry& g, const float* weights, long oh, Tap tap) {
  for (long kh = 0; kh < g.kernel_height; ++kh) {
    long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_height) continue;
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      long offset = kw * g.dilation_w - g.pad_left, lo, hi;
      valid_columns(offset, g.stride_w, g.in_width, g.out_width, &lo, &hi);
      if (lo < hi) tap(ih, weights[kh * g.kernel_width + kw], offset, lo, hi);
    }
  }
}

// sum a[i] * b[i * stride_b] with eight partial sums, so the additions need not wait on each other.
inline float dot(const float* a, const float* b, long n, long stride_b) {
  float part[8] = {};
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) part[j] += a[i + j] * b[(i + j) * stride_b];
  }
  float sum = 0.0f;
  for (; i < n; ++i) sum += a[i] * b[i * stride_b];
  for (int j = 0; j < 8; ++j) sum += part[j];
  return sum;
}

}  // namespace

void depthwise_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g) {
  const long og = g.group_out(), taps = g.kernel_height * g.kernel_width, sw = g.stride_w;
  parallel_range(g.batch * g.out_channels, plane_grain(g), [&](long begin, long end) {
    for (long plane = begin; plane < end; ++plane) {
      long n = plane / g.out_channels, oc = plane % g.out_channels;
      const float* image = x + (n * g.in_channels + oc / og) * g.in_plane();
      float* dst = out + plane * g.out_plane();
      std::fill(dst, dst + g.out_plane(), bias ? bias[oc] : 0.0f);
      for (long oh = 0; oh < g.out_height; ++oh) {
        float* row = dst + oh * g.out_width;
        for_each_tap(g, w + oc * taps, oh, [&](long ih, float weight, long offset, long lo, long hi) {
          const float* src = image + ih * g.in_width + offset;
          if (sw == 1) for (long ow = lo; ow < hi; ++ow) row[ow] += weight * src[ow];
          else for (long ow = lo; ow < hi; ++ow) row[ow] += weight * src[ow * sw];
        });
      }
    }
  });
}

void depthwise_backward_input(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g) {
  const long og = g.group_out(), taps = g.kernel_height * g.kernel_width, sw = g.stride_w;
  // One task per input plane, which gathers from all of its og output planes: no two tasks write
  // the same memory.
  parallel_range(g.batch * g.in_channels, std::max(1L, plane_grain(g) / og), [&](long begin, long end) {
    for (long plane = begin; plane < end; ++plane) {
      long n = plane / g.in_channels, c = plane % g.in_channels;
      float* image = grad_in + plane * g.in_plane();
      std::fill(image, image + g.in_plane(), 0.0f);
      for (long o = 0; o < og; ++o) {
        long oc = c * og + o;
        const float* src = grad_out + (n * g.out_channels + oc) * g.out_plane();
        for (long oh = 0; oh < g.out_height; ++oh) {
          const float* row = src + oh * g.out_width;
          for_each_tap(g, w + oc * taps, oh, [&](long ih, float weight, long offset, long lo, long hi) {
            float* dst = image + ih * g.in_width + offset;
            if (sw == 1) for (long ow = lo; ow < hi; ++ow) dst[ow] += weight * row[ow];
            else for (long ow = lo; ow < hi; ++ow) dst[ow * sw] += weight * row[ow];
          });
        }
      }
    }
  });
}

void depthwise_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g) {
  const long og = g.group_out(), taps = g.kernel_height * g.kernel_width, sw = g.stride_w;
  long grain = std::max(1L, plane_grain(g) / std::max(1L, g.batch));
  parallel_range(g.out_channels, grain, [&](long begin, long end) {
    // Each tap sums batch * out_plane products: accumulate the per-row sums in double.
    std::vector<double> sums(taps);
    for (long oc = begin; oc < end; ++oc) {
      std::fill(sums.begin(), sums.end(), 0.0);
      for (long n = 0; n < g.batch; ++n) {
        const float* image = x + (n * g.in_channels + oc / og) * g.in_plane();
        const float* src = grad_out + (n * g.out_channels + oc) * g.out_plane();
        for (long oh = 0; oh < g.out_height; ++oh) {
          const float* row = src + oh * g.out_width;
          for (long kh = 0; kh < g.kernel_height; ++kh) {
            long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
            if (ih < 0 || ih >= g.in_height) continue;
            for (long kw = 0; kw < g.kernel_width; ++kw) {
              long offset = kw * g.dilation_w - g.pad_left, lo, hi;
              valid_columns(offset, sw, g.in_width, g.out_width, &lo, &hi);
              sums[kh * g.kernel_width + kw] += dot(row + lo, image + ih * g.in_width + offset + lo * sw, hi - lo, sw);
            }
          }
        }
      }
      for (long t = 0; t < taps; ++t) grad_weight[oc * taps + t] += static_cast<float>(sums[t]);
    }
  });
}

}  // namespace lantern
