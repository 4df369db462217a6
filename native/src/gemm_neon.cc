// NEON micro-kernel for AArch64: an 8 x 12 tile in 24 of the 32 q registers (three vectors per
// row), A loaded two vectors at a time and used through by-lane FMAs, so no broadcasts are needed.
#include "cpu.h"
#include "gemm.h"

#if LANTERN_NEON
#include <arm_neon.h>

namespace lantern {
namespace {

constexpr int MR = 8;
constexpr int NR = 12;

template <int Lane>
inline void fma_row(float32x4_t acc[MR][3], int row, float32x4_t a, const float32x4_t b[3]) {
  acc[row][0] = vfmaq_laneq_f32(acc[row][0], b[0], a, Lane);
  acc[row][1] = vfmaq_laneq_f32(acc[row][1], b[1], a, Lane);
  acc[row][2] = vfmaq_laneq_f32(acc[row][2], b[2], a, Lane);
}

void kernel_8x12(long k, const float* a, const float* b, float* c, long ldc, float alpha, float beta, int m, int n, const Epilogue* epilogue) {
  float32x4_t acc[MR][3];
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_f32(0.0f);
  for (long p = 0; p < k; ++p) {
    const float32x4_t bv[3] = {vld1q_f32(b), vld1q_f32(b + 4), vld1q_f32(b + 8)};
    float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4);
    fma_row<0>(acc, 0, a0, bv);
    fma_row<1>(acc, 1, a0, bv);
    fma_row<2>(acc, 2, a0, bv);
    fma_row<3>(acc, 3, a0, bv);
    fma_row<0>(acc, 4, a1, bv);
    fma_row<1>(acc, 5, a1, bv);
    fma_row<2>(acc, 6, a1, bv);
    fma_row<3>(acc, 7, a1, bv);
    a += MR;
    b += NR;
  }
  alignas(16) float tile[MR * NR];
  for (int i = 0; i < MR; ++i) {
    for (int j = 0; j < 3; ++j) vst1q_f32(tile + i * NR + 4 * j, acc[i][j]);
  }
  for (int i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    for (int j = 0; j < n; ++j) {
      float v = alpha * tile[i * NR + j];
      row[j] = beta != 0.0f ? v + beta * row[j] : v;
    }
  }
  clamp_stored_tile(c, m, n, ldc, epilogue);
}

}  // namespace

const MicroKernel& neon_micro_kernel() {
  static const MicroKernel kernel{MR, NR, 8 * 16, 256, 2048, kernel_8x12, "neon-8x12", nullptr};
  return kernel;
}

}  // namespace lantern
#endif
