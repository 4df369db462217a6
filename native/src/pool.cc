#include "pool.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "cpu.h"
#include "normalization.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {
namespace {

// Runs body(begin, end) over ranges of planes, several planes per task so each does real work.
template <typename Body>
void for_each_plane_range(const PoolGeometry& g, long work_per_plane, Body body) {
  long grain = std::max(1L, 65536 / std::max(1L, work_per_plane));
  parallel_range(g.planes, grain, body);
}

template <typename Body>
void for_each_plane(const PoolGeometry& g, long work_per_plane, Body body) {
  for_each_plane_range(g, work_per_plane, [&](long begin, long end) {
    for (long p = begin; p < end; ++p) body(p);
  });
}

// One average-pooling window: rows [h0, h1) and columns [w0, w1) clipped to the input, and the
// divisor PyTorch uses (with count_include_pad the window is clipped to the padded input only).
struct AvgWindow {
  long h0, h1, w0, w1;
  double divisor;
};

AvgWindow avg_window(const PoolGeometry& g, long oh, long ow, bool count_include_pad, long divisor_override) {
  long h0 = oh * g.stride_h - g.pad_top, w0 = ow * g.stride_w - g.pad_left;
  long h1 = std::min(h0 + g.kernel_height, g.in_height + g.pad_top);
  long w1 = std::min(w0 + g.kernel_width, g.in_width + g.pad_left);
  AvgWindow win{std::max(h0, 0L), std::min(h1, g.in_height), std::max(w0, 0L), std::min(w1, g.in_width), 0.0};
  if (divisor_override > 0) win.divisor = static_cast<double>(divisor_override);
  else if (count_include_pad) win.divisor = static_cast<double>((h1 - h0) * (w1 - w0));
  else win.divisor = static_cast<double>((win.h1 - win.h0) * (win.w1 - win.w0));
  return win;
}

// Adaptive windows [floor(i * in / out), ceil((i + 1) * in / out)), as PyTorch.
inline long adaptive_start(long i, long in, long out) { return i * in / out; }
inline long adaptive_end(long i, long in, long out) { return ((i + 1) * in + out - 1) / out; }

// Output columns [lo, hi) whose input column ow * stride + offset lies inside [0, width).
inline void valid_columns(long offset, long stride, long width, long out_width, long* lo, long* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = width - 1 - offset < 0 ? 0 : std::min(out_width, (width - 1 - offset) / stride + 1);
  if (*hi < *lo) *hi = *lo;
}

// One output row of max pooling, taps outermost so every inner loop runs along the row and
// vectorises (a template on the stride, so stride 2 loads become shuffles). best/index/stopped
// hold the row's running maxima. The reference scans each window row by row and takes a value
// that is larger, NaN, or the first one seen, and a NaN ends the scan of its window row; `stopped`
// replays that per column.
template <long Stride>
LANTERN_VECTORIZE void max_pool_row(const float* plane, const PoolGeometry& g, long oh, float* best, int32_t* index,
                                    int32_t* stopped, float* out, int32_t* argmax) {
  const long sw = Stride > 0 ? Stride : g.stride_w, ow_count = g.out_width;
  for (long ow = 0; ow < ow_count; ++ow) best[ow] = -std::numeric_limits<float>::infinity(), index[ow] = -1;
  for (long kh = 0; kh < g.kernel_height; ++kh) {
    long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_height) continue;
    for (long ow = 0; ow < ow_count; ++ow) stopped[ow] = 0;
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      long offset = kw * g.dilation_w - g.pad_left, lo, hi;
      valid_columns(offset, sw, g.in_width, ow_count, &lo, &hi);
      const float* src = plane + ih * g.in_width + offset;
      const int32_t first = static_cast<int32_t>(ih * g.in_width + offset);
      // Bitwise & and | (not && and ||): no branches, so the loop vectorises and random data
      // does not mispredict.
      for (long ow = lo; ow < hi; ++ow) {
        float v = src[ow * sw];
        int32_t nan = v != v;
        int32_t take = (stopped[ow] == 0) & ((v > best[ow]) | nan | (index[ow] < 0));
        best[ow] = take ? v : best[ow];
        index[ow] = take ? first + static_cast<int32_t>(ow * sw) : index[ow];
        stopped[ow] |= take & nan;
      }
    }
  }
  for (long ow = 0; ow < ow_count; ++ow) out[ow] = best[ow], argmax[ow] = index[ow];
}

// max_pool_row without argmax: the reference's take rule on values alone (larger or NaN), so a NaN,
// once taken, stays, and ties keep the first value seen.
template <long Stride>
LANTERN_VECTORIZE void max_pool_row_values(const float* plane, const PoolGeometry& g, long oh, float* out) {
  const long sw = Stride > 0 ? Stride : g.stride_w, ow_count = g.out_width;
  for (long ow = 0; ow < ow_count; ++ow) out[ow] = -std::numeric_limits<float>::infinity();
  for (long kh = 0; kh < g.kernel_height; ++kh) {
    long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_height) continue;
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      long offset = kw * g.dilation_w - g.pad_left, lo, hi;
      valid_columns(offset, sw, g.in_width, ow_count, &lo, &hi);
      const float* src = plane + ih * g.in_width + offset;
      for (long ow = lo; ow < hi; ++ow) {
        float v = src[ow * sw], best = out[ow];
        out[ow] = ((v > best) | (v != v)) ? v : best;
      }
    }
  }
}

