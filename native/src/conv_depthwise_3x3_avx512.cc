// AVX-512 depthwise 3x3 convolution at unit stride and dilation (MobileNet's and EfficientNet's
// layers), read in place from the unpadded input. A 14x14 plane is 126 vector FMAs and a 7x7 one
// 36, so what matters is the work around them: the nine weights, the bias and the clamp bounds are
// loaded once per plane, and the masks that stand in for the zero padding once per layer.
#include <algorithm>
#include <cstdint>

#include "conv_depthwise.h"
#include "cpu.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

// Bits [lo, hi) of a 16-lane mask, clipped to the vector.
uint16_t lane_range(long lo, long hi) {
  lo = std::max(lo, 0L);
  hi = std::min(hi, 16L);
  return hi <= lo ? 0 : static_cast<uint16_t>(((1u << hi) - 1) & ~((1u << lo) - 1));
}

// Output rows [lo, hi) read input row r + kh - pad_top inside the image.
void rows_inside(const ConvGeometry& g, long kh, long* lo, long* hi) {
  *lo = std::max(0L, g.pad_top - kh);
  *hi = std::min(g.out_height, g.in_height + g.pad_top - kh);
}

// GCC keeps loop-invariant masks in general registers and copies each into a mask register at
// every use, a quarter more instructions in the inner loops; an empty asm that claims to update the
// mask in a mask register, called inside the loop, keeps it there.
inline void hold_in_mask_register(__mmask16& mask) { __asm__("" : "+Yk"(mask)); }

// What every tap of a plane needs in vector registers.
struct Registers {
  __m512 w[9], bias, lo, hi;
};

template <bool kClamp>
LANTERN_TARGET_AVX512 inline __m512 finish(__m512 acc, const Registers& r) {
  // max(lo, acc) rather than max(acc, lo): the second operand is what a NaN lets through.
  return kClamp ? _mm512_min_ps(r.hi, _mm512_max_ps(r.lo, acc)) : acc;
}

// Adds the three column taps of one input row (at src, lane 0 at column -1 of its segment) to
// output row j (kernel row 0) in n, row j - 1 (kernel row 1) in p and row j - 2 (kernel row 2) in
// q. Callers pass constant flags where they can, so the checks fold away.
LANTERN_TARGET_AVX512 __attribute__((always_inline)) inline void add_row(const float* src, const __mmask16* load,
                                                                         const Registers& r, bool to_n, bool to_p,
                                                                         bool to_q, __m512& n, __m512& p, __m512& q) {
  for (int kw = 0; kw < 3; ++kw) {
    __m512 x = _mm512_maskz_loadu_ps(load[kw], src + kw);
    if (to_n) n = _mm512_fmadd_ps(r.w[kw], x, n);
    if (to_p) p = _mm512_fmadd_ps(r.w[3 + kw], x, p);
    if (to_q) q = _mm512_fmadd_ps(r.w[6 + kw], x, q);
  }
}

// Step j of a segment reads input row j - pad_top once (src) and completes output row j - 2 (dst):
// n starts row j, p holds row j - 1 and q row j - 2, after which they move down one row. Inner
// steps have an input row and three output rows; edge steps check which exist.
template <bool kClamp, bool kInner>
LANTERN_TARGET_AVX512 __attribute__((always_inline)) inline void segment_step(
    const float* src, float* dst, const __mmask16* load, __mmask16 store, const ConvGeometry& g, const Registers& r,
    long j, __m512& p, __m512& q) {
  __m512 n = r.bias;
  const long ih = j - g.pad_top;
  if (kInner) add_row(src, load, r, true, true, true, n, p, q);
  else if (ih >= 0 && ih < g.in_height)
    add_row(src, load, r, j < g.out_height, j >= 1 && j <= g.out_height, j >= 2, n, p, q);
  if (kInner || j >= 2) _mm512_mask_storeu_ps(dst, store, finish<kClamp>(q, r));
  q = p;
  p = n;
}

// Rows fetched ahead down a segment: the input rows this segment reads and, for writing, the
// output rows it stores. A layer's input and output have left the cache at batch 8 (MobileNetV2's
// 32x112x112 is 12.8 MB each), and a store to a line not in cache waits for it to be read first.
// In the model at batch 8: 3.2 -> 2.3 ms (32x112x112) and 3.3 -> 2.5 ms (144x56x56).
constexpr long kRowsAhead = 8;

