// Packing of operands stored along k (row-major A, transposed B): an 8 x 8 in-register transpose
// replaces 64 scalar moves with 8 loads, 24 shuffles and 8 stores. Used on AVX2 and AVX-512
// machines alike, since packing is limited by memory, not by vector width.
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

// Lines [r0, r0 + 8) of the panel; only the first `valid` are stored.
LANTERN_TARGET_AVX2 void pack_group(const float* src, long ld, long r0, int valid, long kc, int width,
                                    float* dst) {
  const float* line[8];
  for (int i = 0; i < 8; ++i) line[i] = src + (r0 + std::min(i, valid - 1)) * ld;
  long p = 0;
  for (; p + 8 <= kc; p += 8) {
    __m256 r[8];
    for (int i = 0; i < 8; ++i) r[i] = _mm256_loadu_ps(line[i] + p);
    transpose8x8(r);
    for (int q = 0; q < 8; ++q) {
      float* out = dst + (p + q) * width + r0;
      if (valid == 8) {
        _mm256_storeu_ps(out, r[q]);
      } else {
        alignas(32) float tmp[8];
        _mm256_store_ps(tmp, r[q]);
        std::memcpy(out, tmp, valid * sizeof(float));
      }
    }
  }
  for (; p < kc; ++p) {
    for (int i = 0; i < valid; ++i) dst[p * width + r0 + i] = line[i][p];
  }
}

}  // namespace

LANTERN_TARGET_AVX2 void pack_transposed_avx2(const float* src, long ld, int lines, long kc, int width,
                                              float* dst) {
  // Whole groups of 8, then the last group shifted back to overlap the previous one, so that every
  // store stays full width; only panels narrower than 8 need partial stores.
  long r0 = 0;
  for (; r0 + 8 <= lines; r0 += 8) pack_group(src, ld, r0, 8, kc, width, dst);
  if (r0 < lines) {
    if (lines >= 8) pack_group(src, ld, lines - 8, 8, kc, width, dst);
    else pack_group(src, ld, 0, lines, kc, width, dst);
  }
  if (lines < width) {
    for (long p = 0; p < kc; ++p) std::fill(dst + p * width + lines, dst + (p + 1) * width, 0.0f);
  }
}

}  // namespace lantern
#endif
