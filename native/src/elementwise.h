// Element-wise kernels over strided float32 views. Every op computes in double and rounds once,
// as the reference backend does, so results agree to the last bit wherever libm agrees.
#pragma once

namespace lantern {

// The op lists double as the addon's name tables; ops absent here (comparisons, logical ops,
// anything producing bool or int) stay on the reference backend.
#define LANTERN_UNARY_OPS(X)                                                                       \
  X(neg) X(abs) X(sign) X(exp) X(expm1) X(log) X(log1p) X(sqrt) X(rsqrt) X(square) X(reciprocal)   \
  X(sin) X(cos) X(tan) X(asin) X(acos) X(atan) X(sinh) X(cosh) X(tanh) X(sigmoid) X(relu) X(relu6) \
  X(gelu) X(geluTanh) X(silu) X(mish) X(hardswish) X(hardsigmoid) X(softplus) X(erf) X(floor)      \
  X(ceil) X(round) X(trunc)
#define LANTERN_SCALAR_OPS(X) X(powScalar) X(leakyRelu) X(elu) X(clamp) X(rsubScalar)
#define LANTERN_BINARY_OPS(X)                                                                      \
  X(add) X(sub) X(mul) X(div) X(pow) X(maximum) X(minimum) X(atan2) X(remainder) X(reluGrad)       \
  X(relu6Grad) X(geluGrad) X(geluTanhGrad) X(siluGrad) X(mishGrad) X(hardswishGrad)                \
  X(hardsigmoidGrad) X(softplusGrad) X(sigmoidGrad) X(tanhGrad)

#define LANTERN_ENUM_ENTRY(name) name,
enum class UnaryOp { LANTERN_UNARY_OPS(LANTERN_ENUM_ENTRY) Count };
enum class ScalarOp { LANTERN_SCALAR_OPS(LANTERN_ENUM_ENTRY) Count };
enum class BinaryOp { LANTERN_BINARY_OPS(LANTERN_ENUM_ENTRY) Count };
#undef LANTERN_ENUM_ENTRY

// A strided view of `rank` dimensions: element (i0, .., ir) at data[sum i_d * strides[d]].
struct View {
  const float* data;
  const long* strides;
};

// out (contiguous, row-major over shape) = op(x).
void unary(UnaryOp op, View x, const long* shape, int rank, float* out);
// GELU (erf form) over n contiguous floats on AVX-512 (gelu_avx512.cc).
void gelu_avx512(const float* x, long n, float* out);
void scalar(ScalarOp op, View x, double a, double b, const long* shape, int rank, float* out);
void binary(BinaryOp op, View a, View b, const long* shape, int rank, float* out);
// dst (strided) = src (strided).
void copy(View src, float* dst, const long* dst_strides, const long* shape, int rank);

}  // namespace lantern
