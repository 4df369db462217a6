// Float64 clustering kernels (cluster.h). Reproducibility against the TypeScript reference rules
// the arithmetic: every sum runs in the reference's order, and the code that must round as the
// reference does is compiled without FMA (GCC contracts a * b + c into an FMA wherever FMA is
// enabled, even in ISO mode and in intrinsics, which would change the last bit).
#include "cluster.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "cpu.h"
#include "dgemm.h"
#include "thread_pool.h"

#if LANTERN_X86
#include <immintrin.h>
#endif

namespace lantern {
namespace {

// Rows per GEMM block of the assignment step: scikit-learn's CHUNK_SIZE (and the reference's).
constexpr long kChunkRows = 256;

double squared_norm(const double* v, long d) {
  double s = 0;
  for (long t = 0; t < d; ++t) s += v[t] * v[t];
  return s;
}

// Index of the smallest of v[0..k) (the first on ties) with selects instead of branches: on
// random data the comparison's outcome is unpredictable, and a mispredicted branch per center
// cost more than the GEMM that produced the values.
inline long argmin(const double* v, long k, double* best_value) {
  double best = v[0];
  long index = 0;
  for (long j = 1; j < k; ++j) {
    bool less = v[j] < best;
    best = less ? v[j] : best;
    index = less ? j : index;
  }
  *best_value = best;
  return index;
}

}  // namespace

void nearest_centers(const double* x, long n, long d, const double* centers, long k, int32_t* labels,
                     double* min_distances) {
  if (n == 0 || k == 0) return;
  std::vector<double> center_norms(k);
  for (long j = 0; j < k; ++j) center_norms[j] = squared_norm(centers + j * d, d);
  long blocks = (n + kChunkRows - 1) / kChunkRows;
  parallel_range(blocks, 1, [&](long first, long last) {
    std::vector<double> block(kChunkRows * k);
    for (long b = first; b < last; ++b) {
      long start = b * kChunkRows;
      long count = std::min(kChunkRows, n - start);
      // Each row starts as the center norms and the GEMM adds -2 x.c (beta = 1): ||x||^2 is the same
      // for every center, so the argmin needs only this.
      for (long r = 0; r < count; ++r) std::copy(center_norms.begin(), center_norms.end(), block.begin() + r * k);
      dgemm(false, true, count, k, d, -2.0, x + start * d, d, centers, d, 1.0, block.data(), k, false);
      for (long r = 0; r < count; ++r) {
        double best;
        labels[start + r] = static_cast<int32_t>(argmin(block.data() + r * k, k, &best));
        if (min_distances) {
          double v = squared_norm(x + (start + r) * d, d) + best;
          min_distances[start + r] = v > 0 ? v : 0;
        }
      }
    }
  });
}

namespace {

// Squared distance summed in groups of four, each group added to the total in turn: the order of
// scikit-learn's _euclidean_dense_dense and of the reference's squaredEuclidean.
inline double squared_euclidean(const double* a, const double* b, long d) {
  double result = 0;
  long t = 0;
  for (; t + 4 <= d; t += 4) {
    double t0 = a[t] - b[t], t1 = a[t + 1] - b[t + 1], t2 = a[t + 2] - b[t + 2], t3 = a[t + 3] - b[t + 3];
    result += t0 * t0 + t1 * t1 + t2 * t2 + t3 * t3;
  }
  for (; t < d; ++t) {
    double e = a[t] - b[t];
    result += e * e;
  }
  return result;
}

// The first assignment: a center is measured only if the half center distance says it could be nearer.
void elkan_first(const double* x, long d, const double* centers, long k, const double* half, int32_t* labels,
                 double* upper, double* lower, long begin, long end) {
  for (long i = begin; i < end; ++i) {
    const double* xi = x + i * d;
    double* lb = lower + i * k;
    long best = 0;
    double min_dist = std::sqrt(squared_euclidean(xi, centers, d));
    lb[0] = min_dist;
    for (long j = 1; j < k; ++j) {
      if (min_dist > half[best * k + j]) {
        double dist = std::sqrt(squared_euclidean(xi, centers + j * d, d));
        lb[j] = dist;
        if (dist < min_dist) {
          min_dist = dist;
          best = j;
        }
      }
    }
    labels[i] = static_cast<int32_t>(best);
    upper[i] = min_dist;
  }
}

// Elkan's steps 2-3 for rows [begin, end); lower bounds are stored lazily (see elkan.ts).
void elkan_update(const double* x, long d, const double* centers, long k, const double* half,
                  const double* next_center, const double* drift, int32_t* labels, double* upper, double* lower,
                  long begin, long end) {
  for (long i = begin; i < end; ++i) {
    long label = labels[i];
    double ub = upper[i];
    // Step 2: a center closer than twice the upper bound is the only way the label can change.
    if (next_center[label] >= ub) continue;
    const double* xi = x + i * d;
    double* lb = lower + i * k;
    bool tight = false;
    const double* row = half + label * k;
    for (long j = 0; j < k; ++j) {
      if (j == label || !(ub > row[j])) continue;
      double l = lb[j] - drift[j];
      double bound = l > 0 ? l : 0;
      if (!(ub > bound)) continue;
      if (!tight) {
        ub = std::sqrt(squared_euclidean(xi, centers + label * d, d));
        lb[label] = ub + drift[label];
        tight = true;
      }
      // Step 3(b): with the tight bound, is center j still a candidate?
      if (ub > bound || ub > row[j]) {
        double dist = std::sqrt(squared_euclidean(xi, centers + j * d, d));
        lb[j] = dist + drift[j];
        if (dist < ub) {
          label = j;
          row = half + j * k;
          ub = dist;
        }
      }
    }
    labels[i] = static_cast<int32_t>(label);
    upper[i] = ub;
  }
}

}  // namespace

void elkan_assign(const double* x, long n, long d, const double* centers, long k, const double* half,
                  const double* next_center, const double* drift, int32_t* labels, double* upper, double* lower,
                  bool first) {
  parallel_range(n, 1024, [&](long begin, long end) {
    if (first) {
      elkan_first(x, d, centers, k, half, labels, upper, lower, begin, end);
    } else {
      elkan_update(x, d, centers, k, half, next_center, drift, labels, upper, lower, begin, end);
    }
  });
}

namespace {

// The pairs (i, j) for j in [from, n): one running sum per pair, feature by feature.
__attribute__((noinline)) void distances_scalar(const double* x, long d, long i, long from, long n,
                                                const double* row_part, const double* col_part, double* out) {
  const double* a = x + i * d;
  long row = static_cast<long>(row_part[i]);
  for (long j = from; j < n; ++j) {
    const double* b = x + j * d;
    double s = 0;
    for (long t = 0; t < d; ++t) {
      double e = a[t] - b[t];
      s += e * e;
    }
    out[row + static_cast<long>(col_part[j])] = std::sqrt(s);
  }
}

#if LANTERN_X86
// Sixteen pairs at once, one lane per pair: lane l of accumulator q sums (x_i[t] - x_{j+4q+l}[t])^2
// over t in order, so every pair rounds exactly as the scalar loop. xt is x transposed ([d, n]),
// which makes the sixteen partners' feature t contiguous. Returns the first j not done. AVX2
// without FMA: GCC contracts even intrinsic multiply-adds when FMA is enabled.
__attribute__((target("avx2"))) long distances_avx2(const double* x, const double* xt, long n, long d, long i,
                                         const double* row_part, const double* col_part, double* out) {
  const double* a = x + i * d;
  long row = static_cast<long>(row_part[i]);
  long j = i + 1;
  alignas(32) double sums[16];
  for (; j + 16 <= n; j += 16) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
    const double* column = xt + j;
    for (long t = 0; t < d; ++t, column += n) {
      __m256d v = _mm256_broadcast_sd(a + t);
      __m256d e0 = _mm256_sub_pd(v, _mm256_loadu_pd(column));
      __m256d e1 = _mm256_sub_pd(v, _mm256_loadu_pd(column + 4));
      __m256d e2 = _mm256_sub_pd(v, _mm256_loadu_pd(column + 8));
      __m256d e3 = _mm256_sub_pd(v, _mm256_loadu_pd(column + 12));
      s0 = _mm256_add_pd(s0, _mm256_mul_pd(e0, e0));
      s1 = _mm256_add_pd(s1, _mm256_mul_pd(e1, e1));
      s2 = _mm256_add_pd(s2, _mm256_mul_pd(e2, e2));
      s3 = _mm256_add_pd(s3, _mm256_mul_pd(e3, e3));
    }
    _mm256_store_pd(sums, _mm256_sqrt_pd(s0));
    _mm256_store_pd(sums + 4, _mm256_sqrt_pd(s1));
    _mm256_store_pd(sums + 8, _mm256_sqrt_pd(s2));
    _mm256_store_pd(sums + 12, _mm256_sqrt_pd(s3));
    for (int l = 0; l < 16; ++l) out[row + static_cast<long>(col_part[j + l])] = sums[l];
  }
  return j;
}
#endif

}  // namespace