void max_pool2d_values(const float* x, float* out, const PoolGeometry& g) {
  for_each_plane_range(g, g.out_plane() * g.kernel_height * g.kernel_width, [&](long begin, long end) {
#if LANTERN_X86
    if (active_isa() == Isa::Avx512) return max_pool2d_values_avx512(x, out, g, begin, end);
#endif
    for (long p = begin; p < end; ++p) {
      const float* plane = x + p * g.in_plane();
      for (long oh = 0; oh < g.out_height; ++oh) {
        float* row = out + p * g.out_plane() + oh * g.out_width;
        if (g.stride_w == 1) max_pool_row_values<1>(plane, g, oh, row);
        else if (g.stride_w == 2) max_pool_row_values<2>(plane, g, oh, row);
        else max_pool_row_values<0>(plane, g, oh, row);
      }
    }
  });
}

#if LANTERN_X86
// The same scan with AVX-512 for rows too short to fill a vector along a row (LeNet's 14 and 5
// columns): sixteen outputs per vector, each tap a masked gather of their window elements, and the
// take rule evaluated on masks.
LANTERN_TARGET_AVX512 void max_pool_row_avx512(const float* plane, const PoolGeometry& g, long oh, float* out,
                                                int32_t* argmax) {
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const __m512i width = _mm512_set1_epi32(static_cast<int32_t>(g.in_width));
  for (long ow0 = 0; ow0 < g.out_width; ow0 += 16) {
    const __mmask16 wanted = static_cast<__mmask16>(g.out_width - ow0 >= 16 ? 0xFFFF : (1u << (g.out_width - ow0)) - 1);
    // Input column of tap kw = 0 for each lane's output.
    const __m512i first = _mm512_add_epi32(_mm512_mullo_epi32(_mm512_add_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(ow0))),
                                                              _mm512_set1_epi32(static_cast<int32_t>(g.stride_w))),
                                           _mm512_set1_epi32(static_cast<int32_t>(-g.pad_left)));
    __m512 best = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    __m512i index = _mm512_set1_epi32(-1);
    for (long kh = 0; kh < g.kernel_height; ++kh) {
      long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
      if (ih < 0 || ih >= g.in_height) continue;
      const float* row = plane + ih * g.in_width;
      const __m512i row_start = _mm512_set1_epi32(static_cast<int32_t>(ih * g.in_width));
      __mmask16 stopped = 0;
      for (long kw = 0; kw < g.kernel_width; ++kw) {
        __m512i iw = _mm512_add_epi32(first, _mm512_set1_epi32(static_cast<int32_t>(kw * g.dilation_w)));
        __mmask16 inside = wanted & _mm512_cmpge_epi32_mask(iw, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(iw, width);
        __m512 v = _mm512_mask_i32gather_ps(best, inside, iw, row, 4);
        __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        __mmask16 larger = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ);
        __mmask16 unset = _mm512_cmplt_epi32_mask(index, _mm512_setzero_si512());
        __mmask16 take = inside & ~stopped & (larger | nan | unset);
        best = _mm512_mask_mov_ps(best, take, v);
        index = _mm512_mask_mov_epi32(index, take, _mm512_add_epi32(row_start, iw));
        stopped |= take & nan;
      }
    }
    _mm512_mask_storeu_ps(out + ow0, wanted, best);
    _mm512_mask_storeu_epi32(argmax + ow0, wanted, index);
  }
}
#endif

}  // namespace

void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeometry& g) {
  if (argmax == nullptr) return max_pool2d_values(x, out, g);
  for_each_plane_range(g, g.out_plane() * g.kernel_height * g.kernel_width, [&](long begin, long end) {
    std::vector<float> best(g.out_width);
    std::vector<int32_t> index(g.out_width);
    std::vector<int32_t> stopped(g.out_width);
    for (long p = begin; p < end; ++p) {
      const float* plane = x + p * g.in_plane();
      for (long oh = 0; oh < g.out_height; ++oh) {
        long o = p * g.out_plane() + oh * g.out_width;
#if LANTERN_X86
        if (g.out_width < 32 && active_isa() == Isa::Avx512) {
          max_pool_row_avx512(plane, g, oh, out + o, argmax + o);
          continue;
        }
#endif
        if (g.stride_w == 1) max_pool_row<1>(plane, g, oh, best.data(), index.data(), stopped.data(), out + o, argmax + o);
        else if (g.stride_w == 2) max_pool_row<2>(plane, g, oh, best.data(), index.data(), stopped.data(), out + o, argmax + o);
        else max_pool_row<0>(plane, g, oh, best.data(), index.data(), stopped.data(), out + o, argmax + o);
      }
    }
  });
}

