// AVX-512 double micro-kernels: an MR x (8 * NV) tile in MR * NV zmm accumulators, NV vector loads
// of B and MR broadcasts of A per k step. Two shapes share one template so the driver can pick the
// one that pads a product least: 14 x 16 (28 accumulators, the default) and 8 x 24 (24; for
// products 24 or 48 columns wide and for short ones, such as the panels of blocked factorisations).
#include "cpu.h"
#include "dgemm.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

template <int MR, int NV>
LANTERN_TARGET_AVX512 void kernel(long k, const double* a, const double* b, double* c, long ldc, double alpha,
                                  double beta, int m, int n) {
  constexpr int NR = 8 * NV;
  __m512d acc[MR][NV];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_pd();
  }
  for (long p = 0; p < k; ++p) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
    __m512d bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_pd(b + 8 * v);
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      __m512d ai = _mm512_set1_pd(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_pd(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }
  const __m512d va = _mm512_set1_pd(alpha), vb = _mm512_set1_pd(beta);
  const bool read_c = beta != 0.0;
  __mmask8 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int left = n - 8 * v;
    mask[v] = left >= 8 ? 0xFF : left <= 0 ? 0 : static_cast<__mmask8>((1u << left) - 1);
  }
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i) {
    if (i >= m) break;
    double* row = c + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512d r = _mm512_mul_pd(acc[i][v], va);
      if (read_c) r = _mm512_fmadd_pd(vb, _mm512_maskz_loadu_pd(mask[v], row + 8 * v), r);
      _mm512_mask_storeu_pd(row + 8 * v, mask[v], r);
    }
  }
}

}  // namespace

LANTERN_TARGET_AVX512 void dot4_avx512(const double* x, const double* r0, const double* r1, const double* r2,
                                       const double* r3, long k, double* out) {
  __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  long p = 0;
  for (; p + 8 <= k; p += 8) {
    __m512d xv = _mm512_loadu_pd(x + p);
    s0 = _mm512_fmadd_pd(_mm512_loadu_pd(r0 + p), xv, s0);
    s1 = _mm512_fmadd_pd(_mm512_loadu_pd(r1 + p), xv, s1);
    s2 = _mm512_fmadd_pd(_mm512_loadu_pd(r2 + p), xv, s2);
    s3 = _mm512_fmadd_pd(_mm512_loadu_pd(r3 + p), xv, s3);
  }
  if (p < k) {
    __mmask8 tail = static_cast<__mmask8>((1u << (k - p)) - 1);
    __m512d xv = _mm512_maskz_loadu_pd(tail, x + p);
    s0 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r0 + p), xv, s0);
    s1 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r1 + p), xv, s1);
    s2 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r2 + p), xv, s2);
    s3 = _mm512_fmadd_pd(_mm512_maskz_loadu_pd(tail, r3 + p), xv, s3);
  }
  // Through memory rather than _mm512_reduce_add_pd, whose GCC 12 expansion warns (-Wuninitialized).
  alignas(64) double lanes[4][8];
  _mm512_store_pd(lanes[0], s0);
  _mm512_store_pd(lanes[1], s1);
  _mm512_store_pd(lanes[2], s2);
  _mm512_store_pd(lanes[3], s3);
  for (int r = 0; r < 4; ++r) {
    double t = 0.0;
    for (int l = 0; l < 8; ++l) t += lanes[r][l];
    out[r] = t;
  }
}

const DoubleKernel* avx512_double_kernels(int* count) {
  // kc = 256 keeps a B micro-panel (256 x 16 doubles, 32 KiB) streaming from L1/L2 and the packed
  // A block (mc x kc) within a 1 MiB L2.
  static const DoubleKernel kernels[] = {
      {14, 16, 14 * 12, 256, 1024, kernel<14, 2>, "avx512-14x16"},
      {8, 24, 8 * 21, 256, 1032, kernel<8, 3>, "avx512-8x24"},
  };
  *count = 2;
  return kernels;
}

}  // namespace lantern
#endif