void pairwise_distances(const double* x, long n, long d, const double* row_part, const double* col_part, double* out) {
  if (n < 2) return;
#if LANTERN_X86
  bool simd = active_isa() == Isa::Avx2 || active_isa() == Isa::Avx512;
#else
  bool simd = false;
#endif
  std::vector<double> xt;
  if (simd) {
    xt.resize(static_cast<size_t>(n) * d);
    for (long i = 0; i < n; ++i)
      for (long t = 0; t < d; ++t) xt[t * n + i] = x[i * d + t];
  }
  // Row i has n - 1 - i pairs: rows are dealt out round-robin so every task gets a similar share.
  long tasks = std::min<long>(n - 1, 8L * num_threads());
  parallel_for(tasks, [&](long task) {
    for (long i = task; i < n - 1; i += tasks) {
      long from = i + 1;
#if LANTERN_X86
      if (simd) from = distances_avx2(x, xt.data(), n, d, i, row_part, col_part, out);
#endif
      distances_scalar(x, d, i, from, n, row_part, col_part, out);
    }
  });
}

namespace {

// Distances from point a to the `count` points stored column-wise in xt ([d, stride]), into row.
__attribute__((noinline)) void distances_to_scalar(const double* a, const double* xt, long stride, long d, long from,
                                                   long count, double* row) {
  for (long p = from; p < count; ++p) {
    double s = 0;
    for (long t = 0; t < d; ++t) {
      double e = a[t] - xt[t * stride + p];
      s += e * e;
    }
    row[p] = std::sqrt(s);
  }
}

#if LANTERN_X86
// As distances_to_scalar, eight points at a time (one lane each, summed in order, no FMA).
__attribute__((target("avx2"))) long distances_to_avx2(const double* a, const double* xt, long stride, long d,
                                                       long count, double* row) {
  long p = 0;
  for (; p + 8 <= count; p += 8) {
    __m256d s0 = _mm256_setzero_pd(), s1 = s0;
    const double* column = xt + p;
    for (long t = 0; t < d; ++t, column += stride) {
      __m256d v = _mm256_broadcast_sd(a + t);
      __m256d e0 = _mm256_sub_pd(v, _mm256_loadu_pd(column));
      __m256d e1 = _mm256_sub_pd(v, _mm256_loadu_pd(column + 4));
      s0 = _mm256_add_pd(s0, _mm256_mul_pd(e0, e0));
      s1 = _mm256_add_pd(s1, _mm256_mul_pd(e1, e1));
    }
    _mm256_storeu_pd(row + p, _mm256_sqrt_pd(s0));
    _mm256_storeu_pd(row + p + 4, _mm256_sqrt_pd(s1));
  }
  return p;
}
#endif

}  // namespace

