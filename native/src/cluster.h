// Float64 kernels behind src/cluster: the k-means assignment steps (Lloyd's and Elkan's), pairwise
// distances, and single (Prim) and NN-chain agglomeration. Each reproduces its TypeScript reference
// (src/backend/js/kmeans.ts, linkage.ts): labels exactly, and to the last bit wherever the
// reference fixes the order of the arithmetic.
#pragma once

#include <cstdint>

namespace lantern {

// For every row of x [n, d]: the index of the nearest row of centers [k, d] (first on ties) and,
// when min_distances is not null, max(||x||^2 - 2 x.c + ||c||^2, 0) for it. The products come from
// dgemm in blocks of rows, as the reference does.
void nearest_centers(const double* x, long n, long d, const double* centers, long k, int32_t* labels,
                     double* min_distances);

// One assignment pass of Elkan's k-means over x [n, d] and centers [k, d] with the bookkeeping of
// src/cluster/elkan.ts: half [k, k] holds half the distances between centers, next_center[j] half
// the distance from center j to its nearest other center, upper[n] and lower[n, k] the bounds,
// drift[k] how far each center has moved since its lower bounds were stored. `first` runs the
// initial assignment instead (labels, upper and lower are written from scratch).
void elkan_assign(const double* x, long n, long d, const double* centers, long k, const double* half,
                  const double* next_center, const double* drift, int32_t* labels, double* upper, double* lower,
                  bool first);

// Euclidean distances between the rows of x [n, d] for every pair i < j, written to
// out[row_part[i] + col_part[j]]. Each pair is summed feature by feature in order, as SciPy's pdist.
void pairwise_distances(const double* x, long n, long d, const double* row_part, const double* col_part, double* out);

// Single linkage of the rows of x [n, d] under Euclidean distance as Prim's minimum spanning tree,
// distances computed as needed (O(n) memory, summed as pairwise_distances does): writes the n - 1
// tree edges in the order they join, as (tree point, new point, distance, 0), into merges.
void mst_single_linkage(const double* x, long n, long d, double* merges);

// The NN-chain agglomeration over distances D (pair i < j at row_part[i] + col_part[j], overwritten)
// for the Lance-Williams method `method` (an index of LINKAGE_METHODS: 1 complete, 2 average,
// 3 weighted, 6 ward). Writes n - 1 unsorted merges (x, y, distance, 0) into merges.
void nn_chain_linkage(double* D, long n, const double* row_part, const double* col_part, int method, double* merges);

}  // namespace lantern
