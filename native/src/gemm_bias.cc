#include "gemm_bias.h"

#include <algorithm>
#include <vector>

namespace lantern {

void BiasColumnA::pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const {
  const long inner_kc = std::max(0L, std::min(p0 + kc, k_) - p0);
  if (p0 + kc <= k_) {
    inner_.pack_rows(i0, mc, p0, kc, mr, dst);
    return;
  }
  // The block reaches the bias column: each panel is packed on its own, since the inner source
  // lays its panels out kc_inner apart and ours are kc apart.
  for (long r0 = 0; r0 < mc; r0 += mr, dst += kc * mr) {
    long rows = std::min<long>(mr, mc - r0);
    if (inner_kc > 0) inner_.pack_rows(i0 + r0, rows, p0, inner_kc, mr, dst);
    float* last = dst + inner_kc * mr;
    for (long r = 0; r < mr; ++r) last[r] = r < rows ? bias_[i0 + r0 + r] : 0.0f;
  }
}

namespace {

// Ones shared by every OnesRowB of a thread, grown on demand (never shrunk: it is a few rows' worth).
const float* ones(long n) {
  thread_local std::vector<float> buffer;
  if (static_cast<long>(buffer.size()) < n) buffer.assign(static_cast<size_t>(n), 1.0f);
  return buffer.data();
}

}  // namespace

OnesRowB::OnesRowB(const SourceB& inner, long k, long n) : inner_(inner), k_(k), ones_(ones(n)) {}

void OnesRowB::pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const {
  const long inner_kc = std::max(0L, std::min(p0 + kc, k_) - p0);
  if (p0 + kc <= k_) {
    inner_.pack_columns(p0, kc, j0, nc, nr, dst);
    return;
  }
  for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
    long cols = std::min<long>(nr, nc - c0);
    if (inner_kc > 0) inner_.pack_columns(p0, inner_kc, j0 + c0, cols, nr, dst);
    float* last = dst + inner_kc * nr;
    for (long j = 0; j < nr; ++j) last[j] = j < cols ? 1.0f : 0.0f;
  }
}

bool OnesRowB::row_pointers(long p0, long kc, const float** rows) const {
  const long inner_kc = std::max(0L, std::min(p0 + kc, k_) - p0);
  if (inner_kc > 0 && !inner_.row_pointers(p0, inner_kc, rows)) return false;
  // Row k reads columns [j0, j0 + n) of the ones: they start at column 0 like every other row.
  if (inner_kc < kc) rows[inner_kc] = ones_;
  return true;
}

}  // namespace lantern
