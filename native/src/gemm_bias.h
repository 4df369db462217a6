// A per-row bias folded into a GEMM as one more step of k: A gains a last column holding the bias
// and B a last row of ones, so C = A B + bias 1^T comes out of the micro-kernels directly. For
// products with a short k (1x1 convolutions: k = input channels) a separate bias pass over C would
// cost about as much memory traffic as the product itself; the extra k step costs 1 / k of it.
#pragma once

#include "gemm.h"

namespace lantern {

// inner (m x k) with column k = bias[0..m).
class BiasColumnA final : public SourceA {
 public:
  BiasColumnA(const SourceA& inner, long k, const float* bias) : inner_(inner), k_(k), bias_(bias) {}
  void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const override;

 private:
  const SourceA& inner_;
  long k_;
  const float* bias_;
};

// inner (k x n) with row k all ones; n bounds the columns that can be asked for.
class OnesRowB final : public SourceB {
 public:
  OnesRowB(const SourceB& inner, long k, long n);
  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override;
  bool row_pointers(long p0, long kc, const float** rows) const override;

 private:
  const SourceB& inner_;
  long k_;
  const float* ones_;
};

}  // namespace lantern
