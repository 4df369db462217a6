// AVX-512 depthwise kernels: up to four vectors (64 outputs) of an output row stay in registers
// across all kernel taps, so each tap costs one load and one FMA per vector rather than a load, an
// FMA and a store through L1 as in the portable loop.
#include "conv_depthwise.h"
#include "cpu.h"
#include "lanes.h"

#if LANTERN_X86
#include <immintrin.h>

#include <algorithm>

namespace lantern {
namespace {

// NV vectors of one output row of a phase-split plane; the block covers `left` outputs.
template <int NV>
LANTERN_TARGET_AVX512 inline void phase_block(const float* base, const long* offsets, const float* weights, long taps,
                                              float bias, long left, const Clamp& clamp, float* dst) {
  __mmask16 mask[NV];
  for (int v = 0; v < NV; ++v) mask[v] = lanes(0, left - 16 * v);
  __m512 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm512_set1_ps(bias);
  for (long t = 0; t < taps; ++t) {
    const float* src = base + offsets[t];
    __m512 w = _mm512_set1_ps(weights[t]);
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(mask[v], src + 16 * v), acc[v]);
  }
  if (clamp.on) {
    const __m512 lo = _mm512_set1_ps(clamp.lo), hi = _mm512_set1_ps(clamp.hi);
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[v]));  // NaN passes through
  }
  for (int v = 0; v < NV; ++v) _mm512_mask_storeu_ps(dst + 16 * v, mask[v], acc[v]);
}

// NV vectors of output row oh from the unpadded image, columns [ow, ow + 16 * NV). masks[kw][v]
// keeps the lanes whose output is wanted and whose input column lies inside the row; masked-off
// lanes are never read, so the loads may start before or run past the row.
template <int NV>
LANTERN_TARGET_AVX512 void unit_stride_block(const float* image, const ConvGeometry& g, const float* weights,
                                             float bias, long oh, long ow, const __mmask16 (*masks)[4], const Clamp& clamp,
                                             float* dst) {
  __m512 acc[NV];
  for (int v = 0; v < NV; ++v) acc[v] = _mm512_set1_ps(bias);
  for (long kh = 0; kh < g.kernel_height; ++kh) {
    long ih = oh - g.pad_top + kh * g.dilation_h;
    if (ih < 0 || ih >= g.in_height) continue;
    const float* row = image + ih * g.in_width + ow - g.pad_left;
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      const float* src = row + kw * g.dilation_w;
      __m512 w = _mm512_set1_ps(weights[kh * g.kernel_width + kw]);
      for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(masks[kw][v], src + 16 * v), acc[v]);
    }
  }
  __mmask16 out_mask[NV];
  for (int v = 0; v < NV; ++v) out_mask[v] = lanes(0, g.out_width - ow - 16 * v);
  if (clamp.on) {
    const __m512 lo = _mm512_set1_ps(clamp.lo), hi = _mm512_set1_ps(clamp.hi);
    for (int v = 0; v < NV; ++v) acc[v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[v]));  // NaN passes through
  }
  for (int v = 0; v < NV; ++v) _mm512_mask_storeu_ps(dst + 16 * v, out_mask[v], acc[v]);
}

}  // namespace

LANTERN_TARGET_AVX512 void depthwise_plane_avx512(const PhasePlane& in, const ConvGeometry& g, const long* offsets,
                                                  const float* weights, float bias, const Clamp& clamp, float* out) {
  const long taps = g.kernel_height * g.kernel_width, row_step = g.stride_h * in.stride * in.phase_len;
  for (long oh = 0; oh < g.out_height; ++oh) {
    const float* base = in.data + oh * row_step;
    float* row = out + oh * g.out_width;
    for (long ow = 0; ow < g.out_width; ow += 64) {
      long left = g.out_width - ow;
      switch (std::min(4L, (left + 15) / 16)) {
        case 4: phase_block<4>(base + ow, offsets, weights, taps, bias, left, clamp, row + ow); break;
        case 3: phase_block<3>(base + ow, offsets, weights, taps, bias, left, clamp, row + ow); break;
        case 2: phase_block<2>(base + ow, offsets, weights, taps, bias, left, clamp, row + ow); break;
        default: phase_block<1>(base + ow, offsets, weights, taps, bias, left, clamp, row + ow); break;
      }
    }
  }
}