void mst_single_linkage(const double* x, long n, long d, double* merges) {
  if (n < 2) return;
#if LANTERN_X86
  bool simd = active_isa() == Isa::Avx2 || active_isa() == Isa::Avx512;
#endif
  // The points outside the tree, in any order: their coordinates column-wise (xt), original index
  // and distance to the tree so far. A point joining the tree is swapped with the last, so the set
  // stays dense at O(d) per step; ties then go to the lowest original index explicitly (SciPy's
  // index-order scan picks the first).
  std::vector<double> xt(static_cast<size_t>(n) * d), nearest(n, std::numeric_limits<double>::infinity()), row(n);
  std::vector<long> index(n);
  for (long i = 0; i < n; ++i) {
    index[i] = i;
    for (long t = 0; t < d; ++t) xt[t * n + i] = x[i * d + t];
  }
  auto remove = [&](long p, long last) {
    for (long t = 0; t < d; ++t) xt[t * n + p] = xt[t * n + last];
    index[p] = index[last];
    nearest[p] = nearest[last];
  };
  long count = n;
  long current = 0;
  remove(0, --count);
  for (long k = 0; k < n - 1; ++k) {
    const double* a = x + current * d;
    long from = 0;
#if LANTERN_X86
    if (simd) from = distances_to_avx2(a, xt.data(), n, d, count, row.data());
#endif
    distances_to_scalar(a, xt.data(), n, d, from, count, row.data());
    double best = std::numeric_limits<double>::infinity();
    long best_index = n, at = -1;
    for (long p = 0; p < count; ++p) {
      double v = std::min(nearest[p], row[p]);
      nearest[p] = v;
      bool better = v < best || (v == best && index[p] < best_index);
      best = better ? v : best;
      best_index = better ? index[p] : best_index;
      at = better ? p : at;
    }
    merges[k * 4] = static_cast<double>(current);
    merges[k * 4 + 1] = static_cast<double>(best_index);
    merges[k * 4 + 2] = best;
    merges[k * 4 + 3] = 0;
    current = best_index;
    remove(at, --count);
  }
}