void max_pool2d_backward(const float* grad_out, const int32_t* argmax, float* grad_in, const PoolGeometry& g) {
  for_each_plane(g, g.out_plane() + g.in_plane(), [&](long p) {
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    const float* src = grad_out + p * g.out_plane();
    const int32_t* index = argmax + p * g.out_plane();
    for (long i = 0; i < g.out_plane(); ++i) {
      if (index[i] >= 0) dst[index[i]] += src[i];
    }
  });
}

void avg_pool2d(const float* x, float* out, const PoolGeometry& g, bool count_include_pad, long divisor_override) {
  for_each_plane(g, g.out_plane() * g.kernel_height * g.kernel_width, [&](long p) {
    const float* src = x + p * g.in_plane();
    float* dst = out + p * g.out_plane();
    for (long oh = 0; oh < g.out_height; ++oh) {
      for (long ow = 0; ow < g.out_width; ++ow) {
        AvgWindow win = avg_window(g, oh, ow, count_include_pad, divisor_override);
        double sum = 0.0;
        for (long ih = win.h0; ih < win.h1; ++ih) {
          for (long iw = win.w0; iw < win.w1; ++iw) sum += src[ih * g.in_width + iw];
        }
        dst[oh * g.out_width + ow] = static_cast<float>(sum / win.divisor);
      }
    }
  });
}

void avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g, bool count_include_pad,
                         long divisor_override) {
  for_each_plane(g, g.out_plane() * g.kernel_height * g.kernel_width + g.in_plane(), [&](long p) {
    const float* src = grad_out + p * g.out_plane();
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    for (long oh = 0; oh < g.out_height; ++oh) {
      for (long ow = 0; ow < g.out_width; ++ow) {
        AvgWindow win = avg_window(g, oh, ow, count_include_pad, divisor_override);
        float share = static_cast<float>(src[oh * g.out_width + ow] / win.divisor);
        for (long ih = win.h0; ih < win.h1; ++ih) {
          for (long iw = win.w0; iw < win.w1; ++iw) dst[ih * g.in_width + iw] += share;
        }
      }
    }
  });
}

void adaptive_avg_pool2d(const float* x, float* out, const PoolGeometry& g) {
  if (g.out_height == 1 && g.out_width == 1) {
    // Global pooling: one window over each whole plane, summed over many partial sums (one running
    // sum waits out the add latency at every element: MobileNetV2's 1280 planes of 7x7 took 51 us
    // that way, 21 us over eight double sums, 16.5 us over sixteen float lanes).
    for_each_plane_range(g, g.in_plane(), [&](long begin, long end) {
#if LANTERN_X86
      if (active_isa() == Isa::Avx512) {
        global_avg_pool_avx512(x, out, g.in_plane(), begin, end);
        return;
      }
#endif
      for (long p = begin; p < end; ++p) out[p] = static_cast<float>(sum_run(x + p * g.in_plane(), g.in_plane()) / static_cast<double>(g.in_plane()));
    });
    return;
  }
  for_each_plane(g, g.in_plane() + g.out_plane(), [&](long p) {
    const float* src = x + p * g.in_plane();
    float* dst = out + p * g.out_plane();
    for (long oh = 0; oh < g.out_height; ++oh) {
      long h0 = adaptive_start(oh, g.in_height, g.out_height), h1 = adaptive_end(oh, g.in_height, g.out_height);
      for (long ow = 0; ow < g.out_width; ++ow) {
        long w0 = adaptive_start(ow, g.in_width, g.out_width), w1 = adaptive_end(ow, g.in_width, g.out_width);
        double sum = 0.0;
        for (long ih = h0; ih < h1; ++ih) {
          for (long iw = w0; iw < w1; ++iw) sum += src[ih * g.in_width + iw];
        }
        dst[oh * g.out_width + ow] = static_cast<float>(sum / static_cast<double>((h1 - h0) * (w1 - w0)));
      }
    }
  });
}

void adaptive_avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g) {
  for_each_plane(g, g.in_plane() + g.out_plane(), [&](long p) {
    const float* src = grad_out + p * g.out_plane();
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    for (long oh = 0; oh < g.out_height; ++oh) {
      long h0 = adaptive_start(oh, g.in_height, g.out_height), h1 = adaptive_end(oh, g.in_height, g.out_height);
      for (long ow = 0; ow < g.out_width; ++ow) {
        long w0 = adaptive_start(ow, g.in_width, g.out_width), w1 = adaptive_end(ow, g.in_width, g.out_width);
        float share = static_cast<float>(src[oh * g.out_width + ow] / static_cast<double>((h1 - h0) * (w1 - w0)));
        for (long ih = h0; ih < h1; ++ih) {
          for (long iw = w0; iw < w1; ++iw) dst[ih * g.in_width + iw] += share;
        }
      }
    }
  });
}

}  // namespace lantern
