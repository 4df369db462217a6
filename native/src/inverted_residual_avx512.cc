// MobileNetV2's inverted residual block in one pass (see inverted_residual.h). Run as three
// convolutions, the block writes its expanded activations (6x its input: 4.8 MB for the 96-channel
// layer at 112x112) to memory and reads them back twice, and that traffic, not arithmetic, is most
// of the early blocks' time. Here each image goes through in bands of output rows:
//   1. the input rows a band needs are expanded (1x1, clamped), or in blocks without an expansion
//      copied, into a ring of rows held channels-last, so the rows shared with the next band are
//      computed once;
//   2. the depthwise layer reads those rows a vector of 16 channels at a time and writes the band's
//      outputs, channels-last, to a second buffer;
//   3. the projection broadcasts those along its k loop, as the 1x1 kernel does, and stores the
//      band into the NCHW output transposed in registers, adding the shortcut on the way.
// A band is as tall as lets the ring and the depthwise outputs fit in half of L2.
#include "inverted_residual.h"

#include <algorithm>
#include <climits>

#include "cpu.h"
#include "lane_tiles.h"
#include "lanes.h"
#include "scratch.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {

namespace {

// Where each layer's weights sit in the prepared buffer; every section and row is a whole number
// of vectors, so rows stay on cache lines.
struct Layout {
  long cin, cp, co, taps;
  bool expand;
  // Expansion tiles: 14 positions x 32 channels, or 7 x 64 on rows that 14 would pad more (7x7).
  int expand_mr;
  long expand_nr() const { return expand_mr == 14 ? 32 : 64; }
  // Expansion: blocks of expand_nr hidden channels (the last as wide as cp leaves), each its
  // biases then cin rows of weights.
  long expand_blocks() const { return expand ? (cp + expand_nr() - 1) / expand_nr() : 0; }
  long expand_width(long b) const { return std::min(expand_nr(), cp - expand_nr() * b); }
  long expand_offset(long b) const { return b * expand_nr() * (cin + 1); }
  // Depthwise: the biases, then one row of cp weights per tap.
  long depthwise_offset() const {
    return expand ? expand_offset(expand_blocks() - 1) + expand_width(expand_blocks() - 1) * (cin + 1) : 0;
  }
  // Projection: blocks of 4 vectors (64 output channels), the last as many as its channels need,
  // each its biases then cp rows of weights.
  long project_blocks() const { return (co + 63) / 64; }
  int project_vectors(long b) const { return b + 1 < project_blocks() ? 4 : static_cast<int>((co - 64 * b + 15) / 16); }
  long project_offset(long b) const { return depthwise_offset() + (taps + 1) * cp + b * 64 * (cp + 1); }
  long size() const {
    const long last = project_blocks() - 1;
    return project_offset(last) + 16L * project_vectors(last) * (cp + 1);
  }
};

Layout layout_of(const InvertedResidualGeometry& g) {
  const long padded_14 = (g.width + 13) / 14 * 14, padded_7 = (g.width + 6) / 7 * 7;
  return {g.in_channels, g.hidden_padded(), g.out_channels, g.kernel * g.kernel, g.expand, padded_7 < padded_14 ? 7 : 14};
}

}  // namespace

long inverted_residual_prepared_size(const InvertedResidualGeometry& g) { return layout_of(g).size(); }

void inverted_residual_prepare(const float* expand_w, const float* expand_b, const float* depthwise_w,
                               const float* depthwise_b, const float* project_w, const float* project_b,
                               const InvertedResidualGeometry& g, float* dst) {
  const Layout l = layout_of(g);
  std::fill(dst, dst + l.size(), 0.0f);
  float* depthwise = dst + l.depthwise_offset();
  for (long o = 0; o < g.hidden; ++o) {
    if (g.expand) {
      const long b = o / l.expand_nr(), width = l.expand_width(b), lane = o % l.expand_nr();
      float* block = dst + l.expand_offset(b);
      if (expand_b) block[lane] = expand_b[o];
      for (long c = 0; c < l.cin; ++c) block[(c + 1) * width + lane] = expand_w[o * l.cin + c];
    }
    if (depthwise_b) depthwise[o] = depthwise_b[o];
    for (long t = 0; t < l.taps; ++t) depthwise[(t + 1) * l.cp + o] = depthwise_w[o * l.taps + t];
  }
  for (long o = 0; o < g.out_channels; ++o) {
    const long b = o / 64, width = 16L * l.project_vectors(b), lane = o % 64;
    float* block = dst + l.project_offset(b);
    if (project_b) block[lane] = project_b[o];
    for (long c = 0; c < g.hidden; ++c) block[(c + 1) * width + lane] = project_w[o * g.hidden + c];
  }
}

