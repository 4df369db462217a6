// AVX-512 direct convolution for inputs with few channels: the strided RGB stems (3x3/2 in
// MobileNet and EfficientNet, 7x7/2 in ResNet). There a GEMM's k (27 or 147) is too short to pay
// for packing its columns and cropping a wide output. Each input row is split once per image into
// its stride phases, so the inputs of consecutive outputs of one tap lie side by side; a tile holds
// MR output columns x NV vectors of 16 output channels (the channels in the lanes), each tap
// broadcasting MR inputs against NV vectors of weights, and it is transposed in registers as it is
// stored, with the bias (its starting value), the residual and the clamp.
#include <algorithm>
#include <vector>

#include "conv.h"
#include "cpu.h"
#include "lane_tiles.h"
#include "lanes.h"
#include "scratch.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {

bool direct_suits(const ConvGeometry& g) {
#if LANTERN_X86
  // Measured against the phase-split GEMM: 20-27% faster on 3x3/2 stems over 224-pixel images
  // (MobileNet, EfficientNet), and on ResNet's 7x7/2 stem 1.38 against 2.0 ms (in a loop, batch 1).
  // Level at stride 1. With many input channels (ResNet's 3x3/2 and 1x1/2 layers) it ran level or
  // up to 1.6x slower: a tile reads its weights and inputs from L2 at every tap, where the GEMM
  // packs its inputs into L1.
  const bool shape = active_isa() == Isa::Avx512 && g.groups == 1 && g.dilation_h == 1 && g.dilation_w == 1 &&
                     g.stride_h == 2 && g.stride_w == 2 && g.pad_left < g.kernel_width && g.pad_top < g.kernel_height &&
                     g.kernel_width <= 7;
  return shape && g.in_channels <= 4 && g.out_width >= 64;
#else
  (void)g;
  return false;
#endif
}

#if LANTERN_X86
namespace {

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
    // Stride 2 deinterleaves 32 columns into 16 of each phase with one permute; masked loads
    // leave the columns outside the image zero.
    if (p.s == 2) {
      const __m512i pick = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
      const __m512i phase = _mm512_add_epi32(pick, _mm512_set1_epi32(static_cast<int>(r)));
      for (; t < p.len; t += 16) {
        const long first = 2 * (t + p.q_min);
        const __m512 lo = _mm512_maskz_loadu_ps(lanes(-first, width - first), in + first);
        const __m512 hi = _mm512_maskz_loadu_ps(lanes(-first - 16, width - first - 16), in + first + 16);
        _mm512_mask_storeu_ps(row + t, lanes(0, p.len - t), _mm512_permutex2var_ps(lo, phase, hi));
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

// Blocks of up to 2 vectors (32 channels), the last as many as its channels need, in tiles of
// 14 x 2 or 16 x 1. Blocks of 64 channels (7 x 4 tiles, fewer loads per FMA) ran ResNet's 7x7 stem
// 6% slower: a block's weights for 147 taps (38 KB) and the tile's inputs then overflowed L1.
constexpr long kBlock = 32;

struct ChannelBlocks {
  long channels;
  long count() const { return (channels + kBlock - 1) / kBlock; }
  int vectors(long b) const { return b + 1 < count() ? kBlock / 16 : static_cast<int>((channels - kBlock * b + 15) / 16); }
  int channels_in(long b) const { return static_cast<int>(std::min(kBlock, channels - kBlock * b)); }
};

template <int MR, int NV>
LANTERN_TARGET_AVX512 void tile(const Tap* taps, long count, const float* weights, const float* bias, long ow0,
                                const LaneStore& store) {
  constexpr int NR = 16 * NV;
  __m512 acc[MR][NV];
  lane_tile_bias<MR, NV>(acc, bias);
  for (long t = 0; t < count; ++t) {
    const float* src = taps[t].src + ow0;
    // Opaque to the optimiser, so the MR broadcasts address src with constant offsets rather than
    // through MR precomputed index registers (more than there are, which it reloaded from the stack).
    asm("" : "+r"(src));
    const float* w = weights + taps[t].weight * NR;
    lane_tile_step<MR, NV>(acc, src, 1, w);
  }
  store_lane_tile<MR, NV>(acc, store);
}

using TileFn = void (*)(const Tap*, long, const float*, const float*, long, const LaneStore&);
constexpr TileFn kTiles[3] = {nullptr, tile<16, 1>, tile<14, 2>};

// Per channel block: its biases (zero without a bias), then every tap's weights, each row as
// wide as the block's vectors; channels past the last are zero. Block b starts at b * (patch + 1) * 32.
long direct_packed_size(const ConvGeometry& g) {
  const ChannelBlocks blocks{g.out_channels};
  const long last = blocks.count() - 1;
  return (last * kBlock + 16L * blocks.vectors(last)) * (g.patch() + 1);
}

void direct_pack(const float* w, const float* bias, const ConvGeometry& g, float* dst) {
  const ChannelBlocks blocks{g.out_channels};
  const long taps = g.patch();
  std::fill(dst, dst + direct_packed_size(g), 0.0f);
  for (long o = 0; o < g.out_channels; ++o) {
    const long b = o / kBlock, width = 16L * blocks.vectors(b), lane = o % kBlock;
    float* block = dst + b * (taps + 1) * kBlock;
    if (bias) block[lane] = bias[o];
    for (long t = 0; t < taps; ++t) block[(t + 1) * width + lane] = w[o * taps + t];
  }
}

// One output row of one image: every channel block, in tiles of its positions.
void output_row(const ConvGeometry& g, const PhaseRows& p, const float* packed, long oh, float* out,
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
  const ChannelBlocks blocks{g.out_channels};
  const long plane = g.out_plane(), row = oh * g.out_width;
  for (long b = 0; b < blocks.count(); ++b) {
    const int nv = blocks.vectors(b), mr = lane_tile_positions(nv);
    const float* block = packed + b * (g.patch() + 1) * kBlock;
    const long first = kBlock * b * plane + row;
    for (long ow0 = 0; ow0 < g.out_width; ow0 += mr) {
      const LaneStore store{out + first + ow0, residual ? residual + first + ow0 : nullptr, plane,
                            blocks.channels_in(b), static_cast<int>(std::min<long>(mr, g.out_width - ow0)), epilogue};
      kTiles[nv](taps.data(), static_cast<long>(taps.size()), block + 16 * nv, block, ow0, store);
    }
  }
}

}  // namespace

long direct_prepared_size(const ConvGeometry& g) { return direct_packed_size(g); }
void direct_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst) { direct_pack(w, bias, g, dst); }

void direct_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                   const float* prepared, Activation activation, const float* residual) {
  PhaseRows p = phase_layout(g);
  const float* packed = prepared;
  if (!packed) {
    float* packing = scratch(ScratchSlot::Weights, direct_packed_size(g));
    direct_pack(w, bias, g, packing);
    packed = packing;
  }
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
        output_row(g, p, packed, oh, out + offset, residual ? residual + offset : nullptr, epilogue, taps);
      }
    });
  }
}
#else
void direct_conv2d(const float*, const float*, const float*, float*, const ConvGeometry&, const float*, Activation,
                   const float*) {}
long direct_prepared_size(const ConvGeometry&) { return 0; }
void direct_prepare(const float*, const float*, const ConvGeometry&, float*) {}
#endif

}  // namespace lantern
