// Depthwise convolution (one input channel per group, any channel multiplier) by direct loops:
// with a single input channel the im2col matrix has only kh * kw rows, too few for GEMM to pay.
// Each kernel tap becomes a shifted multiply-add over an output row, contiguous at unit stride.
#include <algorithm>
#include <limits>
#include <vector>

#include "conv_depthwise.h"
#include "cpu.h"
#include "scratch.h"
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

// Phase q of one padded row: phase[i] = padded[i * S + q]. A template so the common stride 2 is a
// constant the vectoriser can turn into shuffles.
template <long S>
LANTERN_VECTORIZE void split_phases(const float* padded, long s, long phase_len, float* dst) {
  const long stride = S > 0 ? S : s;
  for (long q = 0; q < stride; ++q) {
    for (long i = 0; i < phase_len; ++i) dst[q * phase_len + i] = padded[i * stride + q];
  }
}

PhasePlane phase_plane(const float* image, const ConvGeometry& g) {
  const long s = g.stride_w;
  const long height = (g.out_height - 1) * g.stride_h + (g.kernel_height - 1) * g.dilation_h + 1;
  const long width = (g.out_width - 1) * s + (g.kernel_width - 1) * g.dilation_w + 1;
  const long phase_len = (width + s - 1) / s;
  float* data = scratch(ScratchSlot::Padded, static_cast<size_t>(height * s * phase_len + s * phase_len));
  // One padded row at a time goes through the slack row past the plane, then splits into phases.
  float* padded = data + height * s * phase_len;
  const long lo = std::clamp(g.pad_left, 0L, s * phase_len), hi = std::clamp(g.in_width + g.pad_left, lo, s * phase_len);
  for (long r = 0; r < height; ++r) {
    float* dst = data + r * s * phase_len;
    long ih = r - g.pad_top;
    float* row = s == 1 ? dst : padded;
    if (ih < 0 || ih >= g.in_height) {
      std::fill(dst, dst + s * phase_len, 0.0f);
      continue;
    }
    const float* src = image + ih * g.in_width;
    std::fill(row, row + lo, 0.0f);
    std::copy(src + (lo - g.pad_left), src + (hi - g.pad_left), row + lo);
    std::fill(row + hi, row + s * phase_len, 0.0f);
    if (s == 2) split_phases<2>(padded, s, phase_len, dst);
    else if (s > 2) split_phases<0>(padded, s, phase_len, dst);
  }
  return {height, s, phase_len, data};
}

// Where tap t of output row 0 reads, relative to the plane's data: output row oh adds
// oh * stride_h * stride_w * phase_len.
void tap_offsets(const PhasePlane& in, const ConvGeometry& g, long* offsets) {
  for (long kh = 0; kh < g.kernel_height; ++kh) {
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      offsets[kh * g.kernel_width + kw] = in.row(kh * g.dilation_h, kw * g.dilation_w) - in.data;
    }
  }
}

// One output plane: each tap a multiply-add of a contiguous padded run into the output row, which
// stays in L1 across the taps. Compiled per instruction set so the row loops vectorise.
LANTERN_VECTORIZE void depthwise_plane(const PhasePlane& in, const ConvGeometry& g, const long* offsets,
                                       const float* weights, float bias, const Clamp& clamp, float* out) {
  const long taps = g.kernel_height * g.kernel_width, row_step = g.stride_h * in.stride * in.phase_len;
  for (long oh = 0; oh < g.out_height; ++oh) {
    float* row = out + oh * g.out_width;
    for (long ow = 0; ow < g.out_width; ++ow) row[ow] = bias;
    for (long t = 0; t < taps; ++t) {
      const float* src = in.data + oh * row_step + offsets[t];
      for (long ow = 0; ow < g.out_width; ++ow) row[ow] += weights[t] * src[ow];
    }
    if (clamp.on) for (long ow = 0; ow < g.out_width; ++ow) row[ow] = std::min(std::max(row[ow], clamp.lo), clamp.hi);
  }
}

}  // namespace

