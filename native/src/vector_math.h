// exp, tanh, sigmoid and erf in double precision, written without branches or library calls so
// that loops over them vectorise (libm's versions are opaque calls, one element at a time). Each is
// accurate to a few units in the last place of a double, far below the float32 rounding every
// kernel ends with, so results agree with the reference backend's libm-based values.
#pragma once

#include <cstdint>
#include <cstring>

namespace lantern {

inline double bits_to_double(uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

inline uint64_t double_to_bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// e^x: x = n ln2 + r with |r| <= ln2 / 2, e^r from its Taylor series to r^11 (truncation error
// below 1e-14), 2^n assembled in the exponent field. Inputs are clamped to [-708, 709] so 2^n
// stays a normal double; below -708 the result is flushed to zero (it would be subnormal).
inline double vexp(double x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 0.6931471803691238, kLn2Lo = 1.9082149292705877e-10;
  constexpr double kShifter = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  double overflow = x > 709.782712893384 ? __builtin_inf() : 0.0;
  double c = x < -708.0 ? -708.0 : x > 709.0 ? 709.0 : x;
  double shifted = c * kLog2e + kShifter;
  double n = shifted - kShifter;
  double r = c - n * kLn2Hi - n * kLn2Lo;
  double p = 2.505210838544172e-08;  // 1 / 11!
  p = p * r + 2.755731922398589e-07;
  p = p * r + 2.755731922398589e-06;
  p = p * r + 2.48015873015873e-05;
  p = p * r + 1.984126984126984e-04;
  p = p * r + 1.388888888888889e-03;
  p = p * r + 8.333333333333333e-03;
  p = p * r + 4.166666666666667e-02;
  p = p * r + 1.666666666666667e-01;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // The low bits of `shifted` hold n; adding the exponent bias and shifting builds 2^n.
  double scale = bits_to_double((double_to_bits(shifted) + 1023) << 52);
  double y = p * scale;
  y = x < -708.0 ? 0.0 : y;
  return overflow != 0.0 ? overflow : y;
}

// tanh from e^(2|x|) as 1 - 2 / (e + 1), which cancels for small |x|: there the odd Taylor series
// to x^7 is used instead (error below 1e-17 for |x| < 0.01).
inline double vtanh(double x) {
  double a = x < 0 ? -x : x;
  double big = 1.0 - 2.0 / (vexp(2.0 * a) + 1.0);
  double a2 = a * a;
  double small = a * (1.0 + a2 * (-1.0 / 3.0 + a2 * (2.0 / 15.0 + a2 * (-17.0 / 315.0))));
  double t = a < 0.01 ? small : big;
  t = x < 0 ? -t : t;
  return x != x ? x : t;
}

// 1 / (1 + e^-x), and e^x / (1 + e^x) for negative x so neither side overflows.
inline double vsigmoid(double x) {
  double e = vexp(x < 0 ? x : -x);
  return x >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}

// erf: below |x| = 2, x times a degree-14 polynomial in x^2 (relative error 2e-14); from 2 to 6,
// 1 - e^(-x^2) q(1 / x) with q a degree-12 polynomial fitted to erfc(x) e^(x^2) (error 4e-14);
// beyond 6, erf is 1 to within 2e-17. Coefficients: Chebyshev least-squares fits against mpmath.
inline double verf(double x) {
  double a = x < 0 ? -x : x;
  double t = a * a;
  double p = 7.335662201435118e-14;
  p = p * t - 3.172026714024089e-12;
  p = p * t + 7.068449193810585e-11;
  p = p * t - 1.1174842576170106e-09;
  p = p * t + 1.4424531059151927e-08;
  p = p * t - 1.6270036646392428e-07;
  p = p * t + 1.6444597629755334e-06;
  p = p * t - 1.4923331590305099e-05;
  p = p * t + 1.2055114862840123e-04;
  p = p * t - 8.548312898453379e-04;
  p = p * t + 5.223977026771706e-03;
  p = p * t - 2.6866170492070074e-02;
  p = p * t + 1.1283791668905725e-01;
  p = p * t - 3.761263890307601e-01;
  p = p * t + 1.1283791670955037;
  double near = a * p;
  double u = 1.0 / (a < 2.0 ? 2.0 : a);
  double q = 0.8702788438246102;
  q = q * u - 4.174190319791301;
  q = q * u + 9.091464504976122;
  q = q * u - 11.705929378659599;
  q = q * u + 9.572473503357488;
  q = q * u - 4.758833996591848;
  q = q * u + 0.9992893449095526;
  q = q * u + 0.22775404393744528;
  q = q * u + 0.02774371638019657;
  q = q * u - 0.2848945400370696;
  q = q * u + 1.9072277056345066e-04;
  q = q * u + 0.5641817135861144;
  q = q * u + 1.486025975327987e-07;
  double far = 1.0 - vexp(-t) * q;
  double e = a < 2.0 ? near : a < 6.0 ? far : 1.0;
  e = x < 0 ? -e : e;
  return x != x ? x : e;
}

}  // namespace lantern
