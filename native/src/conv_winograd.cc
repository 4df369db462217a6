// 3x3 unit-stride convolution by Winograd's minimal filtering F(2x2, 3x3) (Lavin & Gray, "Fast
// Algorithms for Convolutional Neural Networks", 2016): each 2x2 output tile is
//   Y = A^T [ (G g G^T) . (B^T d B) ] A
// with d the 4x4 input tile, g the 3x3 kernel and . the element-wise product, so the products are
// 16 GEMMs (one per tile element xi) of the transformed kernels U_xi [O x C] with the transformed
// inputs V_xi [C x tiles]: 16 multiply-adds per output channel, input channel and tile instead of
// 36, a 2.25x cut. The transforms only add and subtract (and halve, for G), so the rounding error
// stays close to the direct sum's; F(4x4, 3x3) would cut 4x but multiplies by up to 8 and 1/24.
// Tiles are processed in blocks sized to stay in L2: transform the block's inputs into packed
// GEMM panels, run the 16 GEMMs, transform the products back into output rows (with the bias).
#include "conv.h"
#include "cpu.h"
#include "gemm.h"
#include "lanes.h"
#include "scratch.h"
#include "thread_pool.h"
#include "winograd_tiles.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
using namespace winograd;
namespace {

// U_xi = (G g G^T)_xi for every (o, c), stored [xi][o][c], sixteen (o, c) pairs per step: the 3x3
// kernels of consecutive pairs are 9 floats apart, gathered into nine vectors.
LANTERN_TARGET_AVX512 void transform_weights(const float* w, long pairs, float* u) {
  const __m512i stride9 = _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                                             _mm512_set1_epi32(9));
  const __m512 half = _mm512_set1_ps(0.5f);
  for (long p = 0; p < pairs; p += 16) {
    __mmask16 m = lanes(0, pairs - p);
    __m512 g[9];
    for (int t = 0; t < 9; ++t) g[t] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), m, stride9, w + p * 9 + t, 4);
    // G g: rows g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2 of the kernel's rows g0, g1, g2.
    __m512 r[4][3];
    for (int j = 0; j < 3; ++j) {
      __m512 sum = _mm512_add_ps(g[j], g[6 + j]);
      r[0][j] = g[j];
      r[1][j] = _mm512_mul_ps(_mm512_add_ps(sum, g[3 + j]), half);
      r[2][j] = _mm512_mul_ps(_mm512_sub_ps(sum, g[3 + j]), half);
      r[3][j] = g[6 + j];
    }
    // (G g) G^T: the same combination along each row.
    for (int i = 0; i < 4; ++i) {
      __m512 sum = _mm512_add_ps(r[i][0], r[i][2]);
      __m512 out[4] = {r[i][0], _mm512_mul_ps(_mm512_add_ps(sum, r[i][1]), half),
                       _mm512_mul_ps(_mm512_sub_ps(sum, r[i][1]), half), r[i][2]};
      for (int j = 0; j < 4; ++j) _mm512_mask_storeu_ps(u + (4 * i + j) * pairs + p, m, out[j]);
    }
  }
}

// Where a chunk of up to 16 consecutive tiles of a run reads and writes.
struct Chunk {
  __mmask16 load[4];        // the four 16-float loads per input row: columns col0, col0 + 16, col0 + 2, col0 + 18
  __mmask16 here, there;    // lanes stored in the chunk's panel, and lanes spilling into the next
  long column;              // col0 relative to the run's first tile
  long panel_offset, spill_offset;
};