#if LANTERN_X86

bool inverted_residual_available() { return active_isa() == Isa::Avx512; }

namespace {

// A layer's clamp: (-inf, inf) without an activation.
struct Bounds {
  float lo, hi;
};

Bounds bounds_for(Activation activation) {
  if (activation == Activation::None) return {-__builtin_inff(), __builtin_inff()};
  const Epilogue e = epilogue_for(activation);
  return {e.lo, e.hi};
}

LANTERN_TARGET_AVX512 inline __m512 clamp(__m512 v, __m512 lo, __m512 hi) {
  return _mm512_min_ps(hi, _mm512_max_ps(lo, v));  // NaN passes through, as in the reference
}

// MR positions of an input row x 16 * NV hidden channels over every input channel (rows ldx
// apart in x), clamped and stored channels-last: position i at dst + i * cp.
template <int MR, int NV>
LANTERN_TARGET_AVX512 void expand_tile(long cin, const float* x, long ldx, const float* block, float* dst, long cp,
                                       int positions, __m512 lo, __m512 hi) {
  constexpr int NR = 16 * NV;
  __m512 acc[MR][NV];
  lane_tile_bias<MR, NV>(acc, block);
  const float* w = block + NR;
  for (long c = 0; c < cin; ++c, x += ldx, w += NR) {
    lane_tile_step<MR, NV>(acc, x, 1, w);
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    if (i >= positions) break;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm512_store_ps(dst + i * cp + 16 * v, clamp(acc[i][v], lo, hi));
  }
}

using ExpandFn = void (*)(long, const float*, long, const float*, float*, long, int, __m512, __m512);

// The expansion tile for MR positions and NV vectors.
ExpandFn expand_function(int mr, long nv) {
  static const ExpandFn by_7[] = {expand_tile<7, 1>, expand_tile<7, 2>, expand_tile<7, 3>, expand_tile<7, 4>};
  static const ExpandFn by_14[] = {expand_tile<14, 1>, expand_tile<14, 2>};
  return mr == 7 ? by_7[nv - 1] : by_14[nv - 1];
}

// Rows r[0..16) (16 channels, positions in the lanes) as 16 vectors of positions (channels in the
// lanes), in place.
LANTERN_TARGET_AVX512 inline void transpose_16x16(__m512 (&r)[16]) {
  __m512 t[16], u[16];
  for (int k = 0; k < 8; ++k) {
    t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  // u[4k + q], 128-bit lane L: rows 4k .. 4k + 3 at position 4L + q.
  for (int k = 0; k < 4; ++k) {
    u[4 * k + 0] = _mm512_shuffle_ps(t[4 * k], t[4 * k + 2], 0x44);
    u[4 * k + 1] = _mm512_shuffle_ps(t[4 * k], t[4 * k + 2], 0xEE);
    u[4 * k + 2] = _mm512_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0x44);
    u[4 * k + 3] = _mm512_shuffle_ps(t[4 * k + 1], t[4 * k + 3], 0xEE);
  }
  for (int q = 0; q < 4; ++q) {
    const __m512 even_01 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0x88), odd_01 = _mm512_shuffle_f32x4(u[q], u[4 + q], 0xDD);
    const __m512 even_23 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0x88), odd_23 = _mm512_shuffle_f32x4(u[8 + q], u[12 + q], 0xDD);
    r[q] = _mm512_shuffle_f32x4(even_01, even_23, 0x88);
    r[8 + q] = _mm512_shuffle_f32x4(even_01, even_23, 0xDD);
    r[4 + q] = _mm512_shuffle_f32x4(odd_01, odd_23, 0x88);
    r[12 + q] = _mm512_shuffle_f32x4(odd_01, odd_23, 0xDD);
  }
}

