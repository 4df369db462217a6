// AVX-512 softmax along contiguous rows in float32, as PyTorch computes it on the CPU: e^(x - max)
// from a degree-7 polynomial (a few units in the last place of a float) stored on the way, their
// sum accumulated in 16 lanes and added up in double, then one multiply by its reciprocal. The
// portable path (reduce.cc) works in double throughout and ran five times slower (0.58 against
// 0.11 ms on [12, 128, 128] attention scores). The two agree to 3e-7 relative on scores of unit
// scale and 2e-6 on scores spread over +-30, where the float subtraction x - max (as PyTorch's)
// sets the error of the smallest probabilities.
#include "reduce.h"

#include "cpu.h"
#include "lanes.h"

#if LANTERN_X86
#include <immintrin.h>

#include <limits>

namespace lantern {
namespace {

// e^x for x <= 0 (and NaN): x = n ln2 + r, |r| <= ln2 / 2, e^r by its Taylor series to r^7
// (truncation below 1e-8 relative), scaled by 2^n with scalef, which flushes to zero past the
// smallest subnormal. Inputs below -104 give 0 (e^-104 is below every float).
LANTERN_TARGET_AVX512 inline __m512 exp_nonpositive(__m512 x) {
  const __m512 clamped = _mm512_max_ps(x, _mm512_set1_ps(-104.0f));  // NaN stays NaN
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(clamped, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693145751953125f), clamped);
  r = _mm512_fnmadd_ps(n, _mm512_set1_ps(1.428606765330187045e-06f), r);
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, n);
}

}  // namespace

LANTERN_TARGET_AVX512 void softmax_rows_avx512(const float* x, long rows, long size, float* out) {
  const float inf = std::numeric_limits<float>::infinity();
  for (long row = 0; row < rows; ++row) {
    const float* in = x + row * size;
    float* dst = out + row * size;
    // The maximum, and whether a NaN is anywhere in the row (then, as Math.max, all of it is NaN).
    __m512 best = _mm512_set1_ps(-inf);
    __mmask16 nan = 0;
    for (long s = 0; s < size; s += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(lanes(0, size - s), in + s);
      nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
      best = _mm512_mask_max_ps(best, lanes(0, size - s), best, v);
    }
    if (nan) {
      for (long s = 0; s < size; ++s) dst[s] = std::numeric_limits<float>::quiet_NaN();
      continue;
    }
    const float max = _mm512_reduce_max_ps(best);
    // A row of -inf (max -inf) is shifted by 0: every e^x is 0 and the row comes out NaN (0 / 0).
    const __m512 shift = _mm512_set1_ps(max == -inf ? 0.0f : max);
    __m512 sum = _mm512_setzero_ps();
    for (long s = 0; s < size; s += 16) {
      const __mmask16 here = lanes(0, size - s);
      const __m512 e = exp_nonpositive(_mm512_sub_ps(_mm512_maskz_loadu_ps(here, in + s), shift));
      sum = _mm512_mask_add_ps(sum, here, sum, e);
      _mm512_mask_storeu_ps(dst + s, here, e);
    }
    alignas(64) float lanes_sum[16];
    _mm512_store_ps(lanes_sum, sum);
    double total = 0.0;
    for (float v : lanes_sum) total += v;
    const __m512 scale = _mm512_set1_ps(static_cast<float>(1.0 / total));
    for (long s = 0; s < size; s += 16) {
      const __mmask16 here = lanes(0, size - s);
      _mm512_mask_storeu_ps(dst + s, here, _mm512_mul_ps(_mm512_maskz_loadu_ps(here, dst + s), scale));
    }
  }
}

}  // namespace lantern

#else

namespace lantern {
// Never called: softmax() takes it only on AVX-512.
void softmax_rows_avx512(const float*, long, long, float*) {}
}  // namespace lantern

#endif
