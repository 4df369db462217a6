// Products with a few rows whose B columns are contiguous (x W^T for a Linear layer's weights W at
// a small batch): each output is the dot product of a row of A with a column of B, and B (the
// weights) is read from memory once, straight from where it lies. The blocked GEMM would first pack
// the transposed B, a pass over megabytes for a handful of multiply-adds per element: MobileNetV2's
// 1280 -> 1000 classifier at batch 8 took 0.91 ms that way.
#include <algorithm>

#include "cpu.h"
#include "gemm.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {
namespace {

struct Dots {
  const float* a;
  long lda, m;
  const float* b;
  long ldb, k;
  float* c;
  long ldc;
  float alpha, beta;

  void store(long i, long j, double sum) const {
    float* out = c + i * ldc + j;
    *out = beta == 0.0f ? alpha * static_cast<float>(sum) : alpha * static_cast<float>(sum) + beta * *out;
  }
};

// Columns [j0, j1) one at a time, rows four at a time: four independent sums per column.
void dots_portable(const Dots& d, long j0, long j1) {
  for (long j = j0; j < j1; ++j) {
    const float* col = d.b + j * d.ldb;
    for (long i0 = 0; i0 < d.m; i0 += 4) {
      const long rows = std::min(4L, d.m - i0);
      float sum[4] = {};
      for (long p = 0; p < d.k; ++p) {
        for (long r = 0; r < rows; ++r) sum[r] += d.a[(i0 + r) * d.lda + p] * col[p];
      }
      for (long r = 0; r < rows; ++r) d.store(i0 + r, j, sum[r]);
    }
  }
}

#if LANTERN_X86
// Up to 4 rows x 4 columns of sums in 16 vectors of 16 partial sums each, k masked at the end,
// reduced across lanes once at the end.
LANTERN_TARGET_AVX512 void dots_avx512(const Dots& d, long j0, long j1) {
  for (long j = j0; j < j1; j += 4) {
    const long cols = std::min(4L, j1 - j);
    for (long i0 = 0; i0 < d.m; i0 += 4) {
      const long rows = std::min(4L, d.m - i0);
      __m512 acc[4][4];
      for (int r = 0; r < 4; ++r) {
        for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_setzero_ps();
      }
      for (long p = 0; p < d.k; p += 16) {
        const __mmask16 mask = d.k - p >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (d.k - p)) - 1);
        __m512 bv[4], av[4];
        for (int q = 0; q < 4; ++q) bv[q] = q < cols ? _mm512_maskz_loadu_ps(mask, d.b + (j + q) * d.ldb + p) : _mm512_setzero_ps();
        for (int r = 0; r < 4; ++r) av[r] = r < rows ? _mm512_maskz_loadu_ps(mask, d.a + (i0 + r) * d.lda + p) : _mm512_setzero_ps();
        for (int r = 0; r < 4; ++r) {
          for (int q = 0; q < 4; ++q) acc[r][q] = _mm512_fmadd_ps(av[r], bv[q], acc[r][q]);
        }
      }
      for (long r = 0; r < rows; ++r) {
        for (long q = 0; q < cols; ++q) d.store(i0 + r, j + q, _mm512_reduce_add_ps(acc[r][q]));
      }
    }
  }
}
#endif

}  // namespace

bool gemm_dots(const float* a, long lda, long m, const float* b, long ldb, long n, long k, float* c, long ldc, float alpha,
               float beta) {
  if (m > kDotRowsMax || k < kDotDepthMin) return false;
  const Dots d{a, lda, m, b, ldb, k, c, ldc, alpha, beta};
  // Columns split across the pool once the product is worth waking it for (~1M multiply-adds).
  const long grain = std::max(4L, (1L << 20) / std::max(1L, m * k));
  parallel_range(n, grain, [&](long j0, long j1) {
#if LANTERN_X86
    if (active_isa() == Isa::Avx512) {
      dots_avx512(d, j0, j1);
      return;
    }
#endif
    dots_portable(d, j0, j1);
  });
  return true;
}

}  // namespace lantern
