// The weight gradient of small unit-stride convolutions (LeNet's 1->6 and 6->16 layers, say) in
// inner-product form. With few output channels (M) and few patch columns (N) but a k that runs over
// every wide position of every image, the packed GEMM pads M and N up to whole 6 x 64 tiles and
// transposes both operands into panels: more packing than arithmetic. Here both operands are read
// where they lie, 16 positions per vector, since every row of gy_wide and every column of the
// patch matrix is contiguous along k; a 4 x 6 block of dot products keeps 24 accumulators and
// needs 10 loads per 24 FMAs, and each sum is reduced to a scalar once, at the end.
#include "conv.h"
#include "cpu.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

constexpr int kRows = 4;     // output channels per block
constexpr int kColumns = 6;  // patch columns (c, kh, kw) per block

LANTERN_TARGET_AVX512 void dot_block(const float* wide, const float* padded, const ConvGeometry& g, const PaddedShape& p,
                                     long wide_plane, long gi, long o0, int rows, long j0, int columns,
                                     const long* offsets, float* grad_weight) {
  __m512 acc[kRows][kColumns];
  for (int i = 0; i < kRows; ++i) {
    for (int j = 0; j < kColumns; ++j) acc[i][j] = _mm512_setzero_ps();
  }
  const long og = g.group_out(), patch = g.patch();
  const long tail = wide_plane % 16;
  const __mmask16 tail_mask = static_cast<__mmask16>((1u << tail) - 1);
  for (long n = 0; n < g.batch; ++n) {
    // Missing rows and columns of a partial block repeat the last real one; their sums are dropped.
    const float* a[kRows];
    const float* b[kColumns];
    for (int i = 0; i < kRows; ++i) a[i] = wide + (n * g.out_channels + gi * og + o0 + std::min(i, rows - 1)) * wide_plane;
    const float* image = padded + (n * g.in_channels + gi * g.group_in()) * p.plane();
    for (int j = 0; j < kColumns; ++j) b[j] = image + offsets[j0 + std::min(j, columns - 1)];
    long s = 0;
    for (; s + 16 <= wide_plane; s += 16) {
      __m512 av[kRows];
      for (int i = 0; i < kRows; ++i) av[i] = _mm512_loadu_ps(a[i] + s);
      for (int j = 0; j < kColumns; ++j) {
        __m512 bv = _mm512_loadu_ps(b[j] + s);
        for (int i = 0; i < kRows; ++i) acc[i][j] = _mm512_fmadd_ps(av[i], bv, acc[i][j]);
      }
    }
    if (tail) {
      __m512 av[kRows];
      for (int i = 0; i < kRows; ++i) av[i] = _mm512_maskz_loadu_ps(tail_mask, a[i] + s);
      for (int j = 0; j < kColumns; ++j) {
        __m512 bv = _mm512_maskz_loadu_ps(tail_mask, b[j] + s);
        for (int i = 0; i < kRows; ++i) acc[i][j] = _mm512_fmadd_ps(av[i], bv, acc[i][j]);
      }
    }
  }
  for (int i = 0; i < rows; ++i) {
    float* out = grad_weight + (gi * og + o0 + i) * patch + j0;
    for (int j = 0; j < columns; ++j) out[j] += _mm512_reduce_add_ps(acc[i][j]);
  }
}

}  // namespace

bool dot_weight_grad_suits(const ConvGeometry& g) {
  // Tiles of the packed GEMM would be mostly padding, and the whole operand set stays in L2.
  return active_isa() == Isa::Avx512 && g.group_out() * g.patch() <= 4096 && g.patch() <= 256;
}

void dot_weight_grad(const float* wide, const float* padded, const ConvGeometry& g, const PaddedShape& p,
                     long wide_plane, float* grad_weight) {
  const long og = g.group_out(), patch = g.patch(), taps = g.kernel_height * g.kernel_width;
  long offsets[256];
  for (long col = 0; col < patch; ++col) {
    long c = col / taps, kh = col % taps / g.kernel_width, kw = col % g.kernel_width;
    offsets[col] = c * p.plane() + kh * g.dilation_h * p.width + kw * g.dilation_w;
  }
  const long row_blocks = (og + kRows - 1) / kRows, column_blocks = (patch + kColumns - 1) / kColumns;
  const long blocks = g.groups * row_blocks * column_blocks;
  // Blocks write disjoint entries of grad_weight, so they can run on any thread in any order.
  parallel_range(blocks, 1, [&](long begin, long end) {
    for (long t = begin; t < end; ++t) {
      long gi = t / (row_blocks * column_blocks), r = t % (row_blocks * column_blocks);
      long o0 = r / column_blocks * kRows, j0 = r % column_blocks * kColumns;
      dot_block(wide, padded, g, p, wide_plane, gi, o0, static_cast<int>(std::min<long>(kRows, og - o0)), j0,
                static_cast<int>(std::min<long>(kColumns, patch - j0)), offsets, grad_weight);
    }
  });
}

}  // namespace lantern

#else

namespace lantern {
bool dot_weight_grad_suits(const ConvGeometry&) { return false; }
void dot_weight_grad(const float*, const float*, const ConvGeometry&, const PaddedShape&, long, float*) {}
}  // namespace lantern

#endif
