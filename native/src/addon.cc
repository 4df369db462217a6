// The N-API surface of the native core: each binding checks its arguments, then runs a kernel
// in place on the caller's typed arrays (no copies). Argument order follows src/backend/backend.ts;
// geometries and layouts arrive as Float64Arrays in the order documented on each binding.
#include <cstdint>
#include <napi.h>

#include <algorithm>
#include <string>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "arguments.h"
#include "conv.h"
#include "cpu.h"
#include "elementwise.h"
#include "gemm.h"
#include "optim.h"
#include "pool.h"
#include "reduce.h"
#include "thread_pool.h"

namespace lantern {
namespace {

using Info = Napi::CallbackInfo;

// gemm(a, b, out, batch, m, n, k, transA, transB, aOffset, bOffset, aBatchStride, bBatchStride, alpha, beta)
Napi::Value Gemm(const Info& info) {
  Arguments args(info);
  long batch = args.integer(3), m = args.integer(4), n = args.integer(5), k = args.integer(6);
  bool trans_a = args.flag(7), trans_b = args.flag(8);
  long a_offset = args.integer(9), b_offset = args.integer(10);
  long a_stride = args.integer(11), b_stride = args.integer(12);
  float alpha = static_cast<float>(args.number(13)), beta = static_cast<float>(args.number(14));
  bool empty = batch <= 0 || m * k <= 0;
  const float* a = args.floats(0, empty ? 0 : a_offset + (batch - 1.0) * a_stride + m * k);
  empty = batch <= 0 || k * n <= 0;
  const float* b = args.floats(1, empty ? 0 : b_offset + (batch - 1.0) * b_stride + k * n);
  float* out = args.floats(2, std::max(0.0, static_cast<double>(batch) * m * n));
  if (!args.failed() && (a_offset < 0 || b_offset < 0 || a_stride < 0 || b_stride < 0 || m < 0 || n < 0 || k < 0)) {
    args.fail_range("gemm: offsets, strides and sizes must be non-negative");
  }
  if (args.failed() || batch <= 0 || m == 0 || n == 0) return info.Env().Undefined();
  a += a_offset;
  b += b_offset;
  auto one = [&](long i, bool parallel) {
    const float* ai = a + i * a_stride;
    const float* bi = b + i * b_stride;
    float* c = out + i * m * n;
    const long a_rs = trans_a ? 1 : k, a_cs = trans_a ? m : 1, b_rs = trans_b ? 1 : n, b_cs = trans_b ? k : 1;
    // A single row (or column) of output: a matrix-vector product, with C^T = B^T A^T for a column.
    if (m == 1 && gemv(ai, a_cs, bi, b_rs, b_cs, n, k, c, alpha, beta)) return;
    if (n == 1 && gemv(bi, b_rs, ai, a_cs, a_rs, m, k, c, alpha, beta)) return;
    // A few rows against contiguous columns of B (x W^T for a Linear layer at a small batch).
    if (a_cs == 1 && b_rs == 1 && gemm_dots(ai, a_rs, m, bi, b_cs, n, k, c, n, alpha, beta)) return;
    StridedMatrix lhs(ai, a_rs, a_cs);
    StridedMatrix rhs(bi, b_rs, b_cs);
    if (parallel) gemm(lhs, rhs, m, n, k, c, n, alpha, beta);
    else gemm_block(lhs, rhs, 0, 0, m, n, k, c, n, alpha, beta);
  };
  // Many small products: one per thread at a time. Few large ones: each split across the pool.
  if (batch >= num_threads() && static_cast<double>(m) * n * k < (1 << 24)) {
    parallel_for(batch, [&](long i) { one(i, false); });
  } else {
    for (long i = 0; i < batch; ++i) one(i, true);
  }
  return info.Env().Undefined();
}

// Conv geometry: [batch, inChannels, inHeight, inWidth, outChannels, kernelHeight, kernelWidth,
// outHeight, outWidth, strideH, strideW, padTop, padLeft, dilationH, dilationW, groups].
bool read_conv(Arguments& args, size_t i, ConvGeometry* g) {
  std::vector<long> v = args.integers(i, 16);
  if (args.failed()) return false;
  *g = ConvGeometry{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15]};
  bool valid = g->batch >= 0 && g->in_channels > 0 && g->in_height >= 0 && g->in_width >= 0 && g->out_channels > 0 &&
               g->kernel_height > 0 && g->kernel_width > 0 && g->out_height >= 0 && g->out_width >= 0 &&
               g->stride_h > 0 && g->stride_w > 0 && g->dilation_h > 0 && g->dilation_w > 0 && g->groups > 0 &&
               g->in_channels % g->groups == 0 && g->out_channels % g->groups == 0;
  if (!valid) args.fail_range("conv2d: invalid geometry (sizes must be positive and groups must divide the channels)");
  return !args.failed();
}

double input_size(const ConvGeometry& g) { return static_cast<double>(g.batch) * g.in_channels * g.in_plane(); }
double output_size(const ConvGeometry& g) { return static_cast<double>(g.batch) * g.out_channels * g.out_plane(); }
double weight_size(const ConvGeometry& g) { return static_cast<double>(g.out_channels) * g.patch(); }

// conv2d(x, w, bias | null, out, geometry, activation?, prepared?, residual?): prepared is a
// Float32Array from conv2dPrepare, used when it was made for this geometry; residual (the output's
// size) is added before the activation.
Napi::Value Conv2d(const Info& info) {
  Arguments args(info);
  ConvGeometry g;
  if (!read_conv(args, 4, &g)) return info.Env().Undefined();
  const float* x = args.floats(0, input_size(g));
  const float* w = args.floats(1, weight_size(g));
  const float* bias = args.floats(2, static_cast<double>(g.out_channels), true);
  float* out = args.floats(3, output_size(g));
  // Optional: 0 none, 1 ReLU, 2 ReLU6 (src/backend/backend.ts ConvActivation).
  long activation = info.Length() > 5 ? args.integer(5) : 0;
  if (activation < 0 || activation > 2) {
    Napi::RangeError::New(info.Env(), "conv2d: activation code must be 0, 1 or 2").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  const float* prepared = info.Length() > 6 ? args.floats(6, 0, true) : nullptr;
  const size_t prepared_size = prepared ? args.length(6) : 0;
  const float* residual = info.Length() > 7 ? args.floats(7, output_size(g), true) : nullptr;
  if (!args.failed()) conv2d(x, w, bias, out, g, static_cast<Activation>(activation), prepared, prepared_size, residual);
  return info.Env().Undefined();
}

// conv2dPrepare(w, bias | null, geometry): the weights packed ahead for conv2d on this geometry, or
// null when its path has nothing to prepare.
Napi::Value Conv2dPrepare(const Info& info) {
  Arguments args(info);
  ConvGeometry g;
  if (!read_conv(args, 2, &g)) return info.Env().Undefined();
  const float* w = args.floats(0, weight_size(g));
  const float* bias = args.floats(1, static_cast<double>(g.out_channels), true);
  if (args.failed()) return info.Env().Undefined();
  const size_t size = conv2d_prepared_size(g, bias != nullptr);
  if (size == 0) return info.Env().Null();
  Napi::Float32Array prepared = aligned_floats(info.Env(), size);
  conv2d_prepare(w, bias, g, prepared.Data());
  return prepared;
}

// cacheLineOffset(array): how many bytes past a 64-byte boundary the array's first element lies,
// for memory planners that place vector data on cache lines (lt.jit.trace's arena).
Napi::Value CacheLineOffset(const Info& info) {
  if (info.Length() < 1 || !info[0].IsTypedArray()) {
    Napi::TypeError::New(info.Env(), "cacheLineOffset: expected a typed array").ThrowAsJavaScriptException();
    return info.Env().Undefined();
  }
  Napi::TypedArray array = info[0].As<Napi::TypedArray>();
  const auto address = reinterpret_cast<uintptr_t>(static_cast<const char*>(array.ArrayBuffer().Data()) + array.ByteOffset());
  return Napi::Number::New(info.Env(), static_cast<double>(address % 64));
}

// conv2dBackwardInput(gradOut, w, gradIn, geometry)
Napi::Value Conv2dBackwardInput(const Info& info) {
  Arguments args(info);
  ConvGeometry g;
  if (!read_conv(args, 3, &g)) return info.Env().Undefined();
  const float* grad_out = args.floats(0, output_size(g));
  const float* w = args.floats(1, weight_size(g));
  float* grad_in = args.floats(2, input_size(g));
  if (!args.failed()) conv2d_backward_input(grad_out, w, grad_in, g);
  return info.Env().Undefined();
}

// conv2dBackwardWeight(gradOut, x, gradWeight, geometry): accumulates into gradWeight.
Napi::Value Conv2dBackwardWeight(const Info& info) {
  Arguments args(info);
  ConvGeometry g;
  if (!read_conv(args, 3, &g)) return info.Env().Undefined();
  const float* grad_out = args.floats(0, output_size(g));
  const float* x = args.floats(1, input_size(g));
  float* grad_weight = args.floats(2, weight_size(g));
  if (!args.failed()) conv2d_backward_weight(grad_out, x, grad_weight, g);
  return info.Env().Undefined();
}

// Pool geometry: [planes, inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth,
// strideH, strideW, padTop, padLeft, dilationH, dilationW].
bool read_pool(Arguments& args, size_t i, PoolGeometry* g) {
  std::vector<long> v = args.integers(i, 13);
  if (args.failed()) return false;
  *g = PoolGeometry{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12]};
  bool valid = g->planes >= 0 && g->in_height >= 0 && g->in_width >= 0 && g->out_height >= 0 && g->out_width >= 0 &&
               g->kernel_height >= 0 && g->kernel_width >= 0 && g->stride_h > 0 && g->stride_w > 0 &&
               g->dilation_h > 0 && g->dilation_w > 0;
  if (!valid) args.fail_range("pool2d: invalid geometry (sizes must be non-negative, strides and dilations positive)");
  return !args.failed();
}

double pool_in(const PoolGeometry& g) { return static_cast<double>(g.planes) * g.in_plane(); }
double pool_out(const PoolGeometry& g) { return static_cast<double>(g.planes) * g.out_plane(); }

// maxPool2d(x, out, argmax | null, geometry)
Napi::Value MaxPool2d(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 3, &g)) return info.Env().Undefined();
  const float* x = args.floats(0, pool_in(g));
  float* out = args.floats(1, pool_out(g));
  int32_t* argmax = args.ints(2, pool_out(g), true);
  if (!args.failed()) max_pool2d(x, out, argmax, g);
  return info.Env().Undefined();
}

