#include "elementwise.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "cpu.h"
#include "thread_pool.h"
#include "vector_math.h"

namespace lantern {
namespace {

constexpr double kSqrt2OverPi = 0.7978845608028654;
constexpr double kInvSqrt2 = 0.7071067811865476;
constexpr double kInvSqrt2Pi = 0.3989422804014327;

inline double sigmoid(double x) { return vsigmoid(x); }
// PyTorch's softplus with threshold 20: linear above it.
inline double softplus(double x) { return x > 20 ? x : std::log1p(std::exp(x)); }
// Math.max / Math.min: NaN if either operand is NaN.
inline double js_max(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : a > b ? a : b; }
inline double js_min(double a, double b) { return std::isnan(a) || std::isnan(b) ? NAN : a < b ? a : b; }
inline double clamp_nan(double x, double lo, double hi) { return std::isnan(x) ? x : js_min(js_max(x, lo), hi); }

// Always inlined: called with a constant op, the switch folds away and the loop stays tight.
[[gnu::always_inline]] inline double apply(UnaryOp op, double x) {
  switch (op) {
    case UnaryOp::neg: return -x;
    case UnaryOp::abs: return std::fabs(x);
    case UnaryOp::sign: return x > 0 ? 1.0 : x < 0 ? -1.0 : x;
    case UnaryOp::exp: return vexp(x);
    case UnaryOp::expm1: return std::expm1(x);
    case UnaryOp::log: return std::log(x);
    case UnaryOp::log1p: return std::log1p(x);
    case UnaryOp::sqrt: return std::sqrt(x);
    case UnaryOp::rsqrt: return 1.0 / std::sqrt(x);
    case UnaryOp::square: return x * x;
    case UnaryOp::reciprocal: return 1.0 / x;
    case UnaryOp::sin: return std::sin(x);
    case UnaryOp::cos: return std::cos(x);
    case UnaryOp::tan: return std::tan(x);
    case UnaryOp::asin: return std::asin(x);
    case UnaryOp::acos: return std::acos(x);
    case UnaryOp::atan: return std::atan(x);
    case UnaryOp::sinh: return std::sinh(x);
    case UnaryOp::cosh: return std::cosh(x);
    case UnaryOp::tanh: return vtanh(x);
    case UnaryOp::sigmoid: return sigmoid(x);
    case UnaryOp::relu: return x > 0 ? x : std::isnan(x) ? x : 0.0;
    case UnaryOp::relu6: return clamp_nan(x, 0.0, 6.0);
    case UnaryOp::gelu: return 0.5 * x * (1.0 + verf(x * kInvSqrt2));
    case UnaryOp::geluTanh: return 0.5 * x * (1.0 + vtanh(kSqrt2OverPi * (x + 0.044715 * x * x * x)));
    case UnaryOp::silu: return x * sigmoid(x);
    case UnaryOp::mish: return x * std::tanh(softplus(x));
    case UnaryOp::hardswish: return x * js_min(js_max(x + 3.0, 0.0), 6.0) / 6.0;
    case UnaryOp::hardsigmoid: return js_min(js_max(x + 3.0, 0.0), 6.0) / 6.0;
    case UnaryOp::softplus: return softplus(x);
    case UnaryOp::erf: return verf(x);
    case UnaryOp::floor: return std::floor(x);
    case UnaryOp::ceil: return std::ceil(x);
    case UnaryOp::round: return std::nearbyint(x);  // half to even, as torch.round
    case UnaryOp::trunc: return std::trunc(x);
    case UnaryOp::Count: break;
  }
  return x;
}

[[gnu::always_inline]] inline double apply(ScalarOp op, double x, double a, double b) {
  switch (op) {
    case ScalarOp::powScalar: return a == 2 ? x * x : a == 0.5 ? std::sqrt(x) : std::pow(x, a);
    case ScalarOp::leakyRelu: return x > 0 ? x : x * a;
    case ScalarOp::elu: return x > 0 ? x : a * std::expm1(x);
    case ScalarOp::clamp: return clamp_nan(x, a, b);
    case ScalarOp::rsubScalar: return a - x;
    case ScalarOp::Count: break;
  }
  return x;
}

// For the activation gradients `a` is the upstream gradient and `b` the activation's input.
[[gnu::always_inline]] inline double apply(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::add: return a + b;
    case BinaryOp::sub: return a - b;
    case BinaryOp::mul: return a * b;
    case BinaryOp::div: return a / b;
    case BinaryOp::pow: return std::pow(a, b);
    case BinaryOp::maximum: return js_max(a, b);
    case BinaryOp::minimum: return js_min(a, b);
    case BinaryOp::atan2: return std::atan2(a, b);
    case BinaryOp::remainder: return a - std::floor(a / b) * b;
    case BinaryOp::reluGrad: return b > 0 ? a : 0.0;
    case BinaryOp::relu6Grad: return b > 0 && b < 6 ? a : 0.0;
    case BinaryOp::geluGrad:
      return a * (0.5 * (1.0 + verf(b * kInvSqrt2)) + b * kInvSqrt2Pi * vexp(-0.5 * b * b));
    case BinaryOp::geluTanhGrad: {
      double t = vtanh(kSqrt2OverPi * (b + 0.044715 * b * b * b));
      double d_inner = kSqrt2OverPi * (1.0 + 3.0 * 0.044715 * b * b);
      return a * (0.5 * (1.0 + t) + 0.5 * b * (1.0 - t * t) * d_inner);
    }
    case BinaryOp::siluGrad: {
      double s = sigmoid(b);
      return a * s * (1.0 + b * (1.0 - s));
    }
    case BinaryOp::mishGrad: {
      double t = std::tanh(softplus(b));
      return a * (t + b * (1.0 - t * t) * sigmoid(b));
    }
    case BinaryOp::hardswishGrad: return b < -3 ? 0.0 : b > 3 ? a : a * ((2.0 * b + 3.0) / 6.0);
    case BinaryOp::hardsigmoidGrad: return b > -3 && b < 3 ? a / 6.0 : 0.0;
    case BinaryOp::softplusGrad: return b > 20 ? a : a * sigmoid(b);
    case BinaryOp::sigmoidGrad: {
      double s = sigmoid(b);
      return a * s * (1.0 - s);
    }
    case BinaryOp::tanhGrad: {
      double t = vtanh(b);
      return a * (1.0 - t * t);
    }
    case BinaryOp::Count: break;
  }
  return a;
}

// Merges adjacent dims that every view walks as one (stride[d] == stride[d + 1] * shape[d + 1]),
// so a contiguous [N, C, 7, 7] tensor is one row of N * C * 49 elements rather than N * C * 7 rows
// of 7. Returns the new rank; shape and strides are rewritten in place.
template <int Views>
int coalesce(std::vector<long>& shape, std::vector<long> (&strides)[Views]) {
  int rank = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = rank > 0;
    for (int v = 0; v < Views && merge; ++v) merge = strides[v][rank - 1] == strides[v][d] * shape[d];
    if (merge) {
      shape[rank - 1] *= shape[d];
      for (int v = 0; v < Views; ++v) strides[v][rank - 1] = strides[v][d];
      continue;
    }
    shape[rank] = shape[d];
    for (int v = 0; v < Views; ++v) strides[v][rank] = strides[v][d];
    ++rank;
  }
  if (rank == 0) {
    shape[0] = 1;
    for (int v = 0; v < Views; ++v) strides[v][0] = 0;
    rank = 1;
  }
  shape.resize(rank);
  for (int v = 0; v < Views; ++v) strides[v].resize(rank);
  return rank;
}