// Input row ih of one image copied channels-last into a ring row, for blocks without an expansion.
LANTERN_TARGET_AVX512 void transpose_row(const float* image, long ih, const InvertedResidualGeometry& g, long cp,
                                         float* dst) {
  const long plane = g.height * g.width;
  const float* row = image + ih * g.width;
  for (long c0 = 0; c0 < cp; c0 += 16) {
    for (long w0 = 0; w0 < g.width; w0 += 16) {
      const __mmask16 inside = lanes(0, g.width - w0);
      __m512 r[16];
      for (int i = 0; i < 16; ++i) {
        r[i] = c0 + i < g.in_channels ? _mm512_maskz_loadu_ps(inside, row + (c0 + i) * plane + w0) : _mm512_setzero_ps();
      }
      transpose_16x16(r);
      const long count = std::min(16L, g.width - w0);
      for (long j = 0; j < count; ++j) _mm512_store_ps(dst + (w0 + j) * cp + c0, r[j]);
    }
  }
}

// Input row ih of one image, expanded into a ring row (dst: its first column inside the image).
// The last tile of a row reads its inputs from a zero-padded copy, so nothing past the image is read.
LANTERN_TARGET_AVX512 void expand_row(const float* image, long ih, const InvertedResidualGeometry& g, const Layout& l,
                                      const float* prepared, float* dst, float* tail, Bounds bounds) {
  const __m512 lo = _mm512_set1_ps(bounds.lo), hi = _mm512_set1_ps(bounds.hi);
  const long plane = g.height * g.width, width = g.width;
  const float* row = image + ih * width;
  const long mr = l.expand_mr, ragged = width % mr, last = width - ragged;
  if (ragged) {
    for (long c = 0; c < l.cin; ++c) {
      std::copy(row + c * plane + last, row + c * plane + width, tail + c * mr);
      std::fill(tail + c * mr + ragged, tail + (c + 1) * mr, 0.0f);
    }
  }
  for (long b = 0; b < l.expand_blocks(); ++b) {
    const float* block = prepared + l.expand_offset(b);
    const long channel = l.expand_nr() * b;
    const ExpandFn tile = expand_function(l.expand_mr, l.expand_width(b) / 16);
    for (long w0 = 0; w0 < last; w0 += mr) tile(l.cin, row + w0, plane, block, dst + w0 * l.cp + channel, l.cp, l.expand_mr, lo, hi);
    if (ragged) tile(l.cin, tail, mr, block, dst + last * l.cp + channel, l.cp, static_cast<int>(ragged), lo, hi);
  }
}

