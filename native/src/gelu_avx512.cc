// GELU (erf form) on AVX-512, eight doubles at a time: the same double-precision formulas as the
// portable path (vector_math.h's verf and vexp), written with intrinsics so that each vector holds
// eight lanes rather than the compiler's four, and erf's branch for |x| >= 2 (an exponential, a
// division and a second polynomial) is computed only for vectors that have such a lane. Over
// [128, 3072] normal values (a 768-wide transformer's MLP): 0.72 -> 0.32 ms. The tanh form stays
// portable: its division in every lane ran no faster eight wide.
#include "elementwise.h"

#include <cstdint>

#include "cpu.h"
#include "lanes.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {
namespace {

LANTERN_TARGET_AVX512 inline __m512d poly(__m512d x, const double* c, int n) {
  __m512d p = _mm512_set1_pd(c[0]);
  for (int i = 1; i < n; ++i) p = _mm512_fmadd_pd(p, x, _mm512_set1_pd(c[i]));
  return p;
}

// vexp: x = n ln2 + r, e^r to r^11, 2^n in the exponent field; clamped to [-708, 709], with
// infinity above 709.78 and 0 below -708.
LANTERN_TARGET_AVX512 inline __m512d exp8(__m512d x) {
  static const double kTaylor[] = {2.505210838544172e-08, 2.755731922398589e-07, 2.755731922398589e-06,
                                   2.48015873015873e-05,  1.984126984126984e-04, 1.388888888888889e-03,
                                   8.333333333333333e-03, 4.166666666666667e-02, 1.666666666666667e-01,
                                   0.5,                   1.0,                   1.0};
  const __m512d shifter = _mm512_set1_pd(6755399441055744.0);
  const __m512d c = _mm512_min_pd(_mm512_max_pd(x, _mm512_set1_pd(-708.0)), _mm512_set1_pd(709.0));
  const __m512d shifted = _mm512_fmadd_pd(c, _mm512_set1_pd(1.4426950408889634), shifter);
  const __m512d n = _mm512_sub_pd(shifted, shifter);
  __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(0.6931471803691238), c);
  r = _mm512_fnmadd_pd(n, _mm512_set1_pd(1.9082149292705877e-10), r);
  const __m512i bits = _mm512_slli_epi64(_mm512_add_epi64(_mm512_castpd_si512(shifted), _mm512_set1_epi64(1023)), 52);
  __m512d y = _mm512_mul_pd(poly(r, kTaylor, 12), _mm512_castsi512_pd(bits));
  y = _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, _mm512_set1_pd(-708.0), _CMP_LT_OQ), _mm512_setzero_pd());
  return _mm512_mask_mov_pd(y, _mm512_cmp_pd_mask(x, _mm512_set1_pd(709.782712893384), _CMP_GT_OQ),
                            _mm512_set1_pd(__builtin_inf()));
}

// verf's two fits: x p(x^2) below |x| = 2, 1 - e^(-x^2) q(1 / |x|) from 2 to 6, 1 beyond.
LANTERN_TARGET_AVX512 inline __m512d erf8(__m512d x) {
  static const double kNear[] = {7.335662201435118e-14, -3.172026714024089e-12, 7.068449193810585e-11,
                                 -1.1174842576170106e-09, 1.4424531059151927e-08, -1.6270036646392428e-07,
                                 1.6444597629755334e-06, -1.4923331590305099e-05, 1.2055114862840123e-04,
                                 -8.548312898453379e-04, 5.223977026771706e-03, -2.6866170492070074e-02,
                                 1.1283791668905725e-01, -3.761263890307601e-01, 1.1283791670955037};
  static const double kFar[] = {0.8702788438246102, -4.174190319791301, 9.091464504976122, -11.705929378659599,
                                9.572473503357488, -4.758833996591848, 0.9992893449095526, 0.22775404393744528,
                                0.02774371638019657, -0.2848945400370696, 1.9072277056345066e-04, 0.5641817135861144,
                                1.486025975327987e-07};
  const __m512d a = _mm512_abs_pd(x);
  const __m512d t = _mm512_mul_pd(a, a);
  __m512d e = _mm512_mul_pd(a, poly(t, kNear, 15));
  const __mmask8 beyond = _mm512_cmp_pd_mask(a, _mm512_set1_pd(2.0), _CMP_GE_OQ);
  if (beyond) {
    const __m512d u = _mm512_div_pd(_mm512_set1_pd(1.0), _mm512_max_pd(a, _mm512_set1_pd(2.0)));
    const __m512d far = _mm512_fnmadd_pd(exp8(_mm512_sub_pd(_mm512_setzero_pd(), t)), poly(u, kFar, 13), _mm512_set1_pd(1.0));
    e = _mm512_mask_mov_pd(e, beyond, far);
    e = _mm512_mask_mov_pd(e, _mm512_cmp_pd_mask(a, _mm512_set1_pd(6.0), _CMP_GE_OQ), _mm512_set1_pd(1.0));
  }
  // The sign of x. A NaN lane stays NaN: its polynomial is NaN and its comparisons are false.
  return _mm512_castsi512_pd(_mm512_or_si512(_mm512_castpd_si512(e),
                                             _mm512_and_si512(_mm512_castpd_si512(x), _mm512_set1_epi64(INT64_MIN))));
}

// 0.5 x (1 + erf(x / sqrt(2))).
LANTERN_TARGET_AVX512 inline __m512d gelu8(__m512d x) {
  const __m512d inner = erf8(_mm512_mul_pd(x, _mm512_set1_pd(0.7071067811865476)));
  return _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(0.5), x), _mm512_add_pd(_mm512_set1_pd(1.0), inner));
}

}  // namespace

LANTERN_TARGET_AVX512 void gelu_avx512(const float* x, long n, float* out) {
  for (long i = 0; i < n; i += 16) {
    const __mmask16 here = lanes(0, n - i);
    const __m512 v = _mm512_maskz_loadu_ps(here, x + i);
    const __m256 low = _mm512_cvtpd_ps(gelu8(_mm512_cvtps_pd(_mm512_castps512_ps256(v))));
    const __m256 high = _mm512_cvtpd_ps(gelu8(_mm512_cvtps_pd(_mm512_extractf32x8_ps(v, 1))));
    _mm512_mask_storeu_ps(out + i, here, _mm512_insertf32x8(_mm512_castps256_ps512(low), high, 1));
  }
}

}  // namespace lantern

#else

namespace lantern {
// Never called: unary_row takes it only on AVX-512.
void gelu_avx512(const float*, long, float*) {}
}  // namespace lantern

#endif
