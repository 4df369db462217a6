// AVX-512 micro-kernel: a 14 x 32 tile held in 28 zmm accumulators (two vectors per row), leaving
// registers for the two B vectors and the broadcast A element. Each k step is 28 FMAs against
// 2 vector loads and 14 broadcasts, enough to keep both FMA pipes busy.
#include "cpu.h"
#include "gemm.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

constexpr int MR = 14;
constexpr int NR = 32;

LANTERN_TARGET_AVX512 inline void store_row(float* c, __m512 lo, __m512 hi, __m512 alpha, __m512 beta,
                                            bool read_c, __mmask16 mlo, __mmask16 mhi) {
  lo = _mm512_mul_ps(lo, alpha);
  hi = _mm512_mul_ps(hi, alpha);
  if (read_c) {
    lo = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(mlo, c), lo);
    hi = _mm512_fmadd_ps(beta, _mm512_maskz_loadu_ps(mhi, c + 16), hi);
  }
  _mm512_mask_storeu_ps(c, mlo, lo);
  _mm512_mask_storeu_ps(c + 16, mhi, hi);
}

LANTERN_TARGET_AVX512 void kernel_14x32(long k, const float* a, const float* b, float* c, long ldc,
                                        float alpha, float beta, int m, int n) {
  __m512 acc[MR][2];
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (long p = 0; p < k; ++p) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
    __m512 b0 = _mm512_load_ps(b);
    __m512 b1 = _mm512_load_ps(b + 16);
#pragma GCC unroll 14
    for (int i = 0; i < MR; ++i) {
      __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += MR;
    b += NR;
  }
  __m512 va = _mm512_set1_ps(alpha);
  __m512 vb = _mm512_set1_ps(beta);
  bool read_c = beta != 0.0f;
  __mmask16 mlo = n >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << n) - 1);
  __mmask16 mhi = n >= 32 ? 0xFFFF : n <= 16 ? 0 : static_cast<__mmask16>((1u << (n - 16)) - 1);
#pragma GCC unroll 14
  for (int i = 0; i < MR; ++i) {
    if (i < m) store_row(c + i * ldc, acc[i][0], acc[i][1], va, vb, read_c, mlo, mhi);
  }
}

}  // namespace

const MicroKernel& avx512_micro_kernel() {
  static const MicroKernel kernel{MR, NR, 14 * 48, 512, 2048, kernel_14x32, "avx512-14x32"};
  return kernel;
}

}  // namespace lantern
#endif
