// Packing helpers shared by the GEMM sources.
#pragma once

namespace lantern {

// dst[p * width + i] = lines[i][p] for i < count, p < kc, and zero for count <= i < width: the
// panel layout of an operand whose lines (rows of A, columns of B) are each contiguous along k.
void pack_lines(const float* const* lines, int count, long kc, int width, float* dst);
// The same for lines a constant `ld` apart: line i starts at src + i * ld.
void pack_transposed(const float* src, long ld, int lines, long kc, int width, float* dst);

#if defined(__x86_64__) || defined(_M_X64)
void pack_lines_avx2(const float* const* lines, int count, long kc, int width, float* dst);
#endif

}  // namespace lantern