// The sixteen V_xi of a run of consecutive tiles along one tile row, for every input channel of
// one image, written into the packed B panels of the block (panel = position / nr, lane = position
// % nr, k = channel). Channels are the outer loop so each input row is read while its neighbours
// (the other chunks of the run) are still in cache, and the next channel's rows are prefetched.
LANTERN_TARGET_AVX512 void transform_input_run(const float* image, const ConvGeometry& g, long ty, long tx, long count,
                                               long position, int nr, long block, float* v) {
  constexpr int kMaxChunks = 64;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  const long channels = g.in_channels, col0 = 2 * tx - g.pad_left;
  Chunk chunks[kMaxChunks];
  const long chunk_count = std::min<long>(kMaxChunks, (count + 15) / 16);
  for (long k = 0; k < chunk_count; ++k) {
    Chunk& ch = chunks[k];
    long tiles = std::min(16L, count - 16 * k), p = position + 16 * k, lane = p % nr;
    long split = std::min<long>(tiles, nr - lane);
    ch.column = 32 * k;
    for (int q = 0; q < 4; ++q) {
      long first = col0 + ch.column + 2 * (q / 2) + 16 * (q % 2);
      ch.load[q] = lanes(-first, g.in_width - first);
    }
    ch.here = lanes(0, split);
    ch.there = lanes(split, tiles);
    ch.panel_offset = (p / nr) * channels * nr + lane;
    ch.spill_offset = (p / nr + 1) * channels * nr - split;
  }
  long row_offset[4];
  bool row_valid[4];
  for (int r = 0; r < 4; ++r) {
    long ih = 2 * ty - g.pad_top + r;
    row_valid[r] = ih >= 0 && ih < g.in_height;
    row_offset[r] = ih * g.in_width + col0;
  }
  const long xi_stride = block * channels, span = 2 * count + 2;
  for (long c = 0; c < channels; ++c) {
    const float* plane = image + c * g.in_plane();
    if (c + 1 < channels) {
      for (int r = 0; r < 4; ++r) {
        if (!row_valid[r]) continue;
        const char* next = reinterpret_cast<const char*>(plane + g.in_plane() + row_offset[r]);
        for (long b = 0; b < span * 4; b += 64) _mm_prefetch(next + b, _MM_HINT_T0);
      }
    }
    for (long k = 0; k < chunk_count; ++k) {
      const Chunk& ch = chunks[k];
      __m512 d[4][4];
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) {
        if (!row_valid[r]) {
          d[r][0] = d[r][1] = d[r][2] = d[r][3] = _mm512_setzero_ps();
          continue;
        }
        const float* row = plane + row_offset[r] + ch.column;
#pragma GCC unroll 2
        for (int shift = 0; shift < 2; ++shift) {
          __m512 lo = _mm512_maskz_loadu_ps(ch.load[2 * shift], row + 2 * shift);
          __m512 hi = _mm512_maskz_loadu_ps(ch.load[2 * shift + 1], row + 2 * shift + 16);
          d[r][2 * shift] = _mm512_permutex2var_ps(lo, even, hi);
          d[r][2 * shift + 1] = _mm512_permutex2var_ps(lo, odd, hi);
        }
      }
      __m512 out[kXi];
      input_transform(d, out);
      float* dst = v + ch.panel_offset + c * nr;
      float* spill = v + ch.spill_offset + c * nr;
#pragma GCC unroll 16
      for (int xi = 0; xi < kXi; ++xi) {
        // A chunk that crosses into the next panel stores its tail there, lanes shifted by `split`.
        _mm512_mask_storeu_ps(dst + xi * xi_stride, ch.here, out[xi]);
        if (ch.there) _mm512_mask_storeu_ps(spill + xi * xi_stride, ch.there, out[xi]);
      }
    }
  }
}

