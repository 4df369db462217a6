// Winograd transforms for narrow images (see winograd_tiles.h): a chunk of 16 consecutive tile
// positions is cut into segments, one per tile row it touches. A segment's 2 * count + 2 <= 16
// input columns of a row come in one load, and masked permutes place its tiles' columns into the
// segment's lanes; the output transform runs once per chunk and each segment's two output rows are
// permuted out of it.
#include "winograd_tiles.h"
#include "lanes.h"

#if LANTERN_X86
#include <algorithm>
#include <cstdint>

namespace lantern {
namespace winograd {
namespace {

struct Segment {
  long n, ty, tx, count, lane;
};

// The segments of the chunk of tile positions [p, p + tiles); returns how many.
int chunk_segments(const Tiling& t, long p, long tiles, Segment* segments) {
  int count = 0;
  for_each_tile_run(t, p, p + tiles, [&](long n, long ty, long tx, long run, long lane) {
    segments[count++] = {n, ty, tx, run, lane};
  });
  return count;
}

// Lane lane + i of the result takes element 2 * i + first of the source, for i < count.
LANTERN_TARGET_AVX512 inline __m512i spread_index(long lane, long count, long first) {
  alignas(64) int32_t index[16] = {};
  for (long i = 0; i < count; ++i) index[lane + i] = static_cast<int32_t>(2 * i + first);
  return _mm512_load_si512(index);
}

}  // namespace

// The sixteen V_xi of the tiles at block positions [position, position + tiles), every input
// channel, written into the block's packed B panels as transform_input_run writes them.
LANTERN_TARGET_AVX512 void transform_input_narrow(const float* x, const ConvGeometry& g, const Tiling& t, long p,
                                                  long tiles, long position, int nr, long block, float* v) {
  struct Load {
    long offset[4];  // start of each of the four input rows (channel 0)
    bool inside[4];  // whether the row lies inside the image (outside rows stay zero)
    __mmask16 columns, lanes;
    __m512i index[4];  // d[r][j]: lane lane + i takes loaded column 2 * i + j
  };
  Segment segments[16];
  Load loads[16];
  const int count = chunk_segments(t, p, tiles, segments);
  const long plane = g.in_plane(), channels = g.in_channels;
  for (int k = 0; k < count; ++k) {
    const Segment& s = segments[k];
    Load& l = loads[k];
    const long col0 = 2 * s.tx - g.pad_left;
    for (int r = 0; r < 4; ++r) {
      long ih = 2 * s.ty - g.pad_top + r;
      l.inside[r] = ih >= 0 && ih < g.in_height;
      l.offset[r] = s.n * channels * plane + ih * g.in_width + col0;
    }
    l.columns = lanes(-col0, g.in_width - col0);
    l.lanes = lanes(s.lane, s.lane + s.count);
    for (int j = 0; j < 4; ++j) l.index[j] = spread_index(s.lane, s.count, j);
  }
  const long lane0 = position % nr, split = std::min<long>(tiles, nr - lane0);
  const __mmask16 here = lanes(0, split), there = lanes(split, tiles);
  float* dst = v + (position / nr) * channels * nr + lane0;
  float* spill = v + (position / nr + 1) * channels * nr - split;
  const long xi_stride = block * channels;
  for (long c = 0; c < channels; ++c) {
    __m512 d[4][4];
    for (int r = 0; r < 4; ++r) {
      for (int j = 0; j < 4; ++j) d[r][j] = _mm512_setzero_ps();
    }
    for (int k = 0; k < count; ++k) {
      const Load& l = loads[k];
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) {
        if (!l.inside[r]) continue;
        __m512 a = _mm512_maskz_loadu_ps(l.columns, x + c * plane + l.offset[r]);
#pragma GCC unroll 4
        for (int j = 0; j < 4; ++j) d[r][j] = _mm512_mask_permutexvar_ps(d[r][j], l.lanes, l.index[j], a);
      }
    }
    __m512 out[kXi];
    input_transform(d, out);
#pragma GCC unroll 16
    for (int xi = 0; xi < kXi; ++xi) {
      _mm512_mask_storeu_ps(dst + xi * xi_stride + c * nr, here, out[xi]);
      if (there) _mm512_mask_storeu_ps(spill + xi * xi_stride + c * nr, there, out[xi]);
    }
  }
}

// Output rows of the tiles at block positions [position, position + tiles), every output channel,
// from the products, plus bias, residual and clamp: the output transform runs once per chunk and
// each segment's two output rows are permuted out of it.
LANTERN_TARGET_AVX512 void transform_output_narrow(const float* m, long block, const Tiling& t, long p, long tiles,
                                                   long position, const float* bias, const ConvGeometry& g,
                                                   const Epilogue* clamp, const float* residual, float* out) {
  struct Store {
    long offset;  // output element of the segment's first tile, channel 0
    int rows;
    __mmask16 columns;
    __m512i index;  // output column 2 * i + e takes lane lane + i of y_e
  };
  Segment segments[16];
  Store stores[16];
  const int count = chunk_segments(t, p, tiles, segments);
  const long O = g.out_channels, plane = g.out_plane();
  for (int k = 0; k < count; ++k) {
    const Segment& s = segments[k];
    Store& st = stores[k];
    st.offset = s.n * O * plane + 2 * s.ty * g.out_width + 2 * s.tx;
    st.rows = 2 * s.ty + 1 < g.out_height ? 2 : 1;
    st.columns = lanes(0, std::min(2 * s.count, g.out_width - 2 * s.tx));
    alignas(64) int32_t index[16] = {};
    for (long i = 0; i < s.count; ++i) {
      index[2 * i] = static_cast<int32_t>(s.lane + i);
      index[2 * i + 1] = static_cast<int32_t>(16 + s.lane + i);
    }
    st.index = _mm512_load_si512(index);
  }
  const __mmask16 valid = lanes(0, tiles);
  const long xi_stride = O * block;
  const __m512 floor = _mm512_set1_ps(clamp ? clamp->lo : 0.0f), ceiling = _mm512_set1_ps(clamp ? clamp->hi : 0.0f);
  for (long o = 0; o < O; ++o) {
    const float* src = m + o * block + position;
    __m512 v[kXi];
#pragma GCC unroll 16
    for (int xi = 0; xi < kXi; ++xi) v[xi] = _mm512_maskz_loadu_ps(valid, src + xi * xi_stride);
    __m512 y[2][2];
    output_transform(v, _mm512_set1_ps(bias ? bias[o] : 0.0f), y);
    for (int k = 0; k < count; ++k) {
      const Store& st = stores[k];
      for (int i = 0; i < st.rows; ++i) {
        const long at = st.offset + o * plane + i * g.out_width;
        __m512 row = _mm512_permutex2var_ps(y[i][0], st.index, y[i][1]);
        if (residual) row = _mm512_add_ps(row, _mm512_maskz_loadu_ps(st.columns, residual + at));
        if (clamp) row = _mm512_min_ps(ceiling, _mm512_max_ps(floor, row));  // NaN passes through
        _mm512_mask_storeu_ps(out + at, st.columns, row);
      }
    }
  }
}

}  // namespace winograd
}  // namespace lantern
#endif