// maxPool2dBackward(gradOut, argmax, gradIn, geometry)
Napi::Value MaxPool2dBackward(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 3, &g)) return info.Env().Undefined();
  const float* grad_out = args.floats(0, pool_out(g));
  const int32_t* argmax = args.ints(1, pool_out(g));
  float* grad_in = args.floats(2, pool_in(g));
  if (args.failed()) return info.Env().Undefined();
  const long total = g.planes * g.out_plane();
  if (std::any_of(argmax, argmax + total, [&](int32_t i) { return i >= g.in_plane(); })) {
    args.fail_range("maxPool2dBackward: argmax index outside its input plane");
    return info.Env().Undefined();
  }
  max_pool2d_backward(grad_out, argmax, grad_in, g);
  return info.Env().Undefined();
}

// avgPool2d(x, out, geometry, countIncludePad, divisorOverride)
Napi::Value AvgPool2d(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 2, &g)) return info.Env().Undefined();
  const float* x = args.floats(0, pool_in(g));
  float* out = args.floats(1, pool_out(g));
  bool include_pad = args.flag(3);
  long divisor = args.integer(4);
  if (!args.failed()) avg_pool2d(x, out, g, include_pad, divisor);
  return info.Env().Undefined();
}

// avgPool2dBackward(gradOut, gradIn, geometry, countIncludePad, divisorOverride)
Napi::Value AvgPool2dBackward(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 2, &g)) return info.Env().Undefined();
  const float* grad_out = args.floats(0, pool_out(g));
  float* grad_in = args.floats(1, pool_in(g));
  bool include_pad = args.flag(3);
  long divisor = args.integer(4);
  if (!args.failed()) avg_pool2d_backward(grad_out, grad_in, g, include_pad, divisor);
  return info.Env().Undefined();
}

