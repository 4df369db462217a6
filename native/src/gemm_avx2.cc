// AVX2 + FMA micro-kernel: a 6 x 16 tile in 12 ymm accumulators, the classic Haswell blocking
// (16 registers: 12 accumulators, 2 B vectors, 1 broadcast).
#include "cpu.h"
#include "gemm.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

constexpr int MR = 6;
constexpr int NR = 16;

LANTERN_TARGET_AVX2 void kernel_6x16(long k, const float* a, const float* b, float* c, long ldc,
                                     float alpha, float beta, int m, int n, const Epilogue* epilogue) {
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (long p = 0; p < k; ++p) {
    __m256 b0 = _mm256_load_ps(b);
    __m256 b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += MR;
    b += NR;
  }
  __m256 va = _mm256_set1_ps(alpha);
  __m256 vb = _mm256_set1_ps(beta);
  if (m == MR && n == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      float* row = c + i * ldc;
      __m256 lo = _mm256_mul_ps(acc[i][0], va);
      __m256 hi = _mm256_mul_ps(acc[i][1], va);
      if (beta != 0.0f) {
        lo = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row), lo);
        hi = _mm256_fmadd_ps(vb, _mm256_loadu_ps(row + 8), hi);
      }
      if (epilogue) {
        const __m256 floor = _mm256_set1_ps(epilogue->lo), ceiling = _mm256_set1_ps(epilogue->hi);
        lo = _mm256_min_ps(ceiling, _mm256_max_ps(floor, lo));  // NaN passes through
        hi = _mm256_min_ps(ceiling, _mm256_max_ps(floor, hi));
      }
      _mm256_storeu_ps(row, lo);
      _mm256_storeu_ps(row + 8, hi);
    }
    return;
  }
  // Edge tile: spill to a local tile and copy the valid corner.
  alignas(32) float tile[MR * NR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    _mm256_store_ps(tile + i * NR, acc[i][0]);
    _mm256_store_ps(tile + i * NR + 8, acc[i][1]);
  }
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      float v = alpha * tile[i * NR + j];
      row[j] = beta != 0.0f ? v + beta * row[j] : v;
    }
  }
  clamp_stored_tile(c, m, n, ldc, epilogue);
}

}  // namespace

const MicroKernel& avx2_micro_kernel() {
  static const MicroKernel kernel{MR, NR, 6 * 24, 256, 2048, kernel_6x16, "avx2-6x16", nullptr};
  return kernel;
}

}  // namespace lantern
#endif