namespace {

// The Lance-Williams updates of src/cluster/linkage/methods.ts, term for term in the same order.
inline double lance_williams(int method, double dxi, double dyi, double dxy, double nx, double ny, double ni) {
  switch (method) {
    case 1:
      return std::max(dxi, dyi);
    case 2:
      return (nx * dxi + ny * dyi) / (nx + ny);
    case 3:
      return 0.5 * (dxi + dyi);
    default: {
      double t = 1 / (nx + ny + ni);
      double v = (ni + nx) * t * dxi * dxi + (ni + ny) * t * dyi * dyi - ni * t * dxy * dxy;
      return std::sqrt(v > 0 ? v : 0);
    }
  }
}

long position(const std::vector<long>& active, long count, long x) {
  return std::lower_bound(active.begin(), active.begin() + count, x) - active.begin();
}

template <int Method>
void nn_chain(double* D, long n, const std::vector<long>& row, const std::vector<long>& col, double* merges) {
  std::vector<long> size(n, 1), chain(n), active(n);
  for (long i = 0; i < n; ++i) active[i] = i;
  long count = n;
  long chain_length = 0;
  auto at = [&](long a, long b) -> double& { return a < b ? D[row[a] + col[b]] : D[row[b] + col[a]]; };
  for (long k = 0; k < n - 1; ++k) {
    if (chain_length == 0) chain[chain_length++] = active[0];
    long x, y = -1;
    double best;
    for (;;) {
      x = chain[chain_length - 1];
      if (chain_length > 1) {
        y = chain[chain_length - 2];
        best = at(x, y);
      } else {
        best = std::numeric_limits<double>::infinity();
      }
      // The lowest index wins ties (strict <), the previous chain element before all: SciPy's order.
      long p_x = position(active, count, x);
      long column = col[x];
      for (long p = 0; p < p_x; ++p) {
        long i = active[p];
        double dist = D[row[i] + column];
        bool less = dist < best;
        best = less ? dist : best;
        y = less ? i : y;
      }
      const double* line = D + row[x];
      for (long p = p_x + 1; p < count; ++p) {
        long i = active[p];
        double dist = line[col[i]];
        bool less = dist < best;
        best = less ? dist : best;
        y = less ? i : y;
      }
      if (chain_length > 1 && y == chain[chain_length - 2]) break;
      chain[chain_length++] = y;
    }
    chain_length -= 2;
    if (x > y) std::swap(x, y);
    double nx = static_cast<double>(size[x]), ny = static_cast<double>(size[y]);
    merges[k * 4] = static_cast<double>(x);
    merges[k * 4 + 1] = static_cast<double>(y);
    merges[k * 4 + 2] = best;
    merges[k * 4 + 3] = 0;
    size[x] = 0;
    size[y] = static_cast<long>(nx + ny);
    long gone = position(active, count, x);
    std::copy(active.begin() + gone + 1, active.begin() + count, active.begin() + gone);
    --count;
    for (long p = 0; p < count; ++p) {
      long i = active[p];
      if (i == y) continue;
      double& dxi = at(i, x);
      double& dyi = at(i, y);
      dyi = lance_williams(Method, dxi, dyi, best, nx, ny, static_cast<double>(size[i]));
    }
  }
}

}  // namespace

void nn_chain_linkage(double* D, long n, const double* row_part, const double* col_part, int method, double* merges) {
  if (n < 2) return;
  std::vector<long> row(n), col(n);
  for (long i = 0; i < n; ++i) {
    row[i] = static_cast<long>(row_part[i]);
    col[i] = static_cast<long>(col_part[i]);
  }
  // One instantiation per method keeps the update's switch out of the n^2 loop.
  switch (method) {
    case 1: return nn_chain<1>(D, n, row, col, merges);
    case 2: return nn_chain<2>(D, n, row, col, merges);
    case 3: return nn_chain<3>(D, n, row, col, merges);
    default: return nn_chain<6>(D, n, row, col, merges);
  }
}

}  // namespace lantern