// adaptiveAvgPool2d(x, out, geometry)
Napi::Value AdaptiveAvgPool2d(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 2, &g)) return info.Env().Undefined();
  const float* x = args.floats(0, pool_in(g));
  float* out = args.floats(1, pool_out(g));
  if (!args.failed() && (g.out_height == 0 || g.out_width == 0) && g.planes * g.in_plane() > 0) {
    args.fail_range("adaptiveAvgPool2d: output size must be positive");
  }
  if (!args.failed()) adaptive_avg_pool2d(x, out, g);
  return info.Env().Undefined();
}

// adaptiveAvgPool2dBackward(gradOut, gradIn, geometry)
Napi::Value AdaptiveAvgPool2dBackward(const Info& info) {
  Arguments args(info);
  PoolGeometry g;
  if (!read_pool(args, 2, &g)) return info.Env().Undefined();
  const float* grad_out = args.floats(0, pool_out(g));
  float* grad_in = args.floats(1, pool_in(g));
  if (!args.failed() && (g.out_height == 0 || g.out_width == 0) && g.planes * g.in_plane() > 0) {
    args.fail_range("adaptiveAvgPool2dBackward: output size must be positive");
  }
  if (!args.failed()) adaptive_avg_pool2d_backward(grad_out, grad_in, g);
  return info.Env().Undefined();
}