// Output rows of up to 16 consecutive tiles of one tile row, for every output channel of one
// image, from the products (m_xi[o][position] at m + (xi * O + o) * block + position), plus bias.
LANTERN_TARGET_AVX512 void transform_output_run(const float* m, long block, long count, const float* bias,
                                                const ConvGeometry& g, long ty, long tx, const Epilogue* clamp,
                                                const float* residual, float* image) {
  const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  const long O = g.out_channels, xi_stride = O * block;
  const __mmask16 valid = lanes(0, count);
  const long col = 2 * tx, columns = std::min(2 * count, g.out_width - col);
  const __mmask16 store_lo = lanes(0, columns), store_hi = lanes(0, columns - 16);
  const int rows = 2 * ty + 1 < g.out_height ? 2 : 1;
  const __m512 floor = _mm512_set1_ps(clamp ? clamp->lo : 0.0f), ceiling = _mm512_set1_ps(clamp ? clamp->hi : 0.0f);
  for (long o = 0; o < O; ++o) {
    const float* src = m + o * block;
    __m512 v[kXi];
#pragma GCC unroll 16
    for (int xi = 0; xi < kXi; ++xi) v[xi] = _mm512_maskz_loadu_ps(valid, src + xi * xi_stride);
    __m512 y[2][2];
    output_transform(v, _mm512_set1_ps(bias ? bias[o] : 0.0f), y);
    float* dst = image + (o * g.out_height + 2 * ty) * g.out_width + col;
#pragma GCC unroll 2
    for (int i = 0; i < 2; ++i) {
      if (i >= rows) break;
      // The two output columns of each tile, interleaved into output order.
      __m512 row_lo = _mm512_permutex2var_ps(y[i][0], low, y[i][1]), row_hi = _mm512_permutex2var_ps(y[i][0], high, y[i][1]);
      if (residual) {
        const float* r = residual + (dst - image) + i * g.out_width;
        row_lo = _mm512_add_ps(row_lo, _mm512_maskz_loadu_ps(store_lo, r));
        row_hi = _mm512_add_ps(row_hi, _mm512_maskz_loadu_ps(store_hi, r + 16));
      }
      if (clamp) {  // NaN passes through, as in PyTorch
        row_lo = _mm512_min_ps(ceiling, _mm512_max_ps(floor, row_lo));
        row_hi = _mm512_min_ps(ceiling, _mm512_max_ps(floor, row_hi));
      }
      _mm512_mask_storeu_ps(dst + i * g.out_width, store_lo, row_lo);
      _mm512_mask_storeu_ps(dst + i * g.out_width + 16, store_hi, row_hi);
    }
  }
}

}  // namespace

bool winograd_suits(const ConvGeometry& g) {
  if (active_isa() != Isa::Avx512 || g.kernel_height != 3 || g.kernel_width != 3 || !g.unit_stride() ||
      g.dilation_h != 1 || g.dilation_w != 1 || g.groups != 1 || g.in_channels < 8 || g.out_channels < 8) {
    return false;
  }
  // Worth it when the padded GEMM work of 16 products per tile beats 9 per wide output position,
  // with a fifth added for the transforms: small images waste most of a tile panel.
  const Tiling t = tiling(g);
  const MicroKernel& mk = micro_kernel_for(g.out_channels, t.total);
  double tiles = static_cast<double>((t.total + mk.nr - 1) / mk.nr * mk.nr);
  double wide = static_cast<double>(g.batch) * g.out_height * (g.out_width + 2);
  return 16.0 * 1.2 * tiles < 9.0 * wide;
}

namespace {

// The micro-kernel of the 16 tile GEMMs: U_xi panels are packed for it.
const MicroKernel& winograd_kernel(const ConvGeometry& g) { return micro_kernel_for(g.out_channels, tiling(g).total); }

}  // namespace

long winograd_prepared_size(const ConvGeometry& g) {
  const MicroKernel& mk = winograd_kernel(g);
  return kXi * ((g.out_channels + mk.mr - 1) / mk.mr) * mk.mr * g.in_channels;
}

void winograd_prepare(const float* w, const ConvGeometry& g, float* panels) {
  const long O = g.out_channels, C = g.in_channels;
  const MicroKernel& mk = winograd_kernel(g);
  const long o_panels = (O + mk.mr - 1) / mk.mr;
  float* u = scratch(ScratchSlot::WinogradWeights, static_cast<size_t>(kXi) * O * C);
  transform_weights(w, O * C, u);
  parallel_for(kXi, [&](long xi) {
    StridedMatrix(u + xi * O * C, C, 1).pack_rows(0, O, 0, C, mk.mr, panels + xi * o_panels * mk.mr * C);
  });
}