void depthwise_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                      Activation activation) {
  const long og = g.group_out(), taps = g.kernel_height * g.kernel_width;
  const Clamp clamp{activation != Activation::None, 0.0f,
                    activation == Activation::Relu6 ? 6.0f : std::numeric_limits<float>::infinity()};
#if LANTERN_X86
  // MobileNet's and EfficientNet's 3x3 unit-stride layers have a kernel of their own.
  if (active_isa() == Isa::Avx512 && depthwise_3x3_suits(g)) {
    const Depthwise3x3Plan plan = depthwise_3x3_plan(g);
    parallel_range(g.batch * g.in_channels, std::max(1L, plane_grain(g) / og), [&](long begin, long end) {
      depthwise_3x3_avx512(x, w, bias, out, g, plan, clamp, begin, end);
    });
    return;
  }
  // Unit stride reads the input in place (masked loads stand in for the padding).
  const bool unit_stride_avx512 = active_isa() == Isa::Avx512 && g.stride_w == 1 && g.kernel_width <= 16;
  const bool stride2_avx512 = active_isa() == Isa::Avx512 && g.kernel_height == 3 && g.kernel_width == 3 &&
                              g.stride_h == 2 && g.stride_w == 2 && g.dilation_h == 1 && g.dilation_w == 1;
  const bool narrow_stride2 = stride2_avx512 && depthwise_3x3_stride2_narrow(g);
#endif
  // One task unit per input plane: it is padded once and serves all of its og output planes.
  parallel_range(g.batch * g.in_channels, std::max(1L, plane_grain(g) / og), [&](long begin, long end) {
    std::vector<long> offsets(taps);
    for (long plane = begin; plane < end; ++plane) {
      long n = plane / g.in_channels, c = plane % g.in_channels;
      const float* image = x + plane * g.in_plane();
      auto dst = [&](long o) { return out + (n * g.out_channels + c * og + o) * g.out_plane(); };
      auto b = [&](long o) { return bias ? bias[c * og + o] : 0.0f; };
#if LANTERN_X86
      if (unit_stride_avx512) {
        for (long o = 0; o < og; ++o) depthwise_unit_stride_avx512(image, g, w + (c * og + o) * taps, b(o), clamp, dst(o));
        continue;
      }
      if (stride2_avx512) {
        const auto plane_kernel = narrow_stride2 ? depthwise_3x3_stride2_narrow_avx512 : depthwise_3x3_stride2_avx512;
        for (long o = 0; o < og; ++o) plane_kernel(image, g, w + (c * og + o) * taps, b(o), clamp, dst(o));
        continue;
      }
#endif
      PhasePlane padded = phase_plane(image, g);
      tap_offsets(padded, g, offsets.data());
      for (long o = 0; o < og; ++o) {
#if LANTERN_X86
        if (active_isa() == Isa::Avx512) {
          depthwise_plane_avx512(padded, g, offsets.data(), w + (c * og + o) * taps, b(o), clamp, dst(o));
          continue;
        }
#endif
        depthwise_plane(padded, g, offsets.data(), w + (c * og + o) * taps, b(o), clamp, dst(o));
      }
    }
  });
}

void depthwise_backward_input(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g) {
  const long og = g.group_out(), taps = g.kernel_height * g.kernel_width, sw = g.stride_w;
  if (og == 1 && g.unit_stride()) {
    // At unit stride the input gradient is a depthwise convolution of grad_out with each kernel
    // flipped, padded by d * (k - 1) - p: the forward kernel serves.
    std::vector<float> flipped(g.out_channels * taps);
    for (long c = 0; c < g.out_channels; ++c) {
      for (long t = 0; t < taps; ++t) flipped[c * taps + t] = w[c * taps + taps - 1 - t];
    }
    ConvGeometry t = g;
    t.in_height = g.out_height;
    t.in_width = g.out_width;
    t.out_height = g.in_height;
    t.out_width = g.in_width;
    t.pad_top = g.dilation_h * (g.kernel_height - 1) - g.pad_top;
    t.pad_left = g.dilation_w * (g.kernel_width - 1) - g.pad_left;
    depthwise_conv2d(grad_out, flipped.data(), nullptr, grad_in, t);
    return;
  }
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
