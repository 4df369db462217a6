// Reductions and softmax over contiguous x viewed as [outer, size, inner], along the middle axis.
#pragma once

#include <cstdint>

namespace lantern {

enum class ReduceOp { sum, prod, max, min, Count };

// out[outer, inner]; sums and products accumulate in double, max/min propagate NaN.
void reduce(ReduceOp op, const float* x, long outer, long size, long inner, float* out);
// Value and first index of the max (or min); a NaN wins and ends the scan, as in PyTorch.
void arg_reduce(bool is_max, const float* x, long outer, long size, long inner, float* values, int32_t* indices);
void softmax(const float* x, long outer, long size, long inner, bool log, float* out);
// Softmax of `rows` contiguous rows of `size` in float32 on AVX-512 (softmax_avx512.cc), which
// softmax() takes there for rows (inner == 1, not log).
void softmax_rows_avx512(const float* x, long rows, long size, float* out);

}  // namespace lantern
