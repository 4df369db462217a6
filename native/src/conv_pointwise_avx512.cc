// AVX-512 1x1 convolution with the output channels in the vector lanes. As a GEMM over NCHW
// planes, a 1x1 layer puts positions in the lanes, and a 7x7 or 14x14 plane (49 or 196 positions)
// fills 49 of 64 or 196 of 224 lanes of the micro-kernel's tiles; the MobileNet projections, whose
// few output rows meet a long k, also pay for packing their input. Here the tile is MR positions x
// NV vectors of 16 output channels: each k step broadcasts MR inputs straight from the image row of
// input channel k and loads NV vectors of prepacked weights, so nothing is packed per call, and MR
// = 7 or 14 divides the planes of every ImageNet network (7, 14, 28, 56, 112 on a side). The tile
// is transposed in registers as it is stored, with the bias (its starting value), the residual and
// the clamp applied on the way.
#include <algorithm>
#include <cstring>

#include "conv.h"
#include "cpu.h"
#include "lane_tiles.h"
#include "scratch.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {

namespace {

// How a layer is tiled: MR positions per tile; blocks of 16 * NV output channels, the last one
// only as many vectors as its channels need (160 channels: 64 + 64 + 32).
struct TileShape {
  int mr, nv;
  long channels;
  long nr() const { return 16L * nv; }
  long blocks() const { return (channels + nr() - 1) / nr(); }
  int block_vectors(long b) const {
    return b + 1 < blocks() ? nv : static_cast<int>((channels - b * nr() + 15) / 16);
  }
  long block_width(long b) const { return 16L * block_vectors(b); }
  long block_channels(long b) const { return std::min(nr(), channels - b * nr()); }
};

// 14 x 2 vectors where 14 divides the plane (14x14 and larger ImageNet planes), else 7 x 4 vectors
// (7x7): 28 accumulators either way, with 16 or 11 loads per 28 FMAs.
TileShape shape_for(const ConvGeometry& g) {
  if (g.out_plane() % 14 == 0) return {14, 2, g.out_channels};
  return {7, 4, g.out_channels};
}

}  // namespace

// Layers over 64 input channels or more, and projections (in >= out channels). Measured in
// MobileNetV2 against the GEMM path, per layer: 576 -> 96 at 14x14 from 160 to 138 us at batch 1,
// 192 -> 32 at 28x28 from 839 to 683 us at batch 8, 96 -> 576 at 14x14 from 150 to 141 us at
// batch 1 (once the next block's weights were fetched ahead). Expansions from fewer channels
// (32 -> 192 at 28x28) ran slower, their short k loop not paying for the transposed store; and
// under 32 output channels half a block of lanes would idle.
bool pointwise_suits(const ConvGeometry& g) {
#if LANTERN_X86
  // Strided 1x1 layers (ResNet's downsampling shortcuts) too: their input is subsampled first.
  const bool one_by_one = g.kernel_height == 1 && g.kernel_width == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                          g.out_height == (g.in_height - 1) / g.stride_h + 1 && g.out_width == (g.in_width - 1) / g.stride_w + 1;
  return active_isa() == Isa::Avx512 && g.groups == 1 && one_by_one && g.out_channels >= 32 &&
         (g.in_channels >= g.out_channels || g.in_channels >= 64);
#else
  (void)g;
  return false;
#endif
}

// Per block of output channels: its biases (zero without a bias), then k rows of its weights,
// each as wide as the block's vectors; channels past the last are zero. Blocks before the last
// are all 16 * NV wide, so block b starts at b * (k + 1) * 16 * NV.
long pointwise_prepared_size(const ConvGeometry& g) {
  const TileShape s = shape_for(g);
  const long last = s.blocks() - 1;
  return (last * s.nr() + s.block_width(last)) * (g.in_channels + 1);
}

void pointwise_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst) {
  const TileShape s = shape_for(g);
  const long k = g.in_channels;
  std::fill(dst, dst + pointwise_prepared_size(g), 0.0f);
  for (long o = 0; o < g.out_channels; ++o) {
    const long b = o / s.nr(), width = s.block_width(b), lane = o % s.nr();
    float* block = dst + b * (k + 1) * s.nr();
    if (bias) block[lane] = bias[o];
    for (long p = 0; p < k; ++p) block[(p + 1) * width + lane] = w[o * k + p];
  }
}