Napi::Value Info_(const Info& info) {
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("isa", isa_name(active_isa()));
  result.Set("gemmKernel", micro_kernel().name);
  result.Set("threads", num_threads());
  return result;
}

// setIsa(name): switches every kernel to "avx512", "avx2", "neon" or "scalar" if the CPU has it.
Napi::Value SetIsa(const Info& info) {
  std::string name = info[0].ToString().Utf8Value();
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512, Isa::Neon}) {
    if (name == isa_name(isa)) return Napi::Boolean::New(info.Env(), set_isa(isa));
  }
  return Napi::Boolean::New(info.Env(), false);
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports);
void register_nn(Napi::Env env, Napi::Object exports);
void register_linalg(Napi::Env env, Napi::Object exports);
void register_cluster(Napi::Env env, Napi::Object exports);

// Tensor storage is ArrayBuffers from glibc malloc, freed whenever V8 collects them. Above glibc's
// mmap threshold every buffer is a fresh mapping, unmapped on free, so each op's output pays a
// page fault per 4 KB on first write: 2,300 faults and 4 ms of kernel time per MobileNetV2 forward
// at batch 1. Serving buffers up to 32 MB from the heap, and keeping up to 256 MB of freed heap
// rather than returning it to the system, lets each new tensor land on warm pages.
void tune_allocator() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tune_allocator();
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("conv2d", Napi::Function::New(env, Conv2d));
  exports.Set("conv2dPrepare", Napi::Function::New(env, Conv2dPrepare));
  exports.Set("cacheLineOffset", Napi::Function::New(env, CacheLineOffset));
  exports.Set("conv2dBackwardInput", Napi::Function::New(env, Conv2dBackwardInput));
  exports.Set("conv2dBackwardWeight", Napi::Function::New(env, Conv2dBackwardWeight));
  exports.Set("maxPool2d", Napi::Function::New(env, MaxPool2d));
  exports.Set("maxPool2dBackward", Napi::Function::New(env, MaxPool2dBackward));
  exports.Set("avgPool2d", Napi::Function::New(env, AvgPool2d));
  exports.Set("avgPool2dBackward", Napi::Function::New(env, AvgPool2dBackward));
  exports.Set("adaptiveAvgPool2d", Napi::Function::New(env, AdaptiveAvgPool2d));
  exports.Set("adaptiveAvgPool2dBackward", Napi::Function::New(env, AdaptiveAvgPool2dBackward));
  exports.Set("info", Napi::Function::New(env, Info_));
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  register_elementwise(env, exports);
  register_nn(env, exports);
  register_linalg(env, exports);
  register_cluster(env, exports);
  return exports;
}

}  // namespace lantern

static Napi::Object InitLantern(Napi::Env env, Napi::Object exports) { return lantern::Init(env, exports); }

NODE_API_MODULE(lantern_native, InitLantern)
