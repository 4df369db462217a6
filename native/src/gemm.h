// Single-precision GEMM in the style of Goto & van de Geijn ("Anatomy of High-Performance Matrix
// Multiplication", 2008): operands are packed block by block into contiguous micro-panels that a
// register-blocked micro-kernel streams through. Packing goes through the source interfaces below,
// so convolution can feed image patches straight into the packed panels (implicit im2col).
#pragma once

#include <cstddef>

namespace lantern {

// A clamp min(max(c, lo), hi) applied to each micro-tile of C as it is stored after its last k
// block, in registers: a fused ReLU (0, inf) or ReLU6 (0, 6) costs no pass over C. With a
// residual, the element of `residual` at C's position (C's element (0, 0) being at `origin`, with
// the same row stride) is added before the clamp: only the AVX-512 micro-kernels take one
// (fuses_residual), so callers add it themselves on other instruction sets.
struct Epilogue {
  float lo, hi;
  const float* residual = nullptr;
  const float* origin = nullptr;
};

// c[0..m) x [0..n) (row stride ldc) = alpha * sum_p a[p*mr + i] * b[p*nr + j] + beta * c, for the
// m <= mr, n <= nr corner of one micro-tile, clamped by the epilogue when there is one. beta == 0
// overwrites c without reading it.
using MicroKernelFn = void (*)(long k, const float* a, const float* b, float* c, long ldc,
                               float alpha, float beta, int m, int n, const Epilogue* epilogue);

// The same, with B read in place: row p of the tile's B is b_rows[p][b_col .. b_col + n), and
// only those n columns are read.
using IndirectKernelFn = void (*)(long k, const float* a, const float* const* b_rows, long b_col, float* c, long ldc,
                                  float alpha, float beta, int m, int n, const Epilogue* epilogue);

// The epilogue over a stored m x n tile, for kernels that do not apply it in registers.
inline void clamp_stored_tile(float* c, int m, int n, long ldc, const Epilogue* epilogue) {
  if (!epilogue) return;
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) c[i * ldc + j] = c[i * ldc + j] < epilogue->lo ? epilogue->lo : c[i * ldc + j] > epilogue->hi ? epilogue->hi : c[i * ldc + j];
  }
}

struct MicroKernel {
  int mr, nr;        // register tile
  long mc, kc, nc;   // cache blocks: A block mc x kc in L2, B panel kc x nr in L1, B block kc x nc in L3
  MicroKernelFn run;
  const char* name;
  IndirectKernelFn run_indirect;  // null where the instruction set has none
  bool fuses_residual = false;     // whether run and run_indirect apply an Epilogue's residual
};

// The default micro-kernel of the active instruction set (see cpu.h).
const MicroKernel& micro_kernel();
// The active instruction set's micro-kernel whose tile pads an m x n product least.
const MicroKernel& micro_kernel_for(long m, long n);
const MicroKernel& scalar_micro_kernel();
#if defined(__x86_64__) || defined(_M_X64)
const MicroKernel& avx2_micro_kernel();
// Several tile shapes, the default first; *count receives how many.
const MicroKernel* avx512_micro_kernels(int* count);
#endif
#if defined(__aarch64__)
const MicroKernel& neon_micro_kernel();
#endif

// The left operand, m x k. pack_rows() writes rows [i0, i0 + mc) x columns [p0, p0 + kc) as
// ceil(mc / mr) panels of kc x mr (dst[panel][p][r]), zero-filling rows past mc.
class SourceA {
 public:
  virtual ~SourceA() = default;
  virtual void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const = 0;
  // Panels of rows [i0, ...) x [p0, p0 + kc) already packed for micro-kernel rows mr, or null when
  // they must be packed (see PrepackedA).
  virtual const float* packed_panels(long i0, long p0, long kc, int mr) const { return nullptr; }
};

// The right operand, k x n. pack_columns() writes rows [p0, p0 + kc) x columns [j0, j0 + nc) as
// ceil(nc / nr) panels of kc x nr (dst[panel][p][j]), zero-filling columns past nc.
class SourceB {
 public:
  virtual ~SourceB() = default;
  virtual void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const = 0;
  // When every row of B is contiguous along the columns: rows[p] = element (p0 + p, 0), and true.
  // The GEMM then reads B where it lies (through IndirectKernelFn) instead of packing it, which for
  // a product only a few rows tall costs as much as the arithmetic.
  virtual bool row_pointers(long p0, long kc, const float** rows) const { return false; }
};