// Wide planes, one 16-column segment at a time down the plane, so that an output vector costs
// three loads and nine FMAs. The inner steps go three at a time, so the accumulators trade roles
// without moves.
template <bool kClamp>
LANTERN_TARGET_AVX512 void plane_by_segments(const float* image, const ConvGeometry& g, const Depthwise3x3Plan& plan,
                                             const Registers& r, float* out) {
  const long in_width = g.in_width, out_width = g.out_width, steps = g.out_height + 2;
  const long inner_begin = std::min(std::max(2L, g.pad_top), steps);
  const long inner_end = std::max(inner_begin, std::min(g.out_height, g.in_height + g.pad_top));
  for (size_t i = 0; 4 * i < plan.masks.size(); ++i) {
    const uint16_t* m = &plan.masks[4 * i];
    __mmask16 load[3] = {m[0], m[1], m[2]}, store = m[3];
    const long ow = 16 * static_cast<long>(i);
    // Step 0 reads input row -pad_top and completes output row -2.
    const float* src = image + ow - g.pad_left - g.pad_top * in_width;
    float* dst = out + ow - 2 * out_width;
    __m512 p = r.bias, q = r.bias;
    long j = 0;
    for (; j < inner_begin; ++j, src += in_width, dst += out_width) {
      segment_step<kClamp, false>(src, dst, load, store, g, r, j, p, q);
    }
    for (; j + 3 <= inner_end; j += 3, src += 3 * in_width, dst += 3 * out_width) {
      for (__mmask16& k : load) hold_in_mask_register(k);
      hold_in_mask_register(store);
      for (int a = 0; a < 3; ++a) {
        const float* in_ahead = src + (kRowsAhead + a) * in_width;
        const float* out_ahead = dst + (kRowsAhead + a) * out_width;
        _mm_prefetch(reinterpret_cast<const char*>(in_ahead), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(in_ahead + 17), _MM_HINT_T0);
        __builtin_prefetch(out_ahead, 1, 3);
        __builtin_prefetch(out_ahead + 15, 1, 3);
      }
      // Rows j - 2, j - 1 and j are completed from q, p and n in turn, each register starting
      // the row three below once stored.
      __m512 n = r.bias;
      add_row(src, load, r, true, true, true, n, p, q);
      _mm512_mask_storeu_ps(dst, store, finish<kClamp>(q, r));
      q = r.bias;
      add_row(src + in_width, load, r, true, true, true, q, n, p);
      _mm512_mask_storeu_ps(dst + out_width, store, finish<kClamp>(p, r));
      p = r.bias;
      add_row(src + 2 * in_width, load, r, true, true, true, p, q, n);
      _mm512_mask_storeu_ps(dst + 2 * out_width, store, finish<kClamp>(n, r));
    }
    for (; j < inner_end; ++j, src += in_width, dst += out_width) {
      segment_step<kClamp, true>(src, dst, load, store, g, r, j, p, q);
    }
    for (; j < steps; ++j, src += in_width, dst += out_width) {
      segment_step<kClamp, false>(src, dst, load, store, g, r, j, p, q);
    }
  }
}

// Mask t of flat vector v (tap t < 9, or 9 for the store).
inline __mmask16 flat_mask(const Depthwise3x3Plan& plan, long v, int t) { return plan.masks[10 * v + t]; }

// One flat vector: tap t = 3 kh + kw reads src + kh * width + kw under load[t].
template <bool kClamp>
LANTERN_TARGET_AVX512 __attribute__((always_inline)) inline void flat_vector(const float* src, long width, float* dst,
                                                                             const __mmask16* load, __mmask16 store,
                                                                             const Registers& r) {
  // One partial sum per kernel row keeps the dependent chain three FMAs long.
  __m512 acc[3];
  for (int kh = 0; kh < 3; ++kh) {
    acc[kh] = kh == 0 ? r.bias : _mm512_setzero_ps();
    for (int kw = 0; kw < 3; ++kw) {
      __m512 x = _mm512_maskz_loadu_ps(load[3 * kh + kw], src + kh * width + kw);
      acc[kh] = _mm512_fmadd_ps(r.w[3 * kh + kw], x, acc[kh]);
    }
  }
  _mm512_mask_storeu_ps(dst, store, finish<kClamp>(_mm512_add_ps(_mm512_add_ps(acc[0], acc[1]), acc[2]), r));
}

// Flat vector v at the top or bottom of the plane, with every tap's mask from the plan.
template <bool kClamp>
LANTERN_TARGET_AVX512 inline void edge_vector(const float* src, long width, float* out, const Depthwise3x3Plan& plan,
                                              long v, const Registers& r) {
  __mmask16 load[9];
  for (int t = 0; t < 9; ++t) load[t] = flat_mask(plan, v, t);
  const long offset = v * plan.rows * width;
  flat_vector<kClamp>(src + offset, width, out + offset, load, flat_mask(plan, v, 9), r);
}

