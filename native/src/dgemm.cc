#include "dgemm.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "cpu.h"
#include "thread_pool.h"

namespace lantern {
namespace {

// A per-thread, 64-byte aligned buffer of doubles that grows on demand (one per packed operand).
struct Buffer {
  double* data = nullptr;
  size_t capacity = 0;
  ~Buffer() { std::free(data); }
  double* get(size_t count) {
    if (count > capacity) {
      std::free(data);
      size_t bytes = (count * sizeof(double) * 5 / 4 + 63) / 64 * 64;
      data = static_cast<double*>(std::aligned_alloc(64, bytes));
      if (!data) {
        std::fprintf(stderr, "lantern: out of memory allocating %zu bytes of DGEMM scratch space\n", bytes);
        std::abort();
      }
      capacity = bytes / sizeof(double);
    }
    return data;
  }
};

thread_local Buffer packed_a_buffer, packed_b_buffer, vector_buffer;

// Portable 4 x 8 tile the compiler keeps in registers and vectorises with the baseline SIMD.
void scalar_kernel(long k, const double* a, const double* b, double* c, long ldc, double alpha, double beta, int m,
                   int n) {
  double acc[4][8] = {};
  for (long p = 0; p < k; ++p, a += 4, b += 8) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 8; ++j) acc[i][j] += a[i] * b[j];
    }
  }
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      double v = alpha * acc[i][j];
      c[i * ldc + j] = beta != 0.0 ? v + beta * c[i * ldc + j] : v;
    }
  }
}

// An operand of the product as its storage: element (r, p) at data[r * ld + p], or data[p * ld + r]
// when transposed. `rows` index op(A)'s rows or op(B)'s columns, the direction panels are cut along.
struct Operand {
  const double* data;
  long ld;
  bool transposed;
  double at(long r, long p) const { return transposed ? data[p * ld + r] : data[r * ld + p]; }
};

// Lines [r0, r0 + count) x depth [p0, p0 + kc) as ceil(count / width) panels of kc x width
// (dst[panel][p][line]), zero past `count`: A's rows for the left operand, B's columns for the right.
void pack(const Operand& x, long r0, long count, long p0, long kc, int width, double* dst) {
  for (long s = 0; s < count; s += width, dst += kc * width) {
    int live = static_cast<int>(std::min<long>(width, count - s));
    if (x.transposed) {
      // Lines are contiguous at each depth: one copy per k step.
      const double* src = x.data + p0 * x.ld + r0 + s;
      for (long p = 0; p < kc; ++p) {
        std::memcpy(dst + p * width, src + p * x.ld, live * sizeof(double));
        std::fill(dst + p * width + live, dst + (p + 1) * width, 0.0);
      }
      continue;
    }
    // Each line is contiguous along k: read it in order, a few k steps at a time so the strided
    // writes stay in L1.
    constexpr long kStep = 32;
    for (long pb = 0; pb < kc; pb += kStep) {
      long pe = std::min(kc, pb + kStep);
      for (int i = 0; i < live; ++i) {
        const double* src = x.data + (r0 + s + i) * x.ld + p0;
        for (long p = pb; p < pe; ++p) dst[p * width + i] = src[p];
      }
      for (long p = pb; p < pe; ++p) std::fill(dst + p * width + live, dst + (p + 1) * width, 0.0);
    }
  }
}

void scale(double* c, long m, long n, long ldc, double beta) {
  for (long i = 0; i < m; ++i) {
    double* row = c + i * ldc;
    if (beta == 0.0) std::fill(row, row + n, 0.0);
    else if (beta != 1.0) for (long j = 0; j < n; ++j) row[j] *= beta;
  }
}

