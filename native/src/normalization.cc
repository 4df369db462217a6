#include "normalization.h"

#include <algorithm>
#include <cmath>

#include "cpu.h"
#include "thread_pool.h"

namespace lantern {

// Eight interleaved double accumulators (a shape the vectoriser turns into one register), folded in
// a fixed order so results do not depend on threading.
LANTERN_VECTORIZE double sum_run(const float* x, long n) {
  double part[8] = {};
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) part[j] += x[i + j];
  }
  double sum = 0.0;
  for (; i < n; ++i) sum += x[i];
  for (int j = 0; j < 8; ++j) sum += part[j];
  return sum;
}

namespace {

LANTERN_VECTORIZE void affine_run(const float* x, long n, double scale, double shift, float* out) {
  for (long i = 0; i < n; ++i) out[i] = static_cast<float>(x[i] * scale + shift);
}

// The sum of (x - center)^2 in eight interleaved double accumulators, as sum_run.
LANTERN_VECTORIZE double squared_deviation_run(const float* x, long n, double center) {
  double part[8] = {};
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) part[j] += (x[i + j] - center) * (x[i + j] - center);
  }
  double sum = 0.0;
  for (; i < n; ++i) sum += (x[i] - center) * (x[i] - center);
  for (int j = 0; j < 8; ++j) sum += part[j];
  return sum;
}

LANTERN_VECTORIZE void normalize_run(const float* x, long n, double mean, double rstd, const float* weight,
                                     const float* bias, float* out) {
  if (weight && bias) for (long i = 0; i < n; ++i) out[i] = static_cast<float>((x[i] - mean) * rstd * weight[i] + bias[i]);
  else if (weight) for (long i = 0; i < n; ++i) out[i] = static_cast<float>((x[i] - mean) * rstd * weight[i]);
  else if (bias) for (long i = 0; i < n; ++i) out[i] = static_cast<float>((x[i] - mean) * rstd + bias[i]);
  else for (long i = 0; i < n; ++i) out[i] = static_cast<float>((x[i] - mean) * rstd);
}

}  // namespace

void batch_norm_inference(const float* x, const float* mean, const float* var, const float* weight, const float* bias,
                          double eps, long outer, long channels, long inner, float* out) {
  parallel_range(outer * channels, std::max(1L, 65536 / std::max(1L, inner)), [&](long begin, long end) {
    for (long plane = begin; plane < end; ++plane) {
      long c = plane % channels;
      double scale = (weight ? weight[c] : 1.0) * (1.0 / std::sqrt(static_cast<double>(var[c]) + eps));
      double shift = (bias ? bias[c] : 0.0) - mean[c] * scale;
      affine_run(x + plane * inner, inner, scale, shift, out + plane * inner);
    }
  });
}

void layer_norm(const float* x, const float* weight, const float* bias, long rows, long size, double eps, float* out,
                float* mean, float* rstd) {
  parallel_range(rows, std::max(1L, 65536 / std::max(1L, size)), [&](long begin, long end) {
    for (long r = begin; r < end; ++r) {
      const float* row = x + r * size;
      // Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2, which cancels.
      double m = size > 0 ? sum_run(row, size) / size : 0.0;
      double var = size > 0 ? squared_deviation_run(row, size, m) / size : 0.0;
      double s = 1.0 / std::sqrt(var + eps);
      normalize_run(row, size, m, s, weight, bias, out + r * size);
      if (mean) mean[r] = static_cast<float>(m);
      if (rstd) rstd[r] = static_cast<float>(s);
    }
  });
}

}  // namespace lantern
