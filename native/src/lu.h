// LU normalisation for randomized SVD (lu.cc).
#pragma once

namespace lantern {

// Replaces the row-major rows x k block y (rows >= k) by P L of its LU factorisation with partial
// pivoting, rows kept in their original order.
void lu_normalize(double* y, long rows, long k);

}  // namespace lantern
