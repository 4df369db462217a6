#include "gemm.h"

#include <algorithm>
#include <cstring>

#include "cpu.h"
#include "pack.h"
#include "scratch.h"
#include "thread_pool.h"

namespace lantern {

namespace {

// The kernels to choose from on the active instruction set; only AVX-512 has several shapes.
const MicroKernel* kernel_choices(int* count) {
#if LANTERN_X86
  if (active_isa() == Isa::Avx512) return avx512_micro_kernels(count);
#endif
  *count = 1;
  return &micro_kernel();
}

}  // namespace

const MicroKernel& micro_kernel_for(long m, long n) {
  int count;
  const MicroKernel* kernels = kernel_choices(&count);
  const MicroKernel* best = kernels;
  double least = -1;
  for (int i = 0; i < count; ++i) {
    // The work actually done: rows and columns rounded up to whole tiles. Ties keep the earlier.
    double padded = static_cast<double>((m + kernels[i].mr - 1) / kernels[i].mr * kernels[i].mr) *
                    ((n + kernels[i].nr - 1) / kernels[i].nr * kernels[i].nr);
    if (least < 0 || padded < least) least = padded, best = kernels + i;
  }
  return *best;
}

const MicroKernel& micro_kernel() {
  switch (active_isa()) {
#if LANTERN_X86
    case Isa::Avx512: {
      int count;
      return *avx512_micro_kernels(&count);
    }
    case Isa::Avx2: return avx2_micro_kernel();
#endif
#if LANTERN_NEON
    case Isa::Neon: return neon_micro_kernel();
#endif
    default: return scalar_micro_kernel();
  }
}

void pack_lines(const float* const* lines, int count, long kc, int width, float* dst) {
#if LANTERN_X86
  if (active_isa() == Isa::Avx2 || active_isa() == Isa::Avx512) {
    pack_lines_avx2(lines, count, kc, width, dst);
    return;
  }
#endif
  // Read along each line a few k steps at a time, so the strided writes stay in L1.
  constexpr long kStep = 16;
  for (long pb = 0; pb < kc; pb += kStep) {
    long pe = std::min(kc, pb + kStep);
    for (int i = 0; i < count; ++i) {
      for (long p = pb; p < pe; ++p) dst[p * width + i] = lines[i][p];
    }
    for (long p = pb; p < pe; ++p) std::fill(dst + p * width + count, dst + (p + 1) * width, 0.0f);
  }
}

void pack_transposed(const float* src, long ld, int lines, long kc, int width, float* dst) {
  constexpr int kMaxLines = 64;  // every micro-kernel tile side is at most this
  const float* starts[kMaxLines];
  for (int i = 0; i < lines; ++i) starts[i] = src + i * ld;
  pack_lines(starts, lines, kc, width, dst);
}

// dst[0, count) = src[0, count), dst[count, width) = 0: one k step of a panel whose lines are
// contiguous. An inline loop, since these runs are 6 to 64 floats and a memcpy call per k step
// cost more than the copy (a transposed operand's packing ran at a fraction of memory speed); GCC
// would turn the loop back into a memmove call, hence no-tree-loop-distribute-patterns.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) LANTERN_VECTORIZE void copy_padded(
    const float* __restrict src, long count, long width, float* __restrict dst) {
  for (long i = 0; i < count; ++i) dst[i] = src[i];
  for (long i = count; i < width; ++i) dst[i] = 0.0f;
}

void StridedMatrix::pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const {
  for (long r0 = 0; r0 < mc; r0 += mr, dst += kc * mr) {
    int rows = static_cast<int>(std::min<long>(mr, mc - r0));
    const float* src = data_ + (i0 + r0) * rs_ + p0 * cs_;
    if (rs_ == 1) {
      // Transposed storage: each k step's rows are already contiguous.
      for (long p = 0; p < kc; ++p) copy_padded(src + p * cs_, rows, mr, dst + p * mr);
      continue;
    }
    if (cs_ == 1) {
      pack_transposed(src, rs_, rows, kc, mr, dst);
      continue;
    }
    for (long p = 0; p < kc; ++p) {
      for (int r = 0; r < rows; ++r) dst[p * mr + r] = src[r * rs_ + p * cs_];
      std::fill(dst + p * mr + rows, dst + (p + 1) * mr, 0.0f);
    }
  }
}

