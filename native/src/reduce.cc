#include "reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu.h"
#include "thread_pool.h"
#include "vector_math.h"

namespace lantern {
namespace {

constexpr long kParallelElements = 1 << 16;

double identity(ReduceOp op) {
  switch (op) {
    case ReduceOp::prod: return 1.0;
    case ReduceOp::max: return -std::numeric_limits<double>::infinity();
    case ReduceOp::min: return std::numeric_limits<double>::infinity();
    default: return 0.0;
  }
}

// Folds v into acc; once an accumulator is NaN it stays NaN.
template <ReduceOp Op>
inline double fold(double acc, double v) {
  if (Op == ReduceOp::sum) return acc + v;
  if (Op == ReduceOp::prod) return acc * v;
  bool better = Op == ReduceOp::max ? v > acc : v < acc;
  return (std::isnan(v) || better) && !std::isnan(acc) ? v : acc;
}

// One contiguous row: eight independent accumulators, so consecutive additions do not wait on
// each other; combined in a fixed order, so the result does not depend on threading.
template <ReduceOp Op>
double fold_row(const float* x, long n, double acc) {
  double part[8];
  std::fill(part, part + 8, identity(Op));
  long i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int j = 0; j < 8; ++j) part[j] = fold<Op>(part[j], x[i + j]);
  }
  for (; i < n; ++i) acc = fold<Op>(acc, x[i]);
  for (int j = 0; j < 8; ++j) acc = fold<Op>(acc, part[j]);
  return acc;
}

template <ReduceOp Op>
void reduce_as(const float* x, long outer, long size, long inner, float* out) {
  if (inner == 1 && outer < num_threads() && size >= kParallelElements) {
    // Few long rows: split each row across the pool and combine the partial results in order.
    long chunks = num_threads();
    std::vector<double> partial(chunks);
    for (long o = 0; o < outer; ++o) {
      const float* row = x + o * size;
      long step = (size + chunks - 1) / chunks;
      parallel_for(chunks, [&](long c) {
        long begin = std::min(size, c * step), end = std::min(size, begin + step);
        partial[c] = fold_row<Op>(row + begin, end - begin, identity(Op));
      });
      double acc = identity(Op);
      for (double p : partial) acc = fold<Op>(acc, p);
      out[o] = static_cast<float>(acc);
    }
    return;
  }
  long grain = std::max(1L, kParallelElements / std::max(1L, size * inner));
  parallel_range(outer, grain, [&](long begin, long end) {
    std::vector<double> acc(inner);
    for (long o = begin; o < end; ++o) {
      const float* block = x + o * size * inner;
      if (inner == 1) {
        out[o] = static_cast<float>(fold_row<Op>(block, size, identity(Op)));
        continue;
      }
      std::fill(acc.begin(), acc.end(), identity(Op));
      for (long s = 0; s < size; ++s) {
        const float* row = block + s * inner;
        for (long i = 0; i < inner; ++i) acc[i] = fold<Op>(acc[i], row[i]);
      }
      for (long i = 0; i < inner; ++i) out[o * inner + i] = static_cast<float>(acc[i]);
    }
  });
}

}  // namespace

void reduce(ReduceOp op, const float* x, long outer, long size, long inner, float* out) {
  switch (op) {
    case ReduceOp::sum: reduce_as<ReduceOp::sum>(x, outer, size, inner, out); break;
    case ReduceOp::prod: reduce_as<ReduceOp::prod>(x, outer, size, inner, out); break;
    case ReduceOp::max: reduce_as<ReduceOp::max>(x, outer, size, inner, out); break;
    case ReduceOp::min: reduce_as<ReduceOp::min>(x, outer, size, inner, out); break;
    case ReduceOp::Count: break;
  }
}

void arg_reduce(bool is_max, const float* x, long outer, long size, long inner, float* values, int32_t* indices) {
  long grain = std::max(1L, kParallelElements / std::max(1L, size));
  parallel_range(outer * inner, grain, [&](long begin, long end) {
    for (long r = begin; r < end; ++r) {
      const float* base = x + (r / inner) * size * inner + r % inner;
      float best = base[0];
      long best_index = 0;
      for (long s = 1; s < size && !std::isnan(best); ++s) {
        float v = base[s * inner];
        if (std::isnan(v) || (is_max ? v > best : v < best)) {
          best = v;
          best_index = s;
        }
      }
      values[r] = best;
      indices[r] = static_cast<int32_t>(best_index);
    }
  });
}