// A dense matrix whose element (row, col) sits at data[row * row_stride + col * col_stride]; a
// transposed operand is the same memory with the strides swapped.
class StridedMatrix final : public SourceA, public SourceB {
 public:
  StridedMatrix(const float* data, long row_stride, long col_stride)
      : data_(data), rs_(row_stride), cs_(col_stride) {}
  void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const override;
  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override;
  bool row_pointers(long p0, long kc, const float** rows) const override;

 private:
  const float* data_;
  long rs_, cs_;
};

// The k block size gemm_block uses for a product of depth k: k split evenly into blocks of at most mk.kc
// (576 as 288 + 288 rather than 512 + 64, which would waste a pass over C).
long k_block_size(const MicroKernel& mk, long k);

// A left operand packed once, ahead of many products (inference weights): every k block of
// k_block_size(mk, k) packed for mk.mr and stored block after block, so that gemm_block streams the
// panels instead of repacking them on every call. Products run with another micro-kernel or k
// blocking fall back to packing from `inner`.
class PrepackedA final : public SourceA {
 public:
  PrepackedA(const SourceA& inner, const float* panels, long m, long k, int mr, long kc_max)
      : inner_(inner), panels_(panels), m_pad_((m + mr - 1) / mr * mr), k_(k), mr_(mr), kc_max_(kc_max) {}
  void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const override {
    inner_.pack_rows(i0, mc, p0, kc, mr, dst);
  }
  const float* packed_panels(long i0, long p0, long kc, int mr) const override;

  // Floats that prepack() writes for an m x k operand.
  static long size(long m, long k, int mr) { return (m + mr - 1) / mr * mr * k; }
  // Packs all of a (m x k) for micro-kernel rows mr and k blocks of kc_max into dst.
  static void prepack(const SourceA& a, long m, long k, int mr, long kc_max, float* dst);

 private:
  const SourceA& inner_;
  const float* panels_;
  long m_pad_, k_;
  int mr_;
  long kc_max_;
};

// c[i0.., j0..] block of size m x n of  c = alpha * A B + beta * c  on the calling thread, where c
// points at element (0, 0) of the whole product. The first form picks the micro-kernel itself.
void gemm_block(const SourceA& a, const SourceB& b, long i0, long j0, long m, long n, long k,
                float* c, long ldc, float alpha, float beta, const Epilogue* epilogue = nullptr);
void gemm_block(const MicroKernel& mk, const SourceA& a, const SourceB& b, long i0, long j0, long m, long n, long k,
                float* c, long ldc, float alpha, float beta, const Epilogue* epilogue = nullptr);

// The whole m x n product, split into blocks across the thread pool when it is large enough.
void gemm(const SourceA& a, const SourceB& b, long m, long n, long k, float* c, long ldc,
          float alpha, float beta, const Epilogue* epilogue = nullptr);
// The same with a given micro-kernel (one that panels were prepacked for).
void gemm(const MicroKernel& mk, const SourceA& a, const SourceB& b, long m, long n, long k, float* c, long ldc,
          float alpha, float beta, const Epilogue* epilogue = nullptr);

// The product of one row vector a (k elements, stride a_stride) and a k x n matrix B whose element
// (p, j) is b[p * rs + j * cs]: c[j] = alpha * sum_p a[p] B[p, j] + beta * c[j]. Packing B for the
// blocked GEMM would cost more than this whole product, which reads B once. Returns false (doing
// nothing) unless B is row- or column-contiguous (cs == 1 or rs == 1).
bool gemv(const float* a, long a_stride, const float* b, long rs, long cs, long n, long k, float* c, float alpha,
          float beta);

// The product of a few rows of A (row i at a + i * lda, contiguous) and a B whose column j is
// contiguous at b + j * ldb: c[i * ldc + j] = alpha * dot(row i, column j) + beta * c[...], each
// column of B read once (gemm_dots.cc). Returns false (doing nothing) for more than kDotRowsMax
// rows or a k under kDotDepthMin, where the blocked GEMM does better.
constexpr long kDotRowsMax = 8;
constexpr long kDotDepthMin = 64;
bool gemm_dots(const float* a, long lda, long m, const float* b, long ldb, long n, long k, float* c, long ldc, float alpha,
               float beta);

// How many row and column blocks to cut an m x n product into so that `parts` threads share it
// with the least packing overhead; rows are cut at multiples of mr and columns of nr.
void split_2d(const MicroKernel& mk, long m, long n, long parts, long* row_parts, long* col_parts);

// Scales an m x n block by beta (beta == 0 writes zeros, so NaN garbage never survives).
void scale_block(float* c, long m, long n, long ldc, float beta);

}  // namespace lantern