#if LANTERN_X86
namespace {

// One tile's work beyond its inputs: where it stores, and what it fetches ahead while it runs.
struct TileTask {
  LaneStore store;
  // How far ahead along its input rows a tile fetches them (0: not at all): two lines, the tiles
  // to the right, on planes of 64 positions or more, whose rows a layer before left in L3 or
  // memory. 1x1 192 -> 32 over 28x28 at batch 8 runs in 0.61 ms with it, 0.86 ms without. On 7x7
  // planes the lines two ahead are the next rows, which the tile reads anyway.
  long input_ahead;
  // Whether to fetch the tile's own input rows a few k steps ahead (both ends of the MR
  // positions): in projections, whose long k makes a tile's rows outgrow L1 before the tile to the
  // right reads them again. Traced MobileNetV2, alternating runs without and with it: 4.93 -> 4.89 ms
  // at batch 1, 38.8 -> 37.6 ms at batch 8. Expansions ran 3-6 us slower with it.
  bool rows_ahead;
  // The next channel block's weights, fetched while this tile runs: `ahead_per_step` lines from
  // `weights_ahead` at each k step (none when null).
  const float* weights_ahead;
  int ahead_per_step;
};

// How many k steps ahead a tile fetches its own input rows (see TileTask::rows_ahead).
constexpr long kRowsAhead = 8;

// One tile over all k input channels: x holds the tile's first position of input channel 0, rows
// ldx apart; block is the channel block's biases and weights (pointwise_prepare's layout).
template <int MR, int NV>
LANTERN_TARGET_AVX512 void pointwise_tile(long k, const float* x, long ldx, const float* block, const TileTask& t) {
  constexpr long NR = 16 * NV;
  __m512 acc[MR][NV];
  lane_tile_bias<MR, NV>(acc, block);
  const float* w = block + NR;
  for (long p = 0; p < k; ++p, x += ldx, w += NR) {
    if (t.input_ahead) _mm_prefetch(reinterpret_cast<const char*>(x + t.input_ahead), _MM_HINT_T0);
    if (t.rows_ahead) {
      _mm_prefetch(reinterpret_cast<const char*>(x + kRowsAhead * ldx), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(x + kRowsAhead * ldx + MR - 1), _MM_HINT_T0);
    }
    for (int l = 0; l < t.ahead_per_step; ++l) {
      _mm_prefetch(reinterpret_cast<const char*>(t.weights_ahead + (p * t.ahead_per_step + l) * 16), _MM_HINT_T1);
    }
    lane_tile_step<MR, NV>(acc, x, 1, w);
  }
  store_lane_tile<MR, NV>(acc, t.store);
}

using TileFn = void (*)(long, const float*, long, const float*, const TileTask&);

TileFn tile_function(int mr, int nv) {
  static const TileFn by_7[] = {pointwise_tile<7, 1>, pointwise_tile<7, 2>, pointwise_tile<7, 3>, pointwise_tile<7, 4>};
  static const TileFn by_14[] = {pointwise_tile<14, 1>, pointwise_tile<14, 2>};
  return mr == 7 ? by_7[nv - 1] : by_14[nv - 1];
}

// Tiles [t0, t1) of channel block b of one image. A last tile short of MR positions reads its
// inputs from a zero-padded copy, so that no broadcast reads past the image.
void run_tiles(const float* image, const float* panels, float* out, const float* residual, const ConvGeometry& g,
               const TileShape& s, const Epilogue* clamp, long b, long t0, long t1) {
  const long k = g.in_channels, plane = g.out_plane(), nr = s.nr();
  const TileFn tile = tile_function(s.mr, s.block_vectors(b));
  const float* block = panels + b * (k + 1) * nr;
  // A tile wants NV lines of weights per k step, faster than memory or L3 supplies them, and a
  // model's other layers have pushed them out of L2: so the tiles of one block fetch the next
  // block's weights while they compute, spread evenly over their k steps. MobileNetV2 at batch 1,
  // in the model: 1x1 320 -> 1280 at 7x7 from 278-322 to 244-249 us, 960 -> 320 from 179-214 to
  // 169-185 us.
  const long next_lines = b + 1 < s.blocks() ? (k + 1) * s.block_vectors(b + 1) : 0;
  const long steps = std::max(1L, (t1 - t0) * k);
  const int per_step = static_cast<int>((next_lines + steps - 1) / steps);
  for (long t = t0; t < t1; ++t) {
    const long j = t * s.mr;
    const int positions = static_cast<int>(std::min<long>(s.mr, plane - j));
    TileTask o{{out + b * nr * plane + j, residual ? residual + b * nr * plane + j : nullptr, plane,
                static_cast<int>(s.block_channels(b)), positions, clamp},
               plane >= 64 ? 32 : 0, k > g.out_channels,
               block + (k + 1) * nr + (t - t0) * k * per_step * 16, per_step};
    if (positions == s.mr) {
      tile(k, image + j, plane, block, o);
      continue;
    }
    o.input_ahead = 0;
    o.rows_ahead = false;
    float* tail = scratch(ScratchSlot::Columns, static_cast<size_t>(k) * s.mr);
    for (long p = 0; p < k; ++p) {
      std::memcpy(tail + p * s.mr, image + p * plane + j, positions * sizeof(float));
      std::fill(tail + p * s.mr + positions, tail + (p + 1) * s.mr, 0.0f);
    }
    tile(k, tail, s.mr, block, o);
  }
}

}  // namespace

