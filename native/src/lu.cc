// LU normalisation of randomized SVD's power iterations (src/linalg/randomized.ts luNormalize, whose
// TypeScript twin in src/backend/js/lu.ts is the reference): Y (row-major rows x k, rows >= k) is
// replaced by P L of its LU factorisation with partial pivoting. The same blocked algorithm as the
// reference, on a column-major copy: panels of kPanel columns are factored with contiguous column
// sweeps, and the rest of the matrix is updated by one DGEMM per panel.
#include "lu.h"

#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "dgemm.h"

namespace lantern {

namespace {
constexpr long kPanel = 4;  // as the reference, so both round alike
}  // namespace

void lu_normalize(double* y, long rows, long k) {
  std::vector<double> a(static_cast<size_t>(rows * k));
  for (long r = 0; r < rows; ++r) {
    for (long c = 0; c < k; ++c) a[c * rows + r] = y[r * k + c];
  }
  std::vector<long> perm(static_cast<size_t>(rows));
  std::iota(perm.begin(), perm.end(), 0L);
  for (long j0 = 0; j0 < k; j0 += kPanel) {
    const long end = std::min(j0 + kPanel, k);
    for (long j = j0; j < end; ++j) {
      double* col = a.data() + j * rows;
      long p = j;
      for (long i = j + 1; i < rows; ++i) {
        if (std::fabs(col[i]) > std::fabs(col[p])) p = i;
      }
      if (p != j) {
        for (long c = 0; c < k; ++c) std::swap(a[c * rows + j], a[c * rows + p]);
        std::swap(perm[j], perm[p]);
      }
      // A zero pivot means the column is already eliminated: multipliers 0, L's column is e_j.
      const double pivot = col[j];
      const double inverse = pivot == 0.0 ? 0.0 : 1.0 / pivot;
      for (long i = j + 1; i < rows; ++i) col[i] *= inverse;
      for (long c = j + 1; c < end; ++c) {
        double* other = a.data() + c * rows;
        const double u = other[j];
        if (u != 0.0) {
          for (long i = j + 1; i < rows; ++i) other[i] -= col[i] * u;
        }
      }
    }
    if (end == k) break;
    // U's rows of this panel right of it: solve with the panel's unit lower triangle.
    for (long c = end; c < k; ++c) {
      double* other = a.data() + c * rows;
      for (long j = j0; j < end; ++j) {
        const double u = other[j];
        for (long t = j + 1; t < end; ++t) other[t] -= a[j * rows + t] * u;
      }
    }
    // A22 -= L21 U12, written for the column-major storage as A22^T -= U12^T L21^T.
    dgemm(false, false, k - end, rows - end, end - j0, -1.0, a.data() + end * rows + j0, rows,
          a.data() + j0 * rows + end, rows, 1.0, a.data() + end * rows + end, rows, false);
  }
  for (long i = 0; i < rows; ++i) {
    double* out = y + perm[i] * k;
    for (long c = 0; c < k; ++c) out[c] = c < i ? a[c * rows + i] : c == i ? 1.0 : 0.0;
  }
}

}  // namespace lantern