// The block [i0, i0 + m) x [j0, j0 + n) of C on the calling thread. `diagonal` is j0 - i0 of the
// whole product when only the upper triangle is wanted (tiles wholly below it are skipped), else
// a value large enough never to skip.
void block(const DoubleKernel& mk, const Operand& a, const Operand& b, long i0, long j0, long m, long n, long k,
           double alpha, double beta, double* c, long ldc, long diagonal) {
  if (m <= 0 || n <= 0) return;
  c += i0 * ldc + j0;
  // Equal k blocks (k = 300 as 150 + 150, not 256 + 44), so no pass over C is nearly empty.
  const long k_blocks = (k + mk.kc - 1) / mk.kc;
  const long kc_max = (k + k_blocks - 1) / k_blocks;
  const long mc_max = std::min(mk.mc, (m + mk.mr - 1) / mk.mr * mk.mr);
  const long nc_max = std::min(mk.nc, (n + mk.nr - 1) / mk.nr * mk.nr);
  double* packed_a = packed_a_buffer.get(mc_max * kc_max);
  double* packed_b = packed_b_buffer.get(kc_max * nc_max);
  for (long jc = 0; jc < n; jc += nc_max) {
    long nc = std::min(nc_max, n - jc);
    for (long pc = 0; pc < k; pc += kc_max) {
      long kc = std::min(kc_max, k - pc);
      double beta_here = pc == 0 ? beta : 1.0;
      pack(b, j0 + jc, nc, pc, kc, mk.nr, packed_b);
      for (long ic = 0; ic < m; ic += mc_max) {
        long mc = std::min(mc_max, m - ic);
        if (ic > jc + nc - 1 + diagonal) break;
        pack(a, i0 + ic, mc, pc, kc, mk.mr, packed_a);
        for (long jr = 0; jr < nc; jr += mk.nr) {
          int cols = static_cast<int>(std::min<long>(mk.nr, nc - jr));
          for (long ir = 0; ir < mc; ir += mk.mr) {
            if (ic + ir > jc + jr + cols - 1 + diagonal) break;
            int rows = static_cast<int>(std::min<long>(mk.mr, mc - ir));
            mk.run(kc, packed_a + ir * kc, packed_b + jr * kc, c + (ic + ir) * ldc + jc + jr, ldc, alpha, beta_here,
                   rows, cols);
          }
        }
      }
    }
  }
}

// The portable dot4: each row's products summed in order.
void dot4_scalar(const double* x, const double* r0, const double* r1, const double* r2, const double* r3, long k,
                 double* out) {
  double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
  for (long p = 0; p < k; ++p) {
    t0 += r0[p] * x[p];
    t1 += r1[p] * x[p];
    t2 += r2[p] * x[p];
    t3 += r3[p] * x[p];
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = t3;
}

Dot4Fn dot4_kernel() {
#if LANTERN_X86
  if (active_isa() == Isa::Avx512) return dot4_avx512;
  if (active_isa() == Isa::Avx2) return dot4_avx2;
#endif
  return dot4_scalar;
}

// y += x0 r0 + x1 r1 + x2 r2 + x3 r3: four rows per pass over y.
LANTERN_VECTORIZE void axpy4(const double* x, const double* r0, const double* r1, const double* r2, const double* r3,
                             long n, double* y) {
  const double x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
  for (long j = 0; j < n; ++j) y[j] += x0 * r0[j] + x1 * r1[j] + x2 * r2[j] + x3 * r3[j];
}

// y = alpha * M x + beta * y for the len x k matrix M whose element (i, p) is m[i * ld + p]
// (by_rows: dot products) or m[p * ld + i] (axpy over M's rows); x is contiguous, y has stride incy.
void gemv(bool by_rows, long len, long k, double alpha, const double* m, long ld, const double* x, double beta,
          double* y, long incy) {
  // Rows split across the pool once the product is worth waking it for (~1M multiply-adds).
  long grain = std::max(64L, (1L << 20) / std::max(1L, k));
  parallel_range(len, grain, [&](long begin, long end) {
    long count = end - begin;
    double* sum = vector_buffer.get(count + 4);
    if (by_rows) {
      const Dot4Fn dot4 = dot4_kernel();
      long i = 0;
      for (; i + 4 <= count; i += 4) {
        const double* r = m + (begin + i) * ld;
        dot4(x, r, r + ld, r + 2 * ld, r + 3 * ld, k, sum + i);
      }
      for (; i < count; ++i) {
        const double* r = m + (begin + i) * ld;
        double s[4];
        dot4(x, r, r, r, r, k, s);
        sum[i] = s[0];
      }
    } else {
      std::fill(sum, sum + count, 0.0);
      const double* base = m + begin;
      long p = 0;
      for (; p + 4 <= k; p += 4) axpy4(x + p, base + p * ld, base + (p + 1) * ld, base + (p + 2) * ld, base + (p + 3) * ld, count, sum);
      for (; p < k; ++p) {
        const double four[4] = {x[p], 0.0, 0.0, 0.0};
        const double* r = base + p * ld;
        axpy4(four, r, r, r, r, count, sum);
      }
    }
    for (long i = 0; i < count; ++i) {
      double* out = y + (begin + i) * incy;
      *out = beta == 0.0 ? alpha * sum[i] : alpha * sum[i] + beta * *out;
    }
  });
}

// x gathered into a contiguous vector (the calling thread's buffer) when its stride is not 1.
const double* contiguous(const double* x, long stride, long k) {
  if (stride == 1) return x;
  double* dense = packed_b_buffer.get(k);
  for (long p = 0; p < k; ++p) dense[p] = x[p * stride];
  return dense;
}

}  // namespace