LANTERN_TARGET_AVX512 void depthwise_unit_stride_avx512(const float* image, const ConvGeometry& g,
                                                        const float* weights, float bias, const Clamp& clamp,
                                                        float* out) {
  constexpr long kMaxWidth = 16;  // kernel widths up to 16 keep their masks on the stack
  __mmask16 masks[kMaxWidth][4];
  for (long ow = 0; ow < g.out_width; ow += 64) {
    long left = g.out_width - ow;
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      long first = ow - g.pad_left + kw * g.dilation_w;  // input column of lane 0 of vector 0
      for (int v = 0; v < 4; ++v) {
        long lane0 = first + 16 * v;
        masks[kw][v] = lanes(-lane0, std::min(g.in_width - lane0, left - 16 * v));
      }
    }
    int vectors = static_cast<int>(std::min(4L, (left + 15) / 16));
    for (long oh = 0; oh < g.out_height; ++oh) {
      float* dst = out + oh * g.out_width + ow;
      switch (vectors) {
        case 4: unit_stride_block<4>(image, g, weights, bias, oh, ow, masks, clamp, dst); break;
        case 3: unit_stride_block<3>(image, g, weights, bias, oh, ow, masks, clamp, dst); break;
        case 2: unit_stride_block<2>(image, g, weights, bias, oh, ow, masks, clamp, dst); break;
        default: unit_stride_block<1>(image, g, weights, bias, oh, ow, masks, clamp, dst); break;
      }
    }
  }
}

// Sixteen outputs of a 3x3 stride-2 row at a time, from input columns c0 .. c0 + 32 of the three
// input rows: the taps kw = 0, 1, 2 read the even columns, the odd ones and the even ones shifted by
// one, which two-source permutes pull out of the loaded vectors in registers. The nine weights and
// the column masks (the same for every row) are set up once per plane.
LANTERN_TARGET_AVX512 void depthwise_3x3_stride2_avx512(const float* image, const ConvGeometry& g, const float* weights,
                                                        float bias, const Clamp& clamp, float* out) {
  // Column 2j, 2j + 1 and 2j + 2 of the 32 loaded from v0 and v1 (index 16.. selects v1).
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  const __m512i shifted = _mm512_set_epi32(0, 30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2);
  const long in_height = g.in_height, in_width = g.in_width, out_width = g.out_width;
  const __m512 floor = _mm512_set1_ps(clamp.on ? clamp.lo : -__builtin_inff());
  const __m512 ceiling = _mm512_set1_ps(clamp.on ? clamp.hi : __builtin_inff());
  const __m512 b = _mm512_set1_ps(bias);
  __m512 w[9];
  for (int t = 0; t < 9; ++t) w[t] = _mm512_set1_ps(weights[t]);
  constexpr long kChunks = 16;  // 256 outputs per pass along a row: masks for that many on the stack
  // Input rows are fetched this far ahead: a layer's input has usually left L2 (MobileNetV2's
  // 96x112x112 at batch 8 is 38 MB), and the hardware prefetcher restarts at every 4 KB page.
  // Measured after the pointwise layer that feeds it: 3.37 -> 2.2 ms at batch 8.
  constexpr long kAheadRows = 10;
  __mmask16 load[kChunks][3], store[kChunks];
  for (long ow0 = 0; ow0 < out_width; ow0 += 16 * kChunks) {
    const long chunks = std::min(kChunks, (out_width - ow0 + 15) / 16);
    for (long k = 0; k < chunks; ++k) {
      const long c0 = 2 * (ow0 + 16 * k) - g.pad_left;
      for (int v = 0; v < 3; ++v) load[k][v] = lanes(-(c0 + 16 * v), in_width - (c0 + 16 * v));
      load[k][2] &= 1;  // only column c0 + 32 is read from the third vector
      store[k] = lanes(0, out_width - ow0 - 16 * k);
    }
    for (long oh = 0; oh < g.out_height; ++oh) {
      const long ih0 = 2 * oh - g.pad_top;
      const long kh_lo = std::max(0L, -ih0), kh_hi = std::min(3L, in_height - ih0);
      float* dst = out + oh * out_width + ow0;
      for (long k = 0; k < chunks; ++k) {
        // The two input rows that output row oh + kAheadRows / 2 adds, fetched ahead (past the
        // plane's end they are the next plane's first rows, which the caller reads next), and
        // that output row, for writing.
        const float* ahead = image + (ih0 + kAheadRows) * in_width + 2 * (ow0 + 16 * k);
        _mm_prefetch(reinterpret_cast<const char*>(ahead), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(ahead + 16), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(ahead + in_width), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(ahead + in_width + 16), _MM_HINT_T0);
        __builtin_prefetch(dst + (kAheadRows / 2) * out_width + 16 * k, 1, 3);
        __builtin_prefetch(dst + (kAheadRows / 2) * out_width + 16 * k + 15, 1, 3);
        __m512 acc = b;
        for (long kh = kh_lo; kh < kh_hi; ++kh) {
          const float* row = image + (ih0 + kh) * in_width + 2 * (ow0 + 16 * k) - g.pad_left;
          __m512 v0 = _mm512_maskz_loadu_ps(load[k][0], row), v1 = _mm512_maskz_loadu_ps(load[k][1], row + 16);
          __m512 v2 = _mm512_maskz_loadu_ps(load[k][2], row + 32);
          __m512 next = _mm512_mask_permutexvar_ps(_mm512_permutex2var_ps(v0, shifted, v1), 0x8000, _mm512_setzero_si512(), v2);
          acc = _mm512_fmadd_ps(w[3 * kh], _mm512_permutex2var_ps(v0, even, v1), acc);
          acc = _mm512_fmadd_ps(w[3 * kh + 1], _mm512_permutex2var_ps(v0, odd, v1), acc);
          acc = _mm512_fmadd_ps(w[3 * kh + 2], next, acc);
        }
        // max(floor, acc) and min(ceiling, .) return acc when it is NaN, as PyTorch's clamp.
        acc = _mm512_min_ps(ceiling, _mm512_max_ps(floor, acc));
        _mm512_mask_storeu_ps(dst + 16 * k, store[k], acc);
      }
    }
  }
}