void StridedMatrix::pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const {
  for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
    int cols = static_cast<int>(std::min<long>(nr, nc - c0));
    const float* src = data_ + p0 * rs_ + (j0 + c0) * cs_;
    if (cs_ == 1) {
      for (long p = 0; p < kc; ++p) copy_padded(src + p * rs_, cols, nr, dst + p * nr);
      continue;
    }
    if (rs_ == 1) {
      pack_transposed(src, cs_, cols, kc, nr, dst);
      continue;
    }
    for (long p = 0; p < kc; ++p) {
      for (int j = 0; j < cols; ++j) dst[p * nr + j] = src[p * rs_ + j * cs_];
      std::fill(dst + p * nr + cols, dst + (p + 1) * nr, 0.0f);
    }
  }
}

bool StridedMatrix::row_pointers(long p0, long kc, const float** rows) const {
  if (cs_ != 1) return false;
  for (long p = 0; p < kc; ++p) rows[p] = data_ + (p0 + p) * rs_;
  return true;
}

long k_block_size(const MicroKernel& mk, long k) {
  const long k_blocks = (k + mk.kc - 1) / mk.kc;
  return (k + k_blocks - 1) / k_blocks;
}

const float* PrepackedA::packed_panels(long i0, long p0, long kc, int mr) const {
  if (mr != mr_ || i0 % mr != 0 || p0 % kc_max_ != 0 || kc != std::min(kc_max_, k_ - p0)) return nullptr;
  // Block p0 holds m_pad rows of kc floats each, after the p0 columns of the blocks before it.
  return panels_ + p0 * m_pad_ + i0 * kc;
}

void PrepackedA::prepack(const SourceA& a, long m, long k, int mr, long kc_max, float* dst) {
  const long m_pad = (m + mr - 1) / mr * mr;
  for (long pc = 0; pc < k; pc += kc_max) a.pack_rows(0, m, pc, std::min(kc_max, k - pc), mr, dst + pc * m_pad);
}

void scale_block(float* c, long m, long n, long ldc, float beta) {
  for (long i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.0f) std::fill(row, row + n, 0.0f);
    else for (long j = 0; j < n; ++j) row[j] *= beta;
  }
}

namespace {

LANTERN_VECTORIZE void clamp_tile(float* c, int rows, int cols, long ldc, const Epilogue& e) {
  for (int i = 0; i < rows; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < cols; ++j) row[j] = std::min(std::max(row[j], e.lo), e.hi);
  }
}

// The same with the row panels outermost, for a B slice that sits whole in L1: C is then written a
// few rows at a time along contiguous runs, rather than a few columns down all of its rows, which
// for a short k (a 1x1 convolution) and a row stride near a power of two piles every row onto the
// same L1 sets and makes the stores, not the arithmetic, the cost.
void macro_kernel_by_rows(const MicroKernel& mk, const float* packed_a, const float* packed_b, long mc, long nc,
                          long kc, float* c, long ldc, float alpha, float beta, const Epilogue* epilogue) {
  for (long ir = 0; ir < mc; ir += mk.mr) {
    int rows = static_cast<int>(std::min<long>(mk.mr, mc - ir));
    for (long jr = 0; jr < nc; jr += mk.nr) {
      int cols = static_cast<int>(std::min<long>(mk.nr, nc - jr));
      mk.run(kc, packed_a + ir * kc, packed_b + jr * kc, c + ir * ldc + jr, ldc, alpha, beta, rows, cols, epilogue);
    }
  }
}

// The two innermost loops: every micro-tile of an mc x nc block of C from packed A and B blocks.
void macro_kernel(const MicroKernel& mk, const float* packed_a, const float* packed_b, long mc,
                  long nc, long kc, float* c, long ldc, float alpha, float beta, const Epilogue* epilogue) {
  for (long jr = 0; jr < nc; jr += mk.nr) {
    int cols = static_cast<int>(std::min<long>(mk.nr, nc - jr));
    for (long ir = 0; ir < mc; ir += mk.mr) {
      int rows = static_cast<int>(std::min<long>(mk.mr, mc - ir));
      mk.run(kc, packed_a + ir * kc, packed_b + jr * kc, c + ir * ldc + jr, ldc, alpha, beta, rows, cols, epilogue);
    }
  }
}

// Whether to read B in place rather than pack it. Packing costs about as much per element as the
// arithmetic one row of A does with it, so it pays only for products more than ~24 rows tall
// (measured: 6 x 3136 x 400 runs 1.6x faster in place, 64 x 3248 x 576 15% slower).
bool reads_in_place(const MicroKernel& mk, long m) { return mk.run_indirect != nullptr && m <= 24; }

// The same with B read in place from its rows (columns [b_col, b_col + nc) of each).
void macro_kernel_in_place(const MicroKernel& mk, const float* packed_a, const float* const* rows, long b_col, long mc,
                           long nc, long kc, float* c, long ldc, float alpha, float beta, const Epilogue* epilogue) {
  for (long jr = 0; jr < nc; jr += mk.nr) {
    int cols = static_cast<int>(std::min<long>(mk.nr, nc - jr));
    for (long ir = 0; ir < mc; ir += mk.mr) {
      int rows_here = static_cast<int>(std::min<long>(mk.mr, mc - ir));
      mk.run_indirect(kc, packed_a + ir * kc, rows, b_col + jr, c + ir * ldc + jr, ldc, alpha, beta, rows_here, cols, epilogue);
    }
  }
}

}  // namespace

