// AVX-512 max pooling without argmax (inference). Each input row is first copied into `stride`
// phases (phase q holds the padded columns q, q + stride, ...) with -inf as padding, so that every
// kernel tap of 16 outputs is one plain load and one vector max. The copies live in a ring of as
// many rows as a window spans, small enough to stay in L1. Taps run in the reference's scan order
// (window rows, then columns) and max(x, best) keeps `best` on ties, so even the sign of a zero
// maximum matches the reference.
#include "pool.h"
#include "cpu.h"
#include "lanes.h"
#include "scratch.h"

#if LANTERN_X86
#include <immintrin.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace lantern {
namespace {

// Input rows are fetched this many rows ahead of the one being copied: a layer's input (ResNet's
// stem output, 3.2 MB at batch 1) lies in L3 or memory, and each row is too short for the hardware
// prefetcher to get ahead of. 3x3/2 over 64x112x112, in ResNet-18 at batch 1: 250-284 -> 192-199 us.
constexpr long kRowsAhead = 4;

// Layout of one phase-split row: phase q starts at q * phase_len, and offsets[kw] is where tap kw
// of output column 0 reads (padded column kw * dilation lies in phase (kw * dilation) % stride at
// index (kw * dilation) / stride).
struct PhasePlan {
  long phase_len, pitch;
  std::vector<long> offsets;
  // Which lanes of each 16-column load of an input row lie inside it, for the stride 1 and 2 copies.
  std::vector<__mmask16> inside;
};

PhasePlan phase_plan(const PoolGeometry& g) {
  PhasePlan plan;
  const long blocks = (g.out_width + 15) / 16, span = (g.kernel_width - 1) * g.dilation_w;
  // Loads reach index 16 * blocks - 1 + span / stride of a phase; a multiple of 16 keeps rows aligned.
  plan.phase_len = (16 * blocks + span / g.stride_w + 15) / 16 * 16;
  plan.pitch = g.stride_w * plan.phase_len;
  for (long kw = 0; kw < g.kernel_width; ++kw) {
    long t = kw * g.dilation_w;
    plan.offsets.push_back(t % g.stride_w * plan.phase_len + t / g.stride_w);
  }
  for (long c = -g.pad_left; c < plan.pitch - g.pad_left; c += 16) plan.inside.push_back(lanes(-c, g.in_width - c));
  return plan;
}

// Copies input row `src` into its phases at `dst` and reports whether it holds a NaN.
template <int Stride>
LANTERN_TARGET_AVX512 bool split_row(const float* src, const PoolGeometry& g, const PhasePlan& plan, float* dst) {
  const __m512 padding = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  const float* padded = src - g.pad_left;  // padded column 0; loads mask off what lies outside the row
  const __mmask16* inside = plan.inside.data();
  const long phase_len = plan.phase_len;
  __mmask16 nan = 0;
  if (Stride == 1) {
    for (long j = 0; j < phase_len; j += 16) {
      __m512 v = _mm512_mask_loadu_ps(padding, inside[j / 16], padded + j);
      nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
      _mm512_store_ps(dst + j, v);
    }
  } else if (Stride == 2) {
    const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
    const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
    for (long j = 0; j < phase_len; j += 16) {
      __m512 lo = _mm512_mask_loadu_ps(padding, inside[j / 8], padded + 2 * j);
      __m512 hi = _mm512_mask_loadu_ps(padding, inside[j / 8 + 1], padded + 2 * j + 16);
      nan |= _mm512_cmp_ps_mask(lo, hi, _CMP_UNORD_Q);  // either operand NaN
      _mm512_store_ps(dst + j, _mm512_permutex2var_ps(lo, even, hi));
      _mm512_store_ps(dst + phase_len + j, _mm512_permutex2var_ps(lo, odd, hi));
    }
  } else {
    // Wider strides are rare (no common network max-pools with them): gather each phase.
    const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i step = _mm512_mullo_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(g.stride_w)));
    const __m512i width = _mm512_set1_epi32(static_cast<int32_t>(g.in_width));
    for (long q = 0; q < g.stride_w; ++q) {
      for (long j = 0; j < phase_len; j += 16) {
        // Input column of phase q, index j + lane.
        __m512i col = _mm512_add_epi32(step, _mm512_set1_epi32(static_cast<int32_t>(j * g.stride_w + q - g.pad_left)));
        __mmask16 in = _mm512_cmpge_epi32_mask(col, _mm512_setzero_si512()) & _mm512_cmplt_epi32_mask(col, width);
        __m512 v = _mm512_mask_i32gather_ps(padding, in, col, src, 4);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        _mm512_store_ps(dst + q * phase_len + j, v);
      }
    }
  }
  return nan != 0;
}

