// AVX-512 tiles that hold output channels in the vector lanes (MR positions x NV vectors of 16
// channels), as the 1x1 (conv_pointwise_avx512.cc), stem (conv_direct_avx512.cc) and inverted
// residual (inverted_residual_avx512.cc) kernels compute them: each k step broadcasts MR inputs
// against NV vectors of weights, and the tile is stored transposed in registers into each
// channel's run of MR positions, with the residual and the clamp applied on the way.
#pragma once

#include "conv.h"
#include "cpu.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {

// Where a tile goes: its first position of its first channel, channels `stride` floats apart.
struct LaneStore {
  float* out;
  const float* residual;  // the same place in the residual, or null
  long stride;
  int channels;           // channels that exist in this block (<= 16 * NV)
  int positions;          // positions that exist in this tile (<= MR)
  const Epilogue* clamp;  // null without an activation
};

// Every accumulator of a tile set to its lane's bias (bias: 16 * NV values).
template <int MR, int NV>
LANTERN_TARGET_AVX512 inline void lane_tile_bias(__m512 (&acc)[MR][NV], const float* bias) {
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    const __m512 b = _mm512_loadu_ps(bias + 16 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) acc[i][v] = b;
  }
}

// One k step: acc[i][v] += x[i * stride] * w[16 v, 16 v + 16).
template <int MR, int NV>
LANTERN_TARGET_AVX512 inline void lane_tile_step(__m512 (&acc)[MR][NV], const float* x, long stride, const float* w) {
  __m512 wv[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) wv[v] = _mm512_loadu_ps(w + 16 * v);
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    const __m512 xi = _mm512_set1_ps(x[i * stride]);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(xi, wv[v], acc[i][v]);
  }
}

// Positions per tile for NV vectors of channels: 28 or so accumulators (7 x 4, 8 x 3, 14 x 2, 16 x 1).
inline int lane_tile_positions(int vectors) { return vectors == 4 ? 7 : vectors == 3 ? 8 : vectors == 2 ? 14 : 16; }

namespace lane_store_detail {

// rows[0..8) hold 8 positions x 16 channels; afterwards cols[e] holds channel e in its low half and
// channel 4 + e in its high half, cols[4 + e] channels 8 + e and 12 + e, each as 8 positions.
LANTERN_TARGET_AVX512 inline void transpose_8x16(const __m512 (&rows)[8], __m512 (&cols)[8]) {
  __m512 t[8], u[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(rows[2 * i], rows[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(rows[2 * i], rows[2 * i + 1]);
  }
  // u[e] (e < 4): in 128-bit lane L, positions 0-3 of channel 4L + e; u[4 + e]: positions 4-7.
  for (int h = 0; h < 2; ++h) {
    u[4 * h + 0] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], 0x44);
    u[4 * h + 1] = _mm512_shuffle_ps(t[4 * h + 0], t[4 * h + 2], 0xEE);
    u[4 * h + 2] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
    u[4 * h + 3] = _mm512_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
  }
  const __m512i low_lanes = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
  const __m512i high_lanes = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
  for (int e = 0; e < 4; ++e) {
    cols[e] = _mm512_permutex2var_ps(u[e], low_lanes, u[4 + e]);
    cols[4 + e] = _mm512_permutex2var_ps(u[e], high_lanes, u[4 + e]);
  }
}

// Stores the lanes of v that mask keeps, positions of one channel: the residual added, then
// clamped (NaN passes through) when `late_clamp` (without a residual the tile was clamped before).
LANTERN_TARGET_AVX512 inline void store_positions(__m512 v, long channel, __mmask16 mask, const LaneStore& t,
                                                  bool late_clamp) {
  if (t.residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, t.residual + channel * t.stride));
  if (late_clamp) v = _mm512_min_ps(_mm512_set1_ps(t.clamp->hi), _mm512_max_ps(_mm512_set1_ps(t.clamp->lo), v));
  _mm512_mask_storeu_ps(t.out + channel * t.stride, mask, v);
}

// Rows [p0, p0 + 8) of vector v of the tile (zero past MR), transposed (see transpose_8x16).
template <int MR, int NV>
LANTERN_TARGET_AVX512 inline void transpose_group(const __m512 (&acc)[MR][NV], int p0, int v, __m512 (&cols)[8]) {
  __m512 rows[8];
#pragma GCC unroll 8
  for (int i = 0; i < 8; ++i) rows[i] = p0 + i < MR ? acc[p0 + i < MR ? p0 + i : 0][v] : _mm512_setzero_ps();
  transpose_8x16(rows, cols);
}

}  // namespace lane_store_detail

template <int MR, int NV>
LANTERN_TARGET_AVX512 inline void store_lane_tile(__m512 (&acc)[MR][NV], const LaneStore& t) {
  using namespace lane_store_detail;
  static_assert(MR <= 16, "a tile's positions fit in one vector per channel");
  // Without a residual the clamp commutes with the transpose: applied to the MR * NV accumulators
  // here rather than to every channel's stored vector.
  const bool late_clamp = t.clamp && t.residual;
  if (t.clamp && !t.residual) {
    const __m512 lo = _mm512_set1_ps(t.clamp->lo), hi = _mm512_set1_ps(t.clamp->hi);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_min_ps(hi, _mm512_max_ps(lo, acc[i][v]));
    }
  }
  const __mmask16 mask = static_cast<__mmask16>((1u << t.positions) - 1);
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    __m512 first[8], second[8];
    // Groups of 8 positions; with two, each channel's halves are joined into one vector and one
    // store (lanes 0-7 from the first group, 8-15 from the second).
    transpose_group<MR, NV>(acc, 0, v, first);
    if (MR > 8) transpose_group<MR, NV>(acc, 8, v, second);
#pragma GCC unroll 8
    for (int q = 0; q < 8; ++q) {
      const long low = 16 * v + (q < 4 ? q : 8 + q - 4), high = low + 4;
      const __m512 low_values = MR > 8 ? _mm512_shuffle_f32x4(first[q], second[q], 0x44) : first[q];
      const __m512 high_values = _mm512_shuffle_f32x4(first[q], MR > 8 ? second[q] : first[q], 0xEE);
      if (low < t.channels) store_positions(low_values, low, mask, t, late_clamp);
      if (high < t.channels) store_positions(high_values, high, mask, t, late_clamp);
    }
  }
}

}  // namespace lantern
#endif