void gemm_block(const SourceA& a, const SourceB& b, long i0, long j0, long m, long n, long k,
                float* c, long ldc, float alpha, float beta, const Epilogue* epilogue) {
  gemm_block(micro_kernel_for(m, n), a, b, i0, j0, m, n, k, c, ldc, alpha, beta, epilogue);
}

void gemm_block(const MicroKernel& mk, const SourceA& a, const SourceB& b, long i0, long j0, long m, long n, long k,
                float* c, long ldc, float alpha, float beta, const Epilogue* epilogue) {
  if (m <= 0 || n <= 0) return;
  c += i0 * ldc + j0;
  if (k <= 0) {
    scale_block(c, m, n, ldc, beta);
    if (epilogue) clamp_tile(c, static_cast<int>(m), static_cast<int>(n), ldc, *epilogue);
    return;
  }
  const long kc_max = k_block_size(mk, k);
  const long mc_max = std::min(mk.mc, (m + mk.mr - 1) / mk.mr * mk.mr);
  if (m <= mk.mc) {
    // One A block covers every row: pack it once per k block, then stream B through in slices
    // that fit in L1 (32 KiB) while every micro-kernel reuses them. Packing all of a wide B first
    // would send it out to L3 and back, which costs as much as the arithmetic when m is small.
    constexpr long kSliceFloats = 8192;
    const long nc_max = std::min(std::max<long>(mk.nr, kSliceFloats / kc_max / mk.nr * mk.nr),
                                 (n + mk.nr - 1) / mk.nr * mk.nr);
    float* packed_a = scratch(ScratchSlot::PackA, mc_max * kc_max);
    float* packed_b = scratch(ScratchSlot::PackB, kc_max * nc_max);
    const float** rows = reinterpret_cast<const float**>(scratch(ScratchSlot::Rows, kc_max * 2));
    for (long pc = 0; pc < k; pc += kc_max) {
      long kc = std::min(kc_max, k - pc);
      const float* panels = a.packed_panels(i0, pc, kc, mk.mr);
      if (!panels) a.pack_rows(i0, m, pc, kc, mk.mr, packed_a), panels = packed_a;
      if (reads_in_place(mk, m) && b.row_pointers(pc, kc, rows)) {
        macro_kernel_in_place(mk, panels, rows, j0, m, n, kc, c, ldc, alpha, pc == 0 ? beta : 1.0f, pc + kc == k ? epilogue : nullptr);
        continue;
      }
      for (long jc = 0; jc < n; jc += nc_max) {
        long nc = std::min(nc_max, n - jc);
        b.pack_columns(pc, kc, j0 + jc, nc, mk.nr, packed_b);
        macro_kernel_by_rows(mk, panels, packed_b, m, nc, kc, c + jc, ldc, alpha, pc == 0 ? beta : 1.0f, pc + kc == k ? epilogue : nullptr);
      }
    }
    return;
  }
  const long nc_max = std::min(mk.nc, (n + mk.nr - 1) / mk.nr * mk.nr);
  float* packed_a = scratch(ScratchSlot::PackA, mc_max * kc_max);
  float* packed_b = scratch(ScratchSlot::PackB, kc_max * nc_max);
  const float** rows = reinterpret_cast<const float**>(scratch(ScratchSlot::Rows, kc_max * 2));
  for (long jc = 0; jc < n; jc += nc_max) {
    long nc = std::min(nc_max, n - jc);
    for (long pc = 0; pc < k; pc += kc_max) {
      long kc = std::min(kc_max, k - pc);
      bool in_place = reads_in_place(mk, m) && b.row_pointers(pc, kc, rows);
      if (!in_place) b.pack_columns(pc, kc, j0 + jc, nc, mk.nr, packed_b);
      for (long ic = 0; ic < m; ic += mc_max) {
        long mc = std::min(mc_max, m - ic);
        const float* panels = a.packed_panels(i0 + ic, pc, kc, mk.mr);
        if (!panels) a.pack_rows(i0 + ic, mc, pc, kc, mk.mr, packed_a), panels = packed_a;
        float* block = c + ic * ldc + jc;
        const Epilogue* last = pc + kc == k ? epilogue : nullptr;
        if (in_place) macro_kernel_in_place(mk, panels, rows, j0 + jc, mc, nc, kc, block, ldc, alpha, pc == 0 ? beta : 1.0f, last);
        else macro_kernel(mk, panels, packed_b, mc, nc, kc, block, ldc, alpha, pc == 0 ? beta : 1.0f, last);
      }
    }
  }
}

