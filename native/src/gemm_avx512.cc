// AVX-512 micro-kernels: an MR x (16 * NV) tile held in MR * NV zmm accumulators, with NV vector
// loads of B and MR broadcasts of A per k step. Three shapes share one template so that the driver
// can pick the one that pads a given product least: 14 x 32 (28 accumulators, the default), 8 x 48
// (24; exact for the multiples of 8 that channel counts and sequence lengths usually are) and
// 6 x 64 (24; for products only a few rows tall, such as small convolutions' output channels).
// Each sustains about 28 or 24 FMAs per 10 to 16 loads, enough to keep the FMA pipes busy.
#include "cpu.h"
#include "gemm.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

// A panels are prefetched this many k steps ahead. Packed per call, A sits in L2; prepared
// convolution weights are read straight from their buffer, which a model's other layers have
// pushed out to L3 or memory, and the A stream then stalls every broadcast: ResNet-18 at batch 1
// ran 24 ms without it and 21 ms with it. Past a panel's end they fetch the next (and never fault).
constexpr long kAheadA = 64;
// In-place B rows are also fetched 64 columns ahead along each row (the tiles to the right): they
// are activations a model's previous layer left in L3 or memory. A 1x1 32 -> 16 layer over
// 112x112 at batch 8, after the layer that feeds it: 1.32 -> 1.05 ms.
constexpr long kColsAhead = 64;

// The C tile's lines, fetched for writing while the k loop runs, when the tile is overwritten
// (beta = 0): a convolution's output is fresh memory, and a store to a line not in cache waits for
// it to be read. MobileNetV2 at batch 8: 64 -> 59 ms.
template <int NV>
inline void prefetch_tile(float* c, long ldc, int m) {
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (int v = 0; v < NV; ++v) __builtin_prefetch(row + 16 * v, 1, 3);
    __builtin_prefetch(row + 16 * NV - 1, 1, 3);
  }
}

template <int MR, int NV>
LANTERN_TARGET_AVX512 void kernel(long k, const float* a, const float* b, float* c, long ldc, float alpha, float beta,
                                  int m, int n, const Epilogue* epilogue) {
  constexpr int NR = 16 * NV;
  if (beta == 0.0f) prefetch_tile<NV>(c, ldc, m);
  __m512 acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  for (long p = 0; p < k; ++p) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 8 * NR), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + kAheadA * MR), _MM_HINT_T0);
    if (MR > 16) _mm_prefetch(reinterpret_cast<const char*>(a + kAheadA * MR + 16), _MM_HINT_T0);
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_load_ps(b + 16 * v);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
    b += NR;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const bool read_c = beta != 0.0f;
  // Without an epilogue the clamp is to (-inf, inf), which leaves every value (NaN included) as it is.
  const float* residual = epilogue && epilogue->residual ? epilogue->residual + (c - epilogue->origin) : nullptr;
  const __m512 floor = _mm512_set1_ps(epilogue ? epilogue->lo : -__builtin_inff());
  const __m512 ceiling = _mm512_set1_ps(epilogue ? epilogue->hi : __builtin_inff());
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int left = n - 16 * v;
    mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
  }
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 r = _mm512_mul_ps(acc[i][v], va);
      if (read_c) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[v], row + 16 * v), r);
      if (residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], residual + i * ldc + 16 * v));
      if (epilogue) r = _mm512_min_ps(ceiling, _mm512_max_ps(floor, r));  // NaN passes through, as in PyTorch
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
    }
  }
}

// The same tile with B read in place: row p of B at b_rows[p] + b_col, masked to the n columns
// that exist, so the last panel of a row never reads past its end. Rows a few steps ahead are
// prefetched, since they lie wherever the caller's matrix (or padded image) puts them.
template <int MR, int NV>
LANTERN_TARGET_AVX512 void kernel_indirect(long k, const float* a, const float* const* b_rows, long b_col, float* c,
                                           long ldc, float alpha, float beta, int m, int n, const Epilogue* epilogue) {
  __mmask16 mask[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    int left = n - 16 * v;
    mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : static_cast<__mmask16>((1u << left) - 1);
  }
  if (beta == 0.0f) prefetch_tile<NV>(c, ldc, m);
  __m512 acc[MR][NV];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
  }
  constexpr long kAhead = 6;
  for (long p = 0; p < k; ++p) {
    if (p + kAhead < k) _mm_prefetch(reinterpret_cast<const char*>(b_rows[p + kAhead] + b_col), _MM_HINT_T0);
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(b_rows[p] + b_col + kColsAhead + 16 * v), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(a + kAheadA * MR), _MM_HINT_T0);
    if (MR > 16) _mm_prefetch(reinterpret_cast<const char*>(a + kAheadA * MR + 16), _MM_HINT_T0);
    const float* b = b_rows[p] + b_col;
    __m512 bv[NV];
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], b + 16 * v);
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      __m512 ai = _mm512_set1_ps(a[i]);
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    a += MR;
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  const bool read_c = beta != 0.0f;
  // Without an epilogue the clamp is to (-inf, inf), which leaves every value (NaN included) as it is.
  const float* residual = epilogue && epilogue->residual ? epilogue->residual + (c - epilogue->origin) : nullptr;
  const __m512 floor = _mm512_set1_ps(epilogue ? epilogue->lo : -__builtin_inff());
  const __m512 ceiling = _mm512_set1_ps(epilogue ? epilogue->hi : __builtin_inff());
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      __m512 r = _mm512_mul_ps(acc[i][v], va);
      if (read_c) r = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[v], row + 16 * v), r);
      if (residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], residual + i * ldc + 16 * v));
      if (epilogue) r = _mm512_min_ps(ceiling, _mm512_max_ps(floor, r));  // NaN passes through, as in PyTorch
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
    }
  }
}

}  // namespace

const MicroKernel* avx512_micro_kernels(int* count) {
  // Cache blocks: kc = 512 (k split evenly), mc so the packed A block (mc x kc) stays in L2.
  static const MicroKernel kernels[] = {
      {14, 32, 14 * 24, 512, 2048, kernel<14, 2>, "avx512-14x32", kernel_indirect<14, 2>, true},
      {8, 48, 8 * 42, 512, 2048, kernel<8, 3>, "avx512-8x48", kernel_indirect<8, 3>, true},
      {6, 64, 6 * 56, 512, 2048, kernel<6, 4>, "avx512-6x64", kernel_indirect<6, 4>, true},
      {28, 16, 28 * 12, 512, 2048, kernel<28, 1>, "avx512-28x16", kernel_indirect<28, 1>, true},
  };
  *count = 4;
  return kernels;
}

}  // namespace lantern
#endif
