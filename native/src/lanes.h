// The 16-lane AVX-512 mask of lanes [lo, hi) (clipped to [0, 16)), shared by the kernels that mask
// loads and stores at the edges of rows.
#pragma once

#include <algorithm>

#include "cpu.h"

#if LANTERN_X86
#include <immintrin.h>

namespace lantern {

inline __mmask16 lanes(long lo, long hi) {
  lo = std::max(lo, 0L);
  hi = std::min(hi, 16L);
  return hi <= lo ? 0 : static_cast<__mmask16>(((1u << hi) - 1) & ~((1u << lo) - 1));
}

}  // namespace lantern
#endif