// NV vectors (16 * NV outputs from output column ow0) of one output row whose window rows are
// rows[0 .. row_count), kept in registers over all taps. With CheckNaN a lane whose window holds a
// NaN becomes NaN (PyTorch); max_ps alone would drop it, so rows without NaN skip the check.
template <int NV, bool CheckNaN>
LANTERN_TARGET_AVX512 void row_blocks(const float* const* rows, long row_count, const PhasePlan& plan,
                                      const PoolGeometry& g, long ow0, float* dst) {
  __m512 best[NV];
  __mmask16 nan[NV];
  for (int v = 0; v < NV; ++v) best[v] = _mm512_set1_ps(-std::numeric_limits<float>::infinity()), nan[v] = 0;
  for (long r = 0; r < row_count; ++r) {
    for (long kw = 0; kw < g.kernel_width; ++kw) {
      const float* src = rows[r] + plan.offsets[kw] + ow0;
      for (int v = 0; v < NV; ++v) {
        __m512 x = _mm512_loadu_ps(src + 16 * v);
        if (CheckNaN) nan[v] |= _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
        best[v] = _mm512_max_ps(x, best[v]);
      }
    }
  }
  const __m512 quiet_nan = _mm512_set1_ps(std::numeric_limits<float>::quiet_NaN());
  for (int v = 0; v < NV; ++v) {
    const long ow = ow0 + 16 * v;
    if (CheckNaN) best[v] = _mm512_mask_mov_ps(best[v], nan[v], quiet_nan);
    _mm512_mask_storeu_ps(dst + ow, lanes(0, g.out_width - ow), best[v]);
  }
}

template <bool CheckNaN>
LANTERN_TARGET_AVX512 void output_row(const float* const* rows, long row_count, const PhasePlan& plan,
                                      const PoolGeometry& g, float* dst) {
  for (long ow = 0; ow < g.out_width; ow += 64) {
    switch (std::min(4L, (g.out_width - ow + 15) / 16)) {
      case 4: row_blocks<4, CheckNaN>(rows, row_count, plan, g, ow, dst); break;
      case 3: row_blocks<3, CheckNaN>(rows, row_count, plan, g, ow, dst); break;
      case 2: row_blocks<2, CheckNaN>(rows, row_count, plan, g, ow, dst); break;
      default: row_blocks<1, CheckNaN>(rows, row_count, plan, g, ow, dst); break;
    }
  }
}

template <int Stride>
void max_pool_planes(const float* x, float* out, const PoolGeometry& g, const PhasePlan& plan, long begin, long end) {
  // Row ih is copied once, into slot ih % ring, when the first window that needs it comes up; the
  // ring holds every row of one window.
  const long ring = (g.kernel_height - 1) * g.dilation_h + 1;
  float* copies = scratch(ScratchSlot::Padded, static_cast<size_t>(ring * plan.pitch));
  std::vector<char> has_nan(ring);
  std::vector<const float*> rows(g.kernel_height);
  for (long p = begin; p < end; ++p) {
    const float* plane = x + p * g.in_plane();
    long copied = 0;  // rows below this one are (or were) in the ring
    for (long oh = 0; oh < g.out_height; ++oh) {
      const long top = oh * g.stride_h - g.pad_top;
      for (long ih = std::max(copied, std::max(top, 0L)); ih < std::min(top + ring, g.in_height); ++ih) {
        const float* ahead = plane + (ih + kRowsAhead) * g.in_width;
        for (long c = 0; c < g.in_width; c += 16) _mm_prefetch(reinterpret_cast<const char*>(ahead + c), _MM_HINT_T0);
        has_nan[ih % ring] = split_row<Stride>(plane + ih * g.in_width, g, plan, copies + ih % ring * plan.pitch);
        copied = ih + 1;
      }
      long row_count = 0;
      bool check_nan = false;
      for (long kh = 0; kh < g.kernel_height; ++kh) {
        long ih = top + kh * g.dilation_h;
        if (ih < 0 || ih >= g.in_height) continue;
        rows[row_count++] = copies + ih % ring * plan.pitch;
        check_nan |= has_nan[ih % ring] != 0;
      }
      float* dst = out + p * g.out_plane() + oh * g.out_width;
      if (check_nan) output_row<true>(rows.data(), row_count, plan, g, dst);
      else output_row<false>(rows.data(), row_count, plan, g, dst);
    }
  }
}

}  // namespace

void max_pool2d_values_avx512(const float* x, float* out, const PoolGeometry& g, long begin, long end) {
  const PhasePlan plan = phase_plan(g);
  if (g.stride_w == 1) max_pool_planes<1>(x, out, g, plan, begin, end);
  else if (g.stride_w == 2) max_pool_planes<2>(x, out, g, plan, begin, end);
  else max_pool_planes<0>(x, out, g, plan, begin, end);
}

LANTERN_TARGET_AVX512 void global_avg_pool_avx512(const float* x, float* out, long plane, long begin, long end) {
  for (long p = begin; p < end; ++p) {
    const float* src = x + p * plane;
    // 16 lanes of float partial sums (a plane of n values puts n / 16 in each), added up in double.
    __m512 acc = _mm512_setzero_ps();
    long i = 0;
    for (; i + 16 <= plane; i += 16) acc = _mm512_add_ps(acc, _mm512_loadu_ps(src + i));
    if (i < plane) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << (plane - i)) - 1), src + i));
    const __m512d sums = _mm512_add_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(acc)),
                                       _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1))));
    out[p] = static_cast<float>(_mm512_reduce_add_pd(sums) / static_cast<double>(plane));
  }
}

}  // namespace lantern
#endif