// J consecutive outputs of one vector of channels, any kernel: rows[kh] are the ring rows (offset
// to the vector), w the tap rows (likewise), positions cp apart.
template <int J>
LANTERN_TARGET_AVX512 inline void depthwise_run(const float* const* rows, long k, long s, long cp, const float* w,
                                                __m512 bias, long ow, float* dst, __m512 lo, __m512 hi) {
  __m512 acc[J];
#pragma GCC unroll 4
  for (int j = 0; j < J; ++j) acc[j] = bias;
  for (long kh = 0; kh < k; ++kh) {
    const float* r = rows[kh] + ow * s * cp;
    for (long kw = 0; kw < k; ++kw) {
      const __m512 wv = _mm512_loadu_ps(w + (kh * k + kw) * cp);
#pragma GCC unroll 4
      for (int j = 0; j < J; ++j) acc[j] = _mm512_fmadd_ps(_mm512_load_ps(r + (j * s + kw) * cp), wv, acc[j]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < J; ++j) _mm512_store_ps(dst + (ow + j) * cp, clamp(acc[j], lo, hi));
}

// The same for 3x3 kernels at stride S, the taps' weights in registers and each input column
// loaded once for the J outputs that read it.
template <int J, int S>
LANTERN_TARGET_AVX512 inline void depthwise3_run(const float* const* rows, long cp, const __m512 (&w)[9], __m512 bias,
                                                 long ow, float* dst, __m512 lo, __m512 hi) {
  constexpr int kColumns = J * S + 2;
  __m512 acc[J];
#pragma GCC unroll 4
  for (int j = 0; j < J; ++j) acc[j] = bias;
#pragma GCC unroll 3
  for (int kh = 0; kh < 3; ++kh) {
    const float* r = rows[kh] + ow * S * cp;
    __m512 columns[kColumns];
#pragma GCC unroll 10
    for (int c = 0; c < kColumns; ++c) columns[c] = _mm512_load_ps(r + c * cp);
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
#pragma GCC unroll 4
      for (int j = 0; j < J; ++j) acc[j] = _mm512_fmadd_ps(columns[j * S + kw], w[kh * 3 + kw], acc[j]);
    }
  }
#pragma GCC unroll 4
  for (int j = 0; j < J; ++j) _mm512_store_ps(dst + (ow + j) * cp, clamp(acc[j], lo, hi));
}

template <int S>
LANTERN_TARGET_AVX512 void depthwise3_row(const float* const* rows, long cp, const float* weights, long width,
                                          float* dst, __m512 lo, __m512 hi) {
  __m512 w[9];
#pragma GCC unroll 9
  for (int t = 0; t < 9; ++t) w[t] = _mm512_loadu_ps(weights + (t + 1) * cp);
  const __m512 bias = _mm512_loadu_ps(weights);
  long ow = 0;
  for (; ow + 4 <= width; ow += 4) depthwise3_run<4, S>(rows, cp, w, bias, ow, dst, lo, hi);
  switch (width - ow) {
    case 3: depthwise3_run<3, S>(rows, cp, w, bias, ow, dst, lo, hi); break;
    case 2: depthwise3_run<2, S>(rows, cp, w, bias, ow, dst, lo, hi); break;
    case 1: depthwise3_run<1, S>(rows, cp, w, bias, ow, dst, lo, hi); break;
    default: break;
  }
}

LANTERN_TARGET_AVX512 void depthwise_any_row(const float* const* rows, long k, long s, long cp, const float* weights,
                                             long width, float* dst, __m512 lo, __m512 hi) {
  const __m512 bias = _mm512_loadu_ps(weights);
  const float* w = weights + cp;
  long ow = 0;
  for (; ow + 4 <= width; ow += 4) depthwise_run<4>(rows, k, s, cp, w, bias, ow, dst, lo, hi);
  switch (width - ow) {
    case 3: depthwise_run<3>(rows, k, s, cp, w, bias, ow, dst, lo, hi); break;
    case 2: depthwise_run<2>(rows, k, s, cp, w, bias, ow, dst, lo, hi); break;
    case 1: depthwise_run<1>(rows, k, s, cp, w, bias, ow, dst, lo, hi); break;
    default: break;
  }
}

// The depthwise layer over the band's output rows [r0, r0 + here), channels-last into dst. A
// vector of 16 channels goes through every row before the next, so the ring lines it reads stay in
// L1 from one output row to the next (an output row at a time, every vector, read each line from
// L2 once per row that uses it).
LANTERN_TARGET_AVX512 void depthwise_band(const float* ring_rows, long ring, long row_floats, long r0, long here,
                                          const InvertedResidualGeometry& g, const Layout& l, const float* weights,
                                          float* dst, Bounds bounds) {
  const __m512 lo = _mm512_set1_ps(bounds.lo), hi = _mm512_set1_ps(bounds.hi);
  const long cp = l.cp, k = g.kernel, s = g.stride, width = g.out_width;
  const float* rows[8];
  for (long v = 0; v < cp; v += 16) {
    for (long oh = r0; oh < r0 + here; ++oh) {
      for (long kh = 0; kh < k; ++kh) rows[kh] = ring_rows + (oh * s + kh) % ring * row_floats + v;
      float* out = dst + (oh - r0) * width * cp + v;
      if (k == 3 && s == 1) depthwise3_row<1>(rows, cp, weights + v, width, out, lo, hi);
      else if (k == 3 && s == 2) depthwise3_row<2>(rows, cp, weights + v, width, out, lo, hi);
      else depthwise_any_row(rows, k, s, cp, weights + v, width, out, lo, hi);
    }
  }
}

// MR band positions (cp apart in d) x 16 * NV output channels over every hidden channel.
template <int MR, int NV>
LANTERN_TARGET_AVX512 void project_tile(long cp, const float* d, const float* block, const LaneStore& store) {
  constexpr int NR = 16 * NV;
  __m512 acc[MR][NV];
  lane_tile_bias<MR, NV>(acc, block);
  const float* w = block + NR;
  for (long c = 0; c < cp; ++c, w += NR) {
    lane_tile_step<MR, NV>(acc, d + c, cp, w);
  }
  store_lane_tile<MR, NV>(acc, store);
}

using ProjectFn = void (*)(long, const float*, const float*, const LaneStore&);
constexpr ProjectFn kProject[5] = {nullptr, project_tile<16, 1>, project_tile<14, 2>, project_tile<8, 3>, project_tile<7, 4>};

// Output rows per band: the fewest bands whose ring and depthwise outputs fit in half of L2.
long band_rows(const InvertedResidualGeometry& g, const Layout& l) {
  const double budget = 0.5 * static_cast<double>(l2_cache_bytes());
  const long ring_width = g.width + 2 * g.pad();
  for (long bands = 1;; ++bands) {
    const long rows = (g.out_height + bands - 1) / bands;
    const double floats = static_cast<double>(l.cp) *
                          (static_cast<double>((rows - 1) * g.stride + g.kernel) * ring_width + rows * g.out_width + 16);
    if (floats * sizeof(float) <= budget || rows == 1) return rows;
  }
}

}  // namespace

