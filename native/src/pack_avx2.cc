// Packing of operands stored along k (row-major A, transposed B, image rows of a convolution): an
// 8 x 8 in-register transpose replaces 64 scalar moves with 8 loads, 24 shuffles and 8 stores. Used
// on AVX2 and AVX-512 machines alike, since packing is limited by memory, not by vector width.
#include "cpu.h"
#include "pack.h"

#if LANTERN_X86
#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace lantern {
namespace {

LANTERN_TARGET_AVX2 inline void transpose8x8(__m256 r[8]) {
  __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r[0] = _mm256_permute2f128_ps(u0, u4, 0x20);
  r[1] = _mm256_permute2f128_ps(u1, u5, 0x20);
  r[2] = _mm256_permute2f128_ps(u2, u6, 0x20);
  r[3] = _mm256_permute2f128_ps(u3, u7, 0x20);
  r[4] = _mm256_permute2f128_ps(u0, u4, 0x31);
  r[5] = _mm256_permute2f128_ps(u1, u5, 0x31);
  r[6] = _mm256_permute2f128_ps(u2, u6, 0x31);
  r[7] = _mm256_permute2f128_ps(u3, u7, 0x31);
}

// Lines r0 .. r0 + 7 of the panel, read through line[0..8); only the first `valid` are stored.
LANTERN_TARGET_AVX2 void pack_group(const float* const* line, long r0, int valid, long kc, int width, float* dst) {
  // Panels narrower than 8 (the 6-row tile) store through a lane mask: a memcpy per k step would
  // cost a library call per 24 bytes and dominate the whole product.
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  long p = 0;
  for (; p + 8 <= kc; p += 8) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(line[i] + p);
    transpose8x8(r);
    for (int q = 0; q < 8; ++q) {
      float* out = dst + (p + q) * width + r0;
      if (valid == 8) _mm256_storeu_ps(out, r[q]);
      else _mm256_maskstore_ps(out, mask, r[q]);
    }
  }
  for (; p < kc; ++p) {
    for (int i = 0; i < valid; ++i) dst[p * width + r0 + i] = line[i][p];
  }
}

}  // namespace

LANTERN_TARGET_AVX2 void pack_lines_avx2(const float* const* lines, int count, long kc, int width, float* dst) {
  // Whole groups of 8, then the last group shifted back to overlap the previous one, so that every
  // store stays full width; only panels narrower than 8 need partial stores.
  const float* group[8];
  auto pack = [&](long r0, int valid) {
    for (int i = 0; i < 8; ++i) group[i] = lines[r0 + std::min(i, valid - 1)];
    pack_group(group, r0, valid, kc, width, dst);
  };
  long r0 = 0;
  for (; r0 + 8 <= count; r0 += 8) pack(r0, 8);
  if (r0 < count) {
    if (count >= 8) pack(count - 8, 8);
    else pack(0, count);
  }
  if (count < width) {
    for (long p = 0; p < kc; ++p) std::fill(dst + p * width + count, dst + (p + 1) * width, 0.0f);
  }
}

}  // namespace lantern
#endif