// Visits the elements of up to three views that share `shape` as runs along the innermost
// (coalesced) dim: row(len, first element of each view, inner stride of each view, row-major
// output index). The flat index range is split across the pool in chunks of at least 64k elements
// (below that one thread finishes before the pool would wake), so long rows split too.
template <int Views, typename Row>
void for_each_row(const long* shape_in, int rank_in, const long* const* strides_in, Row row) {
  std::vector<long> shape(shape_in, shape_in + rank_in);
  std::vector<long> strides[Views];
  long total = 1;
  for (int d = 0; d < rank_in; ++d) total *= shape_in[d];
  if (total == 0) return;
  for (int v = 0; v < Views; ++v) strides[v].assign(strides_in[v], strides_in[v] + rank_in);
  if (rank_in == 0) {
    shape.assign(1, 1);
    for (int v = 0; v < Views; ++v) strides[v].assign(1, 0);
  }
  const int rank = coalesce<Views>(shape, strides);
  const long inner = shape[rank - 1];
  long step[Views];
  for (int v = 0; v < Views; ++v) step[v] = strides[v][rank - 1];
  parallel_range(total, 65536, [&](long begin, long end) {
    std::vector<long> index(rank, 0);
    long offset[Views] = {};
    // Decode the first element's multi-index, then advance row by row like an odometer.
    for (long r = begin, d = rank - 1; d >= 0; --d) {
      index[d] = r % shape[d];
      r /= shape[d];
      for (int v = 0; v < Views; ++v) offset[v] += index[d] * strides[v][d];
    }
    for (long i = begin; i < end;) {
      long len = std::min(inner - index[rank - 1], end - i);
      row(len, offset, step, i);
      i += len;
      for (int v = 0; v < Views; ++v) offset[v] -= index[rank - 1] * step[v];
      index[rank - 1] = 0;
      for (long d = rank - 2; d >= 0; --d) {
        for (int v = 0; v < Views; ++v) offset[v] += strides[v][d];
        if (++index[d] < shape[d]) break;
        for (int v = 0; v < Views; ++v) offset[v] -= strides[v][d] * shape[d];
        index[d] = 0;
      }
    }
  });
}

