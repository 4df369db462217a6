// Double-precision GEMM for the float64 linear algebra (src/linalg): the same Goto & van de Geijn
// blocking as the float32 GEMM (gemm.h), with its own packed panels and micro-kernels, since a
// double tile holds half as many values per register. Operands are row-major with BLAS-style
// leading dimensions; a transposed operand is the same memory read the other way.
#pragma once

namespace lantern {

// c[0..m) x [0..n) (row stride ldc) = alpha * sum_p a[p*mr + i] * b[p*nr + j] + beta * c for the
// m <= mr, n <= nr corner of one micro-tile; beta == 0 overwrites c without reading it.
using DoubleKernelFn = void (*)(long k, const double* a, const double* b, double* c, long ldc, double alpha,
                                double beta, int m, int n);

struct DoubleKernel {
  int mr, nr;       // register tile
  long mc, kc, nc;  // cache blocks: packed A (mc x kc) in L2, B micro-panel (kc x nr) in L1, B block in L3
  DoubleKernelFn run;
  const char* name;
};

const DoubleKernel& scalar_double_kernel();
#if defined(__x86_64__) || defined(_M_X64)
const DoubleKernel& avx2_double_kernel();
// Several tile shapes, the default first; *count receives how many.
const DoubleKernel* avx512_double_kernels(int* count);
#endif

// out[r] = sum_p rows[r][p] * x[p] for four rows at a time (the dot products of a matrix-vector
// product); the instruction-set versions are chosen by dgemm.cc.
using Dot4Fn = void (*)(const double* x, const double* r0, const double* r1, const double* r2, const double* r3,
                        long k, double* out);
#if defined(__x86_64__) || defined(_M_X64)
void dot4_avx2(const double* x, const double* r0, const double* r1, const double* r2, const double* r3, long k,
               double* out);
void dot4_avx512(const double* x, const double* r0, const double* r1, const double* r2, const double* r3, long k,
                 double* out);
#endif

// The active instruction set's micro-kernel whose tile pads an m x n product least.
const DoubleKernel& double_kernel_for(long m, long n);

// C = alpha * op(A) op(B) + beta * C with op(A) m x k, op(B) k x n, all row-major: element (i, p) of
// op(A) is a[i * lda + p], or a[p * lda + i] when trans_a (likewise for B). With `upper`, only the
// micro-tiles that touch the upper triangle (i <= j) are computed: C is symmetric (a Gram matrix
// A^T A) and the caller mirrors it. Splits large products across the thread pool.
void dgemm(bool trans_a, bool trans_b, long m, long n, long k, double alpha, const double* a, long lda,
           const double* b, long ldb, double beta, double* c, long ldc, bool upper);

}  // namespace lantern
