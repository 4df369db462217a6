// Packing helpers shared by the GEMM sources.
#pragma once

namespace lantern {

// dst[p * width + i] = src[i * ld + p] for i < lines, p < kc, and zero for lines <= i < width:
// the panel layout of an operand whose lines (rows of A, columns of B) are contiguous along k.
void pack_transposed(const float* src, long ld, int lines, long kc, int width, float* dst);

#if defined(__x86_64__) || defined(_M_X64)
void pack_transposed_avx2(const float* src, long ld, int lines, long kc, int width, float* dst);
#endif

}  // namespace lantern
