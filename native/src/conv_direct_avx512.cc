// AVX-512 direct convolution for inputs with few channels: the 3x3/2 RGB stems (MobileNet,
// EfficientNet). There a GEMM's k (27) is too short to pay for packing its columns and cropping a
// wide output, which took over half of the stem's time. Each input row is split once
// per image into its stride phases, so every tap reads 16 consecutive outputs' inputs with one
// load; a tile of 4 output channels x up to 6 vectors of 16 output columns takes every tap in
// registers, and the bias, residual and clamp are applied as it is stored.
#include <algorithm>
#include <vector>

#include "conv.h"
#include "cpu.h"
#include "scratch.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {

bool direct_suits(const ConvGeometry& g) {
#if LANTERN_X86
  // Measured against the phase-split GEMM: 20-27% faster on 3x3/2 stems over 224-pixel images
  // (MobileNet, EfficientNet), level at stride 1, and slower on 7x7 kernels or narrow images, where
  // the GEMM's longer k or the tiles' short rows favour it.
  return active_isa() == Isa::Avx512 && g.groups == 1 && g.in_channels <= 4 && g.patch() <= 36 &&
         g.dilation_h == 1 && g.dilation_w == 1 && g.stride_h == 2 && g.stride_w == 2 && g.out_width >= 64 &&
         g.pad_left < g.kernel_width && g.pad_top < g.kernel_height;
#else
  (void)g;
  return false;
#endif
}

#if LANTERN_X86
namespace {

constexpr int kChannels = 4;    // output channels per tile
constexpr int kMaxVectors = 6;  // 16-column vectors per tile: 24 accumulators, 4 weights, 1 input

long floor_div(long a, long b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

// Where the phase rows of one image live: input row ih of channel ci, phase r (columns r, r + s,
// ...) starts at rows + ((ci * H + ih) * s + r) * len, and element t holds input column
// s * (t + q_min) + r, or 0 outside the image. Tap kw of output column ow reads element
// ow + q(kw) - q_min of phase r(kw), where kw - pad_left = s * q(kw) + r(kw).
struct PhaseRows {
  long s, q_min, len;
  float* rows;
};

PhaseRows phase_layout(const ConvGeometry& g) {
  const long s = g.stride_w;
  const long q_min = floor_div(-g.pad_left, s), q_max = floor_div(g.kernel_width - 1 - g.pad_left, s);
  const long vectors = (g.out_width + 15) / 16;
  return {s, q_min, vectors * 16 + (q_max - q_min) + 16, nullptr};
}

LANTERN_TARGET_AVX512 void split_row(const float* in, long width, const PhaseRows& p, float* dst) {
  for (long r = 0; r < p.s; ++r) {
    float* row = dst + r * p.len;
    long t = 0;
    // Inside the image, stride 2 deinterleaves 32 columns into 16 of each phase with one permute.
    if (p.s == 2) {
      const __m512i pick = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const __m512i phase = _mm512_add_epi32(pick, _mm512_set1_epi32(static_cast<int>(r)));
      for (; t < p.len; ++t) {
        long col = 2 * (t + p.q_min) + r;
        if (col >= 0) break;
        row[t] = 0.0f;
      }
      for (; t + 16 <= p.len; t += 16) {
        long first = 2 * (t + p.q_min);
        if (first + 32 > width) break;
        __m512 lo = _mm512_loadu_ps(in + first), hi = _mm512_loadu_ps(in + first + 16);
        _mm512_storeu_ps(row + t, _mm512_permutex2var_ps(lo, phase, hi));
      }
    }
    for (; t < p.len; ++t) {
      long col = p.s * (t + p.q_min) + r;
      row[t] = col >= 0 && col < width ? in[col] : 0.0f;
    }
  }
}

struct Tap {
  const float* src;  // phase row element for output column 0
  long weight;       // (ci * KH + kh) * KW + kw
};

template <int NV>
LANTERN_TARGET_AVX512 void tile(const Tap* taps, long count, const float* weights, const float* bias, int channels,
                                long ow0, __mmask16 last, float* const* out, const float* const* residual,
                                const Epilogue* epilogue, long next_row) {
  __m512 acc[kChannels][NV];
  // The next output row of this tile, fetched for writing while the taps run.
  for (int c = 0; c < channels; ++c) {
    for (int v = 0; v < NV; ++v) __builtin_prefetch(out[c] + next_row + ow0 + 16 * v, 1, 3);
  }
  for (int c = 0; c < kChannels; ++c) {
    __m512 b = _mm512_set1_ps(bias && c < channels ? bias[c] : 0.0f);
    for (int v = 0; v < NV; ++v) acc[c][v] = b;
  }
  for (long t = 0; t < count; ++t) {
    const float* src = taps[t].src + ow0;
    const float* w = weights + taps[t].weight * kChannels;
    __m512 w0 = _mm512_set1_ps(w[0]), w1 = _mm512_set1_ps(w[1]), w2 = _mm512_set1_ps(w[2]), w3 = _mm512_set1_ps(w[3]);
#pragma GCC unroll 6
    for (int v = 0; v < NV; ++v) {
      __m512 x = _mm512_loadu_ps(src + 16 * v);
      acc[0][v] = _mm512_fmadd_ps(w0, x, acc[0][v]);
      acc[1][v] = _mm512_fmadd_ps(w1, x, acc[1][v]);
      acc[2][v] = _mm512_fmadd_ps(w2, x, acc[2][v]);
      acc[3][v] = _mm512_fmadd_ps(w3, x, acc[3][v]);
    }
  }
  const __m512 lo = _mm512_set1_ps(epilogue ? epilogue->lo : -__builtin_inff());
  const __m512 hi = _mm512_set1_ps(epilogue ? epilogue->hi : __builtin_inff());
  for (int c = 0; c < channels; ++c) {
    for (int v = 0; v < NV; ++v) {
      const __mmask16 mask = v == NV - 1 ? last : 0xFFFF;
      float* dst = out[c] + ow0 + 16 * v;
      __m512 r = acc[c][v];
      if (residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, residual[c] + ow0 + 16 * v));
      // min/max with the value second pass NaN through, as the reference clamp does.
      if (epilogue) r = _mm512_min_ps(hi, _mm512_max_ps(lo, r));
      _mm512_mask_storeu_ps(dst, mask, r);
    }
  }
}

using TileFn = void (*)(const Tap*, long, const float*, const float*, int, long, __mmask16, float* const*,
                        const float* const*, const Epilogue*, long);
constexpr TileFn kTiles[kMaxVectors + 1] = {nullptr, tile<1>, tile<2>, tile<3>, tile<4>, tile<5>, tile<6>};

// The weights as [channel block][tap][4 channels], zero past the last channel.
void pack_weights(const float* w, const ConvGeometry& g, float* dst) {
  const long taps = g.patch(), blocks = (g.out_channels + kChannels - 1) / kChannels;
  for (long b = 0; b < blocks; ++b) {
    for (long t = 0; t < taps; ++t) {
      for (int c = 0; c < kChannels; ++c) {
        long o = b * kChannels + c;
        dst[(b * taps + t) * kChannels + c] = o < g.out_channels ? w[o * taps + t] : 0.0f;
      }
    }
  }
}

// One output row of one image: every channel block, in column chunks of at most 6 vectors.
void output_row(const ConvGeometry& g, const PhaseRows& p, const float* packed, const float* bias, long oh, float* out,
                const float* residual, const Epilogue* epilogue, std::vector<Tap>& taps) {
  taps.clear();
  for (long ci = 0; ci < g.in_channels; ++ci) {
    for (long kh = 0; kh < g.kernel_height; ++kh) {
      long ih = oh * g.stride_h + kh - g.pad_top;
      if (ih < 0 || ih >= g.in_height) continue;
      for (long kw = 0; kw < g.kernel_width; ++kw) {
        long d = kw - g.pad_left, q = floor_div(d, p.s), r = d - q * p.s;
        const float* row = p.rows + ((ci * g.in_height + ih) * p.s + r) * p.len;
        taps.push_back({row + (q - p.q_min), (ci * g.kernel_height + kh) * g.kernel_width + kw});
      }
    }
  }
  const long plane = g.out_plane(), vectors = (g.out_width + 15) / 16;
  const long chunks = (vectors + kMaxVectors - 1) / kMaxVectors;
  const long blocks = (g.out_channels + kChannels - 1) / kChannels;
  for (long b = 0; b < blocks; ++b) {
    const int channels = static_cast<int>(std::min<long>(kChannels, g.out_channels - b * kChannels));
    float* rows[kChannels];
    const float* res_rows[kChannels];
    for (int c = 0; c < kChannels; ++c) {
      long o = b * kChannels + std::min(c, channels - 1);
      rows[c] = out + o * plane + oh * g.out_width;
      res_rows[c] = residual ? residual + o * plane + oh * g.out_width : nullptr;
    }
    const float* block_bias = bias ? bias + b * kChannels : nullptr;
    // Chunks as even as the vectors allow (7 vectors: 4 + 3), so no tile is left nearly empty.
    for (long k = 0, v0 = 0; k < chunks; ++k) {
      long nv = (vectors - v0 + (chunks - k) - 1) / (chunks - k);
      long ow0 = v0 * 16;
      long cols = std::min(nv * 16, g.out_width - ow0);
      long tail = cols - (nv - 1) * 16;
      __mmask16 last = static_cast<__mmask16>(tail >= 16 ? 0xFFFF : (1u << tail) - 1);
      kTiles[nv](taps.data(), static_cast<long>(taps.size()), packed + b * g.patch() * kChannels, block_bias, channels,
                 ow0, last, rows, residual ? res_rows : nullptr, epilogue, oh + 1 < g.out_height ? g.out_width : 0);
      v0 += nv;
    }
  }
}

}  // namespace