// Narrow planes (out_width <= 8, as wide as the input): plan.rows whole output rows share a
// vector, so the input's flat layout serves every tap with one load at a fixed offset. Vectors
// away from the top and bottom need only the three column masks, kept in registers; the others
// read theirs from the plan.
template <bool kClamp>
LANTERN_TARGET_AVX512 void plane_by_rows(const float* image, const ConvGeometry& g, const Depthwise3x3Plan& plan,
                                         const Registers& r, float* out) {
  const long width = g.out_width, step = plan.rows * width, vectors = static_cast<long>(plan.masks.size() / 10);
  const float* src = image - g.pad_top * width - g.pad_left;
  long v = 0;
  for (; v < plan.inner_begin; ++v) edge_vector<kClamp>(src, width, out, plan, v, r);
  if (v < plan.inner_end) {
    __mmask16 c0 = flat_mask(plan, v, 0), c1 = flat_mask(plan, v, 1), c2 = flat_mask(plan, v, 2);
    __mmask16 store = flat_mask(plan, v, 9);
    for (; v < plan.inner_end; ++v) {
      for (__mmask16* k : {&c0, &c1, &c2, &store}) hold_in_mask_register(*k);
      const __mmask16 load[9] = {c0, c1, c2, c0, c1, c2, c0, c1, c2};
      flat_vector<kClamp>(src + v * step, width, out + v * step, load, store, r);
    }
  }
  for (; v < vectors; ++v) edge_vector<kClamp>(src, width, out, plan, v, r);
}

template <bool kClamp>
LANTERN_TARGET_AVX512 void planes(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                                  const Depthwise3x3Plan& plan, const Clamp& clamp, long begin, long end) {
  const long og = g.group_out();
  Registers r;
  r.lo = _mm512_set1_ps(clamp.lo);
  r.hi = _mm512_set1_ps(clamp.hi);
  // Input plane `plane` feeds output planes plane * og + o, of channel oc = plane % in_channels * og
  // + o; oc is counted, not divided out per plane (a 64-bit division is tens of cycles, a whole 7x7
  // plane about a hundred).
  long oc = begin % g.in_channels * og;
  for (long plane = begin; plane < end; ++plane) {
    const float* image = x + plane * g.in_plane();
    for (long o = 0; o < og; ++o, ++oc) {
      if (oc == g.out_channels) oc = 0;
      for (int t = 0; t < 9; ++t) r.w[t] = _mm512_set1_ps(w[oc * 9 + t]);
      r.bias = _mm512_set1_ps(bias ? bias[oc] : 0.0f);
      float* dst = out + (plane * og + o) * g.out_plane();
      if (plan.rows > 1) plane_by_rows<kClamp>(image, g, plan, r, dst);
      else plane_by_segments<kClamp>(image, g, plan, r, dst);
    }
  }
}

}  // namespace

bool depthwise_3x3_suits(const ConvGeometry& g) {
  return g.kernel_height == 3 && g.kernel_width == 3 && g.unit_stride() && g.dilation_h == 1 && g.dilation_w == 1;
}

Depthwise3x3Plan depthwise_3x3_plan(const ConvGeometry& g) {
  Depthwise3x3Plan plan{1, 0, 0, {}};
  const long width = g.out_width;
  if (width >= 1 && width <= 8 && g.in_width == width) {
    plan.rows = 16 / width;
    for (long r0 = 0; r0 < g.out_height; r0 += plan.rows) {
      const long r1 = std::min(r0 + plan.rows, g.out_height);
      // Inner vectors: full, and every tap of every row inside the image.
      if (r1 - r0 == plan.rows && r0 >= g.pad_top && r1 + 2 - g.pad_top <= g.in_height) {
        if (plan.inner_end <= plan.inner_begin) plan.inner_begin = r0 / plan.rows;
        plan.inner_end = r0 / plan.rows + 1;
      }
      for (long kh = 0; kh < 3; ++kh) {
        long lo, hi;
        rows_inside(g, kh, &lo, &hi);
        const uint16_t rows = lane_range((std::max(lo, r0) - r0) * width, (std::min(hi, r1) - r0) * width);
        for (long kw = 0; kw < 3; ++kw) {
          // In every row, the lanes whose input column ow + kw - pad_left lies inside [0, width).
          uint16_t columns = 0;
          for (long k = 0; k < plan.rows; ++k) {
            columns |= lane_range(k * width + g.pad_left - kw, k * width + width + g.pad_left - kw) &
                       lane_range(k * width, k * width + width);
          }
          plan.masks.push_back(rows & columns);
        }
      }
      plan.masks.push_back(lane_range(0, (r1 - r0) * width));
    }
    return plan;
  }
  for (long ow = 0; ow < width; ow += 16) {
    for (long kw = 0; kw < 3; ++kw) {
      // Lane i reads input column ow + i - pad_left + kw.
      const long first = ow - g.pad_left + kw;
      plan.masks.push_back(lane_range(-first, std::min(g.in_width - first, width - ow)));
    }
    plan.masks.push_back(lane_range(0, width - ow));
  }
  return plan;
}

LANTERN_TARGET_AVX512 void depthwise_3x3_avx512(const float* x, const float* w, const float* bias, float* out,
                                                const ConvGeometry& g, const Depthwise3x3Plan& plan,
                                                const Clamp& clamp, long begin, long end) {
  if (clamp.on) planes<true>(x, w, bias, out, g, plan, clamp, begin, end);
  else planes<false>(x, w, bias, out, g, plan, clamp, begin, end);
}

}  // namespace lantern
#endif
