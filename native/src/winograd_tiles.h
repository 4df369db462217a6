// Internals shared by the Winograd F(2x2, 3x3) convolution (conv_winograd.cc) and its variant for
// narrow images (conv_winograd_narrow.cc): the tile order and the per-tile transforms.
#pragma once

#include "conv.h"
#include "cpu.h"

#if LANTERN_X86
#include <immintrin.h>

#include <algorithm>

namespace lantern {
namespace winograd {

constexpr int kXi = 16;  // elements of a 4x4 transformed tile

struct Tiling {
  long rows, cols, per_image, total;  // tiles per column, per row, per image, in the batch
};

inline Tiling tiling(const ConvGeometry& g) {
  long rows = (g.out_height + 1) / 2, cols = (g.out_width + 1) / 2;
  return {rows, cols, rows * cols, g.batch * rows * cols};
}

// Positions [begin, end) of the global tile order (image, tile row, tile column) as runs along one
// tile row: visit(image, tile row, first tile column, count, offset from begin).
template <typename Visit>
void for_each_tile_run(const Tiling& t, long begin, long end, Visit visit) {
  for (long p = begin; p < end;) {
    long n = p / t.per_image, rest = p % t.per_image, ty = rest / t.cols, tx = rest % t.cols;
    long count = std::min(end - p, t.cols - tx);
    visit(n, ty, tx, count, p - begin);
    p += count;
  }
}

// B^T d B for sixteen tiles at once, B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1]: down the
// columns, then along the rows; v[4 * i + j] receives V_xi for xi = 4 * i + j.
LANTERN_TARGET_AVX512 inline void input_transform(const __m512 (&d)[4][4], __m512 (&v)[kXi]) {
  __m512 t[4][4];
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    t[0][j] = _mm512_sub_ps(d[0][j], d[2][j]);
    t[1][j] = _mm512_add_ps(d[1][j], d[2][j]);
    t[2][j] = _mm512_sub_ps(d[2][j], d[1][j]);
    t[3][j] = _mm512_sub_ps(d[1][j], d[3][j]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    v[4 * i] = _mm512_sub_ps(t[i][0], t[i][2]);
    v[4 * i + 1] = _mm512_add_ps(t[i][1], t[i][2]);
    v[4 * i + 2] = _mm512_sub_ps(t[i][2], t[i][1]);
    v[4 * i + 3] = _mm512_sub_ps(t[i][1], t[i][3]);
  }
}

// A^T m A plus the bias for sixteen tiles, A^T = [1 1 1 0; 0 1 -1 -1]: y[i][e] is output row i,
// column e of every tile.
LANTERN_TARGET_AVX512 inline void output_transform(const __m512 (&m)[kXi], __m512 bias, __m512 (&y)[2][2]) {
  __m512 s[2][4];
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    s[0][j] = _mm512_add_ps(_mm512_add_ps(m[j], m[4 + j]), m[8 + j]);
    s[1][j] = _mm512_sub_ps(_mm512_sub_ps(m[4 + j], m[8 + j]), m[12 + j]);
  }
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i) {
    y[i][0] = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[i][0], s[i][1]), s[i][2]), bias);
    y[i][1] = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[i][1], s[i][2]), s[i][3]), bias);
  }
}

// Images at most this many tiles wide (output width <= 14) take the narrow transforms below: a
// tile row is too short to fill a vector, so a chunk of 16 consecutive tile positions gathers
// several tile rows (of one image or the next).
constexpr long kNarrowTiles = 7;

// The sixteen V_xi of the tiles at block positions [position, position + tiles) (global tile p),
// every input channel, written into the block's packed B panels (panel = position / nr,
// lane = position % nr, k = channel).
void transform_input_narrow(const float* x, const ConvGeometry& g, const Tiling& t, long p, long tiles,
                            long position, int nr, long block, float* v);
// Output rows of those tiles, every output channel, from the products (m_xi[o][position] at
// m + (xi * O + o) * block + position), plus bias, residual and clamp.
void transform_output_narrow(const float* m, long block, const Tiling& t, long p, long tiles, long position,
                             const float* bias, const ConvGeometry& g, const Epilogue* clamp, const float* residual,
                             float* out);

}  // namespace winograd
}  // namespace lantern
#endif