void winograd_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                     const float* prepared, Activation activation, const float* residual) {
  const Epilogue clamp = epilogue_for(activation);
  const long O = g.out_channels, C = g.in_channels;
  const Tiling t = tiling(g);
  const MicroKernel& mk = winograd_kernel(g);
  const long o_panels = (O + mk.mr - 1) / mk.mr;
  // Tiles per block: whole panels, with the block's transformed inputs (16 x C x block floats)
  // near 256 KB so they and the products stay in L2.
  const long block = std::max<long>(1, std::min((t.total + mk.nr - 1) / mk.nr, 4096 / (C * mk.nr))) * mk.nr;
  const float* packed_u = prepared;
  if (!packed_u) {
    float* panels = scratch(ScratchSlot::WinogradPanels, static_cast<size_t>(winograd_prepared_size(g)));
    winograd_prepare(w, g, panels);
    packed_u = panels;
  }
  const long blocks = (t.total + block - 1) / block;
  const bool narrow = t.cols <= kNarrowTiles;
  parallel_for(blocks, [&](long b) {
    const long begin = b * block, end = std::min(t.total, begin + block), used = end - begin;
    const long t_panels = (used + mk.nr - 1) / mk.nr;
    float* v = scratch(ScratchSlot::PackB, static_cast<size_t>(kXi) * block * C);
    float* m = scratch(ScratchSlot::Wide, static_cast<size_t>(kXi) * O * block);
    // Lanes of the last panel past `used` hold stale values; their products land in columns of m
    // that the micro-kernel does not store and the output transform never reads.
    if (narrow) {
      for (long p = begin; p < end; p += 16) transform_input_narrow(x, g, t, p, std::min(16L, end - p), p - begin, mk.nr, block, v);
    } else {
      for_each_tile_run(t, begin, end, [&](long n, long ty, long tx, long count, long offset) {
        // Runs are at most 64 chunks (1024 tiles, a 2048-wide image) at a time.
        for (long i = 0; i < count; i += 1024) {
          transform_input_run(x + n * C * g.in_plane(), g, ty, tx + i, std::min(1024L, count - i), offset + i, mk.nr, block, v);
        }
      });
    }
    for (long xi = 0; xi < kXi; ++xi) {
      for (long tp = 0; tp < t_panels; ++tp) {
        const float* bp = v + xi * block * C + tp * C * mk.nr;
        int cols = static_cast<int>(std::min<long>(mk.nr, used - tp * mk.nr));
        for (long op = 0; op < o_panels; ++op) {
          int rows = static_cast<int>(std::min<long>(mk.mr, O - op * mk.mr));
          mk.run(C, packed_u + (xi * o_panels + op) * mk.mr * C, bp, m + (xi * O + op * mk.mr) * block + tp * mk.nr, block,
                 1.0f, 0.0f, rows, cols, nullptr);
        }
      }
    }
    const Epilogue* epilogue = activation == Activation::None ? nullptr : &clamp;
    if (narrow) {
      for (long p = begin; p < end; p += 16) {
        transform_output_narrow(m, block, t, p, std::min(16L, end - p), p - begin, bias, g, epilogue, residual, out);
      }
      return;
    }
    for_each_tile_run(t, begin, end, [&](long n, long ty, long tx, long count, long offset) {
      for (long i = 0; i < count; i += 16) {
        transform_output_run(m + offset + i, block, std::min(16L, count - i), bias, g, ty, tx + i, epilogue,
                             residual ? residual + n * O * g.out_plane() : nullptr, out + n * O * g.out_plane());
      }
    });
  });
}

}  // namespace lantern

#else

namespace lantern {
bool winograd_suits(const ConvGeometry&) { return false; }
void winograd_conv2d(const float*, const float*, const float*, float*, const ConvGeometry&, const float*, Activation,
                     const float*) {}
long winograd_prepared_size(const ConvGeometry&) { return 0; }
void winograd_prepare(const float*, const ConvGeometry&, float*) {}
}  // namespace lantern

#endif