void pointwise_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                      const float* prepared, Activation activation, const float* residual) {
  if (!g.unit_stride()) {
    // Every stride-th pixel copied into a compact image, which the unit-stride kernel then reads.
    ConvGeometry compact = g;
    compact.in_height = g.out_height, compact.in_width = g.out_width;
    compact.stride_h = compact.stride_w = compact.dilation_h = compact.dilation_w = 1;
    float* pixels = scratch(ScratchSlot::Padded, static_cast<size_t>(g.batch * g.in_channels * g.out_plane()));
    parallel_range(g.batch * g.in_channels, 16, [&](long begin, long end) {
      for (long p = begin; p < end; ++p) {
        const float* src = x + p * g.in_plane();
        float* dst = pixels + p * g.out_plane();
        for (long oh = 0; oh < g.out_height; ++oh) {
          const float* row = src + oh * g.stride_h * g.in_width;
          for (long ow = 0; ow < g.out_width; ++ow) dst[oh * g.out_width + ow] = row[ow * g.stride_w];
        }
      }
    });
    pointwise_conv2d(pixels, w, bias, out, compact, prepared, activation, residual);
    return;
  }
  const TileShape s = shape_for(g);
  const float* panels = prepared;
  if (!panels) {
    float* packed = scratch(ScratchSlot::PointwisePanels, pointwise_prepared_size(g));
    pointwise_prepare(w, bias, g, packed);
    panels = packed;
  }
  const Epilogue clamp = epilogue_for(activation);
  const Epilogue* epilogue = activation == Activation::None ? nullptr : &clamp;
  const long plane = g.out_plane(), blocks = s.blocks(), tiles = (plane + s.mr - 1) / s.mr;
  const long in_size = g.in_channels * g.in_plane(), out_size = g.out_channels * plane;
  // Work items are (image, channel block, run of tiles) when an image's input and output and all
  // the weights fit in L2 together: the input is then read from memory once and the weights stay
  // in cache across images. Otherwise blocks come first, so that each block's weights are read
  // from memory once, and the (smaller) inputs again per block: image-first order would stream all
  // the weights per image (1x1 320 -> 1280 at 7x7: 1.6 MB of weights, 63 KB of input per image).
  // Runs split the tiles only when there are fewer blocks and images than threads.
  const long weight_floats = g.in_channels * g.out_channels;
  const bool image_major = static_cast<double>(weight_floats + in_size + out_size) * sizeof(float) <= 0.85 * l2_cache_bytes();
  const long runs = std::max(1L, std::min(tiles, num_threads() / std::max(1L, g.batch * blocks)));
  const long tiles_per_run = (tiles + runs - 1) / runs;
  parallel_for(blocks * g.batch * runs, [&](long u) {
    const long r = u % runs;
    const long n = image_major ? u / (blocks * runs) : u / runs % g.batch;
    const long b = image_major ? u / runs % blocks : u / (g.batch * runs);
    run_tiles(x + n * in_size, panels, out + n * out_size, residual ? residual + n * out_size : nullptr, g, s, epilogue,
              b, r * tiles_per_run, std::min(tiles, (r + 1) * tiles_per_run));
  });
}

#else

// Never called: pointwise_suits() is false off x86.
void pointwise_conv2d(const float*, const float*, const float*, float*, const ConvGeometry&, const float*, Activation,
                      const float*) {}

#endif

}  // namespace lantern