// Planes whose output rows are at most 7 wide (MobileNetV2's 576x14x14 -> 7x7): a row fills
// under half a vector, so each vector holds two output rows, lanes 0-7 and 8-15, and one
// two-source permute per tap picks the even, odd or shifted columns of both rows' input rows.
// The two rows are stored with a compress, since they lie one after the other in the plane.
// Columns [c0, c0 + 16) of input row ih, as `load` keeps them; zero outside the image.
LANTERN_TARGET_AVX512 static inline __m512 narrow_row(const float* image, const ConvGeometry& g, long ih, long c0, __mmask16 load) {
  return ih >= 0 && ih < g.in_height ? _mm512_maskz_loadu_ps(load, image + ih * g.in_width + c0) : _mm512_setzero_ps();
}

bool depthwise_3x3_stride2_narrow(const ConvGeometry& g) {
  return g.out_width <= 7 && g.pad_left >= 0 && g.pad_left <= 1;
}

LANTERN_TARGET_AVX512 void depthwise_3x3_stride2_narrow_avx512(const float* image, const ConvGeometry& g,
                                                               const float* weights, float bias, const Clamp& clamp,
                                                               float* out) {
  // Lane i < 8 takes column 2i (+1, +2) of the first row's 16 loaded columns, lane 8 + i the same
  // column of the second row's (index 16 + ...).
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512i shifted = _mm512_setr_epi32(2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 0);
  const long width = g.out_width, in_width = g.in_width, c0 = -g.pad_left;
  // Columns c0 .. c0 + 2 * width are read (at most 15), those inside the image.
  const __mmask16 load = lanes(-c0, std::min(in_width - c0, 2 * width + 1));
  const __mmask16 keep = static_cast<__mmask16>(((1u << width) - 1) * 0x0101u);
  const __m512 floor = _mm512_set1_ps(clamp.on ? clamp.lo : -__builtin_inff());
  const __m512 ceiling = _mm512_set1_ps(clamp.on ? clamp.hi : __builtin_inff());
  __m512 w[9];
  for (int t = 0; t < 9; ++t) w[t] = _mm512_set1_ps(weights[t]);
  // The plane a few ahead (planes follow one another in memory; past the end of the batch the
  // fetches are dropped): a plane takes far less time than a line takes to come from memory.
  constexpr long kAheadPlanes = 4;
  const float* ahead = image + kAheadPlanes * g.in_plane();
  for (long at = 0; at < g.in_plane(); at += 16) _mm_prefetch(reinterpret_cast<const char*>(ahead + at), _MM_HINT_T0);
  for (long oh = 0; oh < g.out_height; oh += 2) {
    const bool pair = oh + 1 < g.out_height;
    const long ih = 2 * oh - g.pad_top;
    __m512 acc = _mm512_set1_ps(bias);
    for (int kh = 0; kh < 3; ++kh) {
      const __m512 first = narrow_row(image, g, ih + kh, c0, load);
      const __m512 second = pair ? narrow_row(image, g, ih + 2 + kh, c0, load) : _mm512_setzero_ps();
      acc = _mm512_fmadd_ps(w[3 * kh], _mm512_permutex2var_ps(first, even, second), acc);
      acc = _mm512_fmadd_ps(w[3 * kh + 1], _mm512_permutex2var_ps(first, odd, second), acc);
      acc = _mm512_fmadd_ps(w[3 * kh + 2], _mm512_permutex2var_ps(first, shifted, second), acc);
    }
    acc = _mm512_min_ps(ceiling, _mm512_max_ps(floor, acc));  // NaN passes through
    const long count = (pair ? 2 : 1) * width;
    _mm512_mask_storeu_ps(out + oh * width, lanes(0, count), _mm512_maskz_compress_ps(keep, acc));
  }
}

}  // namespace lantern
#endif