const DoubleKernel& scalar_double_kernel() {
  static const DoubleKernel kernel{4, 8, 4 * 24, 256, 1024, scalar_kernel, "scalar-4x8"};
  return kernel;
}

const DoubleKernel& double_kernel_for(long m, long n) {
#if LANTERN_X86
  if (active_isa() == Isa::Avx512) {
    int count;
    const DoubleKernel* kernels = avx512_double_kernels(&count);
    const DoubleKernel* best = kernels;
    double least = -1;
    for (int i = 0; i < count; ++i) {
      // The work actually done: rows and columns rounded up to whole tiles. Ties keep the earlier.
      double padded = static_cast<double>((m + kernels[i].mr - 1) / kernels[i].mr * kernels[i].mr) *
                      ((n + kernels[i].nr - 1) / kernels[i].nr * kernels[i].nr);
      if (least < 0 || padded < least) least = padded, best = kernels + i;
    }
    return *best;
  }
  if (active_isa() == Isa::Avx2) return avx2_double_kernel();
#endif
  return scalar_double_kernel();
}

void dgemm(bool trans_a, bool trans_b, long m, long n, long k, double alpha, const double* a, long lda,
           const double* b, long ldb, double beta, double* c, long ldc, bool upper) {
  if (m <= 0 || n <= 0) return;
  if (k <= 0 || alpha == 0.0) {
    scale(c, m, n, ldc, beta);
    return;
  }
  // A column or a row of output is a matrix-vector product: packing would cost more than it saves.
  if (n == 1 && !upper) {
    const double* x = contiguous(b, trans_b ? 1 : ldb, k);
    gemv(!trans_a, m, k, alpha, a, lda, x, beta, c, ldc);
    return;
  }
  if (m == 1 && !upper) {
    const double* x = contiguous(a, trans_a ? lda : 1, k);
    gemv(trans_b, n, k, alpha, b, ldb, x, beta, c, 1);
    return;
  }
  const DoubleKernel& mk = double_kernel_for(m, n);
  const Operand lhs{a, lda, trans_a};
  const Operand rhs{b, ldb, !trans_b};
  const long diagonal = upper ? 0 : m + n;
  // Below about a million multiply-adds, waking the pool costs more than it saves.
  long threads = num_threads();
  if (threads == 1 || static_cast<double>(m) * n * k < (1 << 20)) {
    block(mk, lhs, rhs, 0, 0, m, n, k, alpha, beta, c, ldc, diagonal);
    return;
  }
  // Column strips when C is wide enough (each thread packs its own B and reuses one packed A per
  // row block), else row strips; with `upper`, strips of equal area rather than equal width.
  const bool by_columns = n >= m || upper;
  const long extent = by_columns ? n : m;
  const long unit = by_columns ? mk.nr : mk.mr;
  const long parts = std::min<long>(threads, (extent + unit - 1) / unit);
  long edges[257];
  for (long t = 0; t <= parts; ++t) {
    double f = static_cast<double>(t) / parts;
    if (upper) f = std::sqrt(f);
    edges[t] = std::min(extent, static_cast<long>(f * extent / unit + 0.5) * unit);
  }
  edges[parts] = extent;
  parallel_for(parts, [&](long t) {
    long lo = edges[t], hi = edges[t + 1];
    if (by_columns) block(mk, lhs, rhs, 0, lo, m, hi - lo, k, alpha, beta, c, ldc, upper ? lo : m + n);
    else block(mk, lhs, rhs, lo, 0, hi - lo, n, k, alpha, beta, c, ldc, m + n);
  });
}

}  // namespace lantern