namespace {

// sum_p a[p] b[p] with sixteen partial sums, which the vectoriser keeps in one register.
LANTERN_VECTORIZE float dot(const float* a, const float* b, long k) {
  float part[16] = {};
  long p = 0;
  for (; p + 16 <= k; p += 16) {
    for (int j = 0; j < 16; ++j) part[j] += a[p + j] * b[p + j];
  }
  float sum = 0.0f;
  for (; p < k; ++p) sum += a[p] * b[p];
  for (int j = 0; j < 16; ++j) sum += part[j];
  return sum;
}

LANTERN_VECTORIZE void axpy(float scale, const float* x, long n, float* y) {
  for (long j = 0; j < n; ++j) y[j] += scale * x[j];
}

LANTERN_VECTORIZE void finish_row(const float* sum, long n, float alpha, float beta, float* c) {
  if (beta == 0.0f) for (long j = 0; j < n; ++j) c[j] = alpha * sum[j];
  else for (long j = 0; j < n; ++j) c[j] = alpha * sum[j] + beta * c[j];
}

}  // namespace

bool gemv(const float* a, long a_stride, const float* b, long rs, long cs, long n, long k, float* c, float alpha,
          float beta) {
  if (cs != 1 && rs != 1) return false;
  const float* x = a;
  if (a_stride != 1) {
    float* dense = scratch(ScratchSlot::PackA, k);
    for (long p = 0; p < k; ++p) dense[p] = a[p * a_stride];
    x = dense;
  }
  // Columns split across the pool once the product is worth waking it for (~1M multiply-adds).
  long grain = std::max(1L, (1L << 20) / std::max(1L, k));
  parallel_range(n, grain, [&](long begin, long end) {
    float* sum = scratch(ScratchSlot::PackB, end - begin);
    if (rs == 1) {
      for (long j = begin; j < end; ++j) sum[j - begin] = dot(x, b + j * cs, k);
    } else {
      std::fill(sum, sum + (end - begin), 0.0f);
      for (long p = 0; p < k; ++p) axpy(x[p], b + p * rs + begin, end - begin, sum);
    }
    finish_row(sum, end - begin, alpha, beta, c + begin);
  });
  return true;
}

void split_2d(const MicroKernel& mk, long m, long n, long parts, long* row_parts, long* col_parts) {
  long max_rows = (m + mk.mr - 1) / mk.mr;
  long max_cols = (n + mk.nr - 1) / mk.nr;
  double best = -1;
  *row_parts = *col_parts = 1;
  for (long rp = 1; rp <= parts; ++rp) {
    if (parts % rp != 0) continue;
    long cp = parts / rp;
    if (rp > max_rows || cp > max_cols) continue;
    // Each block packs its own rows of A and columns of B: keep (m / rp + n / cp) smallest.
    double cost = static_cast<double>(m) / rp + static_cast<double>(n) / cp;
    if (best < 0 || cost < best) {
      best = cost;
      *row_parts = rp;
      *col_parts = cp;
    }
  }
}

void gemm(const SourceA& a, const SourceB& b, long m, long n, long k, float* c, long ldc,
          float alpha, float beta, const Epilogue* epilogue) {
  gemm(micro_kernel_for(m, n), a, b, m, n, k, c, ldc, alpha, beta, epilogue);
}

void gemm(const MicroKernel& mk, const SourceA& a, const SourceB& b, long m, long n, long k, float* c, long ldc,
          float alpha, float beta, const Epilogue* epilogue) {
  // Below about a million multiply-adds, waking the pool costs more than it saves.
  constexpr double kParallelWork = 1 << 20;
  long threads = num_threads();
  if (threads == 1 || static_cast<double>(m) * n * k < kParallelWork) {
    gemm_block(mk, a, b, 0, 0, m, n, k, c, ldc, alpha, beta, epilogue);
    return;
  }
  long rp, cp;
  split_2d(mk, m, n, threads, &rp, &cp);
  long rows = ((m + rp - 1) / rp + mk.mr - 1) / mk.mr * mk.mr;
  long cols = ((n + cp - 1) / cp + mk.nr - 1) / mk.nr * mk.nr;
  parallel_for(rp * cp, [&](long t) {
    long i0 = (t / cp) * rows, j0 = (t % cp) * cols;
    gemm_block(mk, a, b, i0, j0, std::min(rows, m - i0), std::min(cols, n - j0), k, c, ldc, alpha, beta, epilogue);
  });
}

}  // namespace lantern
