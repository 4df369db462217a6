// AVX2 + FMA double micro-kernel: a 6 x 8 tile in 12 ymm accumulators, the Haswell blocking of the
// float kernel (gemm_avx2.cc) with four doubles per register.
#include "cpu.h"
#include "dgemm.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

constexpr int MR = 6;
constexpr int NR = 8;

LANTERN_TARGET_AVX2 void kernel_6x8(long k, const double* a, const double* b, double* c, long ldc, double alpha,
                                    double beta, int m, int n) {
  __m256d acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_pd();
  for (long p = 0; p < k; ++p) {
    __m256d b0 = _mm256_load_pd(b);
    __m256d b1 = _mm256_load_pd(b + 4);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      __m256d ai = _mm256_broadcast_sd(a + i);
      acc[i][0] = _mm256_fmadd_pd(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_pd(ai, b1, acc[i][1]);
    }
    a += MR;
    b += NR;
  }
  const __m256d va = _mm256_set1_pd(alpha), vb = _mm256_set1_pd(beta);
  if (m == MR && n == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      double* row = c + i * ldc;
      __m256d lo = _mm256_mul_pd(acc[i][0], va);
      __m256d hi = _mm256_mul_pd(acc[i][1], va);
      if (beta != 0.0) {
        lo = _mm256_fmadd_pd(vb, _mm256_loadu_pd(row), lo);
        hi = _mm256_fmadd_pd(vb, _mm256_loadu_pd(row + 4), hi);
      }
      _mm256_storeu_pd(row, lo);
      _mm256_storeu_pd(row + 4, hi);
    }
    return;
  }
  // Edge tile: spill to a local tile and copy the valid corner.
  alignas(32) double tile[MR * NR];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) {
    _mm256_store_pd(tile + i * NR, acc[i][0]);
    _mm256_store_pd(tile + i * NR + 4, acc[i][1]);
  }
  for (int i = 0; i < m; ++i) {
    double* row = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      double v = alpha * tile[i * NR + j];
      row[j] = beta != 0.0 ? v + beta * row[j] : v;
    }
  }
}

LANTERN_TARGET_AVX2 double sum(__m256d v) {
  __m128d half = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(half, _mm_unpackhi_pd(half, half)));
}

}  // namespace

LANTERN_TARGET_AVX2 void dot4_avx2(const double* x, const double* r0, const double* r1, const double* r2,
                                   const double* r3, long k, double* out) {
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  long p = 0;
  for (; p + 4 <= k; p += 4) {
    __m256d xv = _mm256_loadu_pd(x + p);
    s0 = _mm256_fmadd_pd(_mm256_loadu_pd(r0 + p), xv, s0);
    s1 = _mm256_fmadd_pd(_mm256_loadu_pd(r1 + p), xv, s1);
    s2 = _mm256_fmadd_pd(_mm256_loadu_pd(r2 + p), xv, s2);
    s3 = _mm256_fmadd_pd(_mm256_loadu_pd(r3 + p), xv, s3);
  }
  double t0 = sum(s0), t1 = sum(s1), t2 = sum(s2), t3 = sum(s3);
  for (; p < k; ++p) {
    t0 += r0[p] * x[p];
    t1 += r1[p] * x[p];
    t2 += r2[p] * x[p];
    t3 += r3[p] * x[p];
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
}

const DoubleKernel& avx2_double_kernel() {
  static const DoubleKernel kernel{MR, NR, 6 * 16, 256, 1024, kernel_6x8, "avx2-6x8"};
  return kernel;
}

}  // namespace lantern
#endif