void inverted_residual(const float* x, const float* prepared, float* out, const InvertedResidualGeometry& g) {
  if (g.batch == 0 || g.out_height == 0 || g.out_width == 0) return;
  const Layout l = layout_of(g);
  const long pad = g.pad(), cp = l.cp, s = g.stride;
  const long row_floats = (g.width + 2 * pad) * cp;
  const long rows = band_rows(g, l), bands = (g.out_height + rows - 1) / rows;
  const long ring = (rows - 1) * s + g.kernel;
  const long in_size = g.in_channels * g.height * g.width, plane = g.out_height * g.out_width;
  // Bands split among threads in runs, each run keeping its own ring; one run per image when the
  // batch alone fills the pool.
  const long runs = std::min(bands, std::max(1L, (num_threads() + g.batch - 1) / g.batch));
  const Bounds expand_bounds = bounds_for(g.expand_activation), depthwise_bounds = bounds_for(g.depthwise_activation);
  parallel_for(g.batch * runs, [&](long task) {
    const long n = task / runs, run = task % runs;
    const long first_band = run * bands / runs, end_band = (run + 1) * bands / runs;
    float* ring_rows = scratch(ScratchSlot::Padded, ring * row_floats);
    float* band = scratch(ScratchSlot::Wide, (rows * g.out_width + 16) * cp);
    float* tail = scratch(ScratchSlot::Columns, l.cin * l.expand_mr);
    // The columns left and right of the image stay zero: the depthwise layer's padding.
    for (long r = 0; r < ring; ++r) {
      float* row = ring_rows + r * row_floats;
      std::fill(row, row + pad * cp, 0.0f);
      std::fill(row + (g.width + pad) * cp, row + row_floats, 0.0f);
    }
    const float* image = x + n * in_size;
    float* dst = out + n * g.out_channels * plane;
    long next = LONG_MIN;  // the first input row not yet in the ring
    for (long b = first_band; b < end_band; ++b) {
      const long r0 = b * rows, here = std::min(rows, g.out_height - r0);
      const long first_row = r0 * s - pad, last_row = (r0 + here - 1) * s - pad + g.kernel - 1;
      for (long ih = std::max(first_row, next); ih <= last_row; ++ih) {
        float* row = ring_rows + (ih + pad) % ring * row_floats + pad * cp;
        if (ih < 0 || ih >= g.height) std::fill(row, row + g.width * cp, 0.0f);
        else if (g.expand) expand_row(image, ih, g, l, prepared, row, tail, expand_bounds);
        else transpose_row(image, ih, g, cp, row);
      }
      next = last_row + 1;
      depthwise_band(ring_rows, ring, row_floats, r0, here, g, l, prepared + l.depthwise_offset(), band, depthwise_bounds);
      const long positions = here * g.out_width, start = r0 * g.out_width;
      for (long pb = 0; pb < l.project_blocks(); ++pb) {
        const int nv = l.project_vectors(pb), mr = lane_tile_positions(nv);
        const int channels = static_cast<int>(std::min(64L, g.out_channels - 64 * pb));
        const float* block = prepared + l.project_offset(pb);
        for (long p0 = 0; p0 < positions; p0 += mr) {
          const long at = 64 * pb * plane + start + p0;
          const LaneStore store{dst + at, g.residual ? image + at : nullptr, plane, channels,
                                static_cast<int>(std::min<long>(mr, positions - p0)), nullptr};
          kProject[nv](cp, band + p0 * cp, block, store);
        }
      }
    }
  });
}

#else

bool inverted_residual_available() { return false; }
// Never called: inverted_residual_available() is false off x86.
void inverted_residual(const float*, const float*, float*, const InvertedResidualGeometry&) {}

#endif

}  // namespace lantern