// The loops over one run, with the op fixed at compile time. Compiled once per instruction set
// (LANTERN_VECTORIZE) so each is a tight vector loop on AVX2 and AVX-512 machines alike.
template <UnaryOp Op>
LANTERN_VECTORIZE void unary_row(const float* x, long sx, long n, float* out) {
  if (Op == UnaryOp::gelu && sx == 1 && active_isa() == Isa::Avx512) {
    gelu_avx512(x, n, out);  // eight lanes wide, erf's far branch only where needed
    return;
  }
  if (sx == 1) for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, x[i]));
  else for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, x[i * sx]));
}

template <ScalarOp Op>
LANTERN_VECTORIZE void scalar_row(const float* x, long sx, long n, double a, double b, float* out) {
  if (sx == 1) for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, x[i], a, b));
  else for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, x[i * sx], a, b));
}

template <BinaryOp Op>
LANTERN_VECTORIZE void binary_row(const float* a, long sa, const float* b, long sb, long n, float* out) {
  if (sa == 1 && sb == 1) for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, a[i], b[i]));
  else if (sa == 1 && sb == 0) for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, a[i], b[0]));
  else if (sa == 0 && sb == 1) for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, a[0], b[i]));
  else for (long i = 0; i < n; ++i) out[i] = static_cast<float>(apply(Op, a[i * sa], b[i * sb]));
}

template <UnaryOp Op>
void unary_rows(View x, const long* shape, int rank, float* out) {
  const long* strides[1] = {x.strides};
  for_each_row<1>(shape, rank, strides, [&](long n, const long* off, const long* step, long o) {
    unary_row<Op>(x.data + off[0], step[0], n, out + o);
  });
}

template <BinaryOp Op>
void binary_rows(View a, View b, const long* shape, int rank, float* out) {
  const long* strides[2] = {a.strides, b.strides};
  for_each_row<2>(shape, rank, strides, [&](long n, const long* off, const long* step, long o) {
    binary_row<Op>(a.data + off[0], step[0], b.data + off[1], step[1], n, out + o);
  });
}

template <ScalarOp Op>
void scalar_rows(View x, double a, double b, const long* shape, int rank, float* out) {
  const long* strides[1] = {x.strides};
  for_each_row<1>(shape, rank, strides, [&](long n, const long* off, const long* step, long o) {
    scalar_row<Op>(x.data + off[0], step[0], n, a, b, out + o);
  });
}

}  // namespace

void unary(UnaryOp op, View x, const long* shape, int rank, float* out) {
  switch (op) {
#define LANTERN_CASE(name) case UnaryOp::name: unary_rows<UnaryOp::name>(x, shape, rank, out); break;
    LANTERN_UNARY_OPS(LANTERN_CASE)
#undef LANTERN_CASE
    case UnaryOp::Count: break;
  }
}

void scalar(ScalarOp op, View x, double a, double b, const long* shape, int rank, float* out) {
  switch (op) {
#define LANTERN_CASE(name) case ScalarOp::name: scalar_rows<ScalarOp::name>(x, a, b, shape, rank, out); break;
    LANTERN_SCALAR_OPS(LANTERN_CASE)
#undef LANTERN_CASE
    case ScalarOp::Count: break;
  }
}

void binary(BinaryOp op, View a, View b, const long* shape, int rank, float* out) {
  switch (op) {
#define LANTERN_CASE(name) case BinaryOp::name: binary_rows<BinaryOp::name>(a, b, shape, rank, out); break;
    LANTERN_BINARY_OPS(LANTERN_CASE)
#undef LANTERN_CASE
    case BinaryOp::Count: break;
  }
}

namespace {

LANTERN_VECTORIZE void copy_row(const float* s, long ss, float* d, long ds, long n) {
  if (ss == 1 && ds == 1) std::copy(s, s + n, d);
  else for (long i = 0; i < n; ++i) d[i * ds] = s[i * ss];
}

}  // namespace

void copy(View src, float* dst, const long* dst_strides, const long* shape, int rank) {
  const long* strides[2] = {src.strides, dst_strides};
  for_each_row<2>(shape, rank, strides, [&](long n, const long* off, const long* step, long) {
    copy_row(src.data + off[0], step[0], dst + off[1], step[1], n);
  });
}

}  // namespace lantern