void direct_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                   Activation activation, const float* residual) {
  PhaseRows p = phase_layout(g);
  const long blocks = (g.out_channels + kChannels - 1) / kChannels;
  float* packed = scratch(ScratchSlot::Weights, blocks * g.patch() * kChannels);
  pack_weights(w, g, packed);
  p.rows = scratch(ScratchSlot::Padded, g.in_channels * g.in_height * p.s * p.len);
  const Epilogue clamp = epilogue_for(activation);
  const Epilogue* epilogue = activation == Activation::None ? nullptr : &clamp;
  for (long n = 0; n < g.batch; ++n) {
    const float* image = x + n * g.in_channels * g.in_plane();
    parallel_range(g.in_channels * g.in_height, 64, [&](long begin, long end) {
      for (long row = begin; row < end; ++row) split_row(image + row * g.in_width, g.in_width, p, p.rows + row * p.s * p.len);
    });
    const long offset = n * g.out_channels * g.out_plane();
    parallel_range(g.out_height, 4, [&](long begin, long end) {
      std::vector<Tap> taps;
      taps.reserve(g.patch());
      for (long oh = begin; oh < end; ++oh) {
        output_row(g, p, packed, bias, oh, out + offset, residual ? residual + offset : nullptr, epilogue, taps);
      }
    });
  }
}
#else
void direct_conv2d(const float*, const float*, const float*, float*, const ConvGeometry&, Activation, const float*) {}
#endif

}  // namespace lantern
