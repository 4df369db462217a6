// Portable micro-kernel in plain C++: a 4 x 8 tile the compiler can keep in registers and
// vectorise with whatever baseline SIMD the target has.
#include "gemm.h"

namespace lantern {
namespace {

constexpr int MR = 4;
constexpr int NR = 8;

void kernel_4x8(long k, const float* a, const float* b, float* c, long ldc, float alpha, float beta,
                int m, int n, const Epilogue* epilogue) {
  float acc[MR][NR] = {};
  for (long p = 0; p < k; ++p) {
    for (int i = 0; i < MR; ++i) {
      for (int j = 0; j < NR; ++j) acc[i][j] += a[i] * b[j];
    }
    a += MR;
    b += NR;
  }
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      float v = alpha * acc[i][j];
      row[j] = beta != 0.0f ? v + beta * row[j] : v;
    }
  }
  clamp_stored_tile(c, m, n, ldc, epilogue);
}

}  // namespace

const MicroKernel& scalar_micro_kernel() {
  static const MicroKernel kernel{MR, NR, 4 * 32, 256, 1024, kernel_4x8, "scalar-4x8", nullptr};
  return kernel;
}

}  // namespace lantern