namespace {

// Softmax of `rows` contiguous rows of `size` elements, or of one [size, inner] block along its
// first axis when inner > 1 (each column a row). Exponentials are recomputed for the output rather
// than stored, so every value is exp(x - max) / sum in double, rounded once, as in the reference.
// Math.max semantics: one NaN makes its whole row NaN.
LANTERN_VECTORIZE void softmax_rows(const float* x, long rows, long size, bool log, float* out) {
  for (long r = 0; r < rows; ++r) {
    const float* in = x + r * size;
    float* dst = out + r * size;
    // Eight independent partial maxima and sums: a single running value is a dependency chain
    // the compiler may not reorder (no fast-math), which would leave the exponentials scalar.
    constexpr int kLanes = 8;
    float maxes[kLanes];
    int nans[kLanes] = {};
    for (int j = 0; j < kLanes; ++j) maxes[j] = -std::numeric_limits<float>::infinity();
    long s = 0;
    for (; s + kLanes <= size; s += kLanes) {
      for (int j = 0; j < kLanes; ++j) {
        float v = in[s + j];
        maxes[j] = v > maxes[j] ? v : maxes[j];
        nans[j] |= v != v;
      }
    }
    float max = -std::numeric_limits<float>::infinity();
    bool nan = false;
    for (; s < size; ++s) {
      max = in[s] > max ? in[s] : max;
      nan |= in[s] != in[s];
    }
    for (int j = 0; j < kLanes; ++j) {
      max = maxes[j] > max ? maxes[j] : max;
      nan |= nans[j] != 0;
    }
    double m = nan ? NAN : max == -std::numeric_limits<float>::infinity() ? 0.0 : max;
    double sums[kLanes] = {};
    s = 0;
    for (; s + kLanes <= size; s += kLanes) {
      for (int j = 0; j < kLanes; ++j) sums[j] += vexp(in[s + j] - m);
    }
    double sum = 0.0;
    for (; s < size; ++s) sum += vexp(in[s] - m);
    for (int j = 0; j < kLanes; ++j) sum += sums[j];
    if (log) {
      double lse = std::log(sum) + m;
      for (long s = 0; s < size; ++s) dst[s] = static_cast<float>(in[s] - lse);
    } else {
      double inv = 1.0 / sum;
      for (long s = 0; s < size; ++s) dst[s] = static_cast<float>(vexp(in[s] - m) * inv);
    }
  }
}

LANTERN_VECTORIZE void softmax_columns(const float* x, long size, long inner, bool log, float* out, double* max,
                                       double* sum) {
  for (long i = 0; i < inner; ++i) max[i] = -std::numeric_limits<double>::infinity(), sum[i] = 0.0;
  for (long s = 0; s < size; ++s) {
    const float* in = x + s * inner;
    for (long i = 0; i < inner; ++i) max[i] = in[i] != in[i] || max[i] != max[i] ? NAN : in[i] > max[i] ? in[i] : max[i];
  }
  for (long i = 0; i < inner; ++i) max[i] = max[i] == -std::numeric_limits<double>::infinity() ? 0.0 : max[i];
  for (long s = 0; s < size; ++s) {
    const float* in = x + s * inner;
    for (long i = 0; i < inner; ++i) sum[i] += vexp(in[i] - max[i]);
  }
  for (long i = 0; i < inner; ++i) sum[i] = log ? std::log(sum[i]) + max[i] : 1.0 / sum[i];
  for (long s = 0; s < size; ++s) {
    const float* in = x + s * inner;
    float* dst = out + s * inner;
    if (log) for (long i = 0; i < inner; ++i) dst[i] = static_cast<float>(in[i] - sum[i]);
    else for (long i = 0; i < inner; ++i) dst[i] = static_cast<float>(vexp(in[i] - max[i]) * sum[i]);
  }
}

}  // namespace

void softmax(const float* x, long outer, long size, long inner, bool log, float* out) {
  long grain = std::max(1L, kParallelElements / std::max(1L, size * inner));
  parallel_range(outer, grain, [&](long begin, long end) {
    if (inner == 1 && !log && active_isa() == Isa::Avx512) {
      softmax_rows_avx512(x + begin * size, end - begin, size, out + begin * size);
      return;
    }
    if (inner == 1) {
      softmax_rows(x + begin * size, end - begin, size, log, out + begin * size);
      return;
    }
    std::vector<double> max(inner), sum(inner);
    for (long o = begin; o < end; ++o) {
      softmax_columns(x + o * size * inner, size, inner, log, out + o * size * inner, max.data(), sum.data());
    }
  });
}

}  // namespace lantern
