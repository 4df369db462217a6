// N-API bindings of the fused network kernels (normalisation), in the argument order of
// src/backend/backend.ts.
#include <napi.h>

#include "arguments.h"
#include "normalization.h"

namespace lantern {
namespace {

using Info = Napi::CallbackInfo;

// batchNormInference(x, mean, var, weight | null, bias | null, eps, outer, channels, inner, out)
Napi::Value BatchNormInference(const Info& info) {
  Arguments args(info);
  long outer = args.integer(6), channels = args.integer(7), inner = args.integer(8);
  if (!args.failed() && (outer < 0 || channels < 0 || inner < 0)) args.fail_range("batchNormInference: sizes must be non-negative");
  double total = static_cast<double>(outer) * channels * inner;
  const float* x = args.floats(0, total);
  const float* mean = args.floats(1, channels);
  const float* var = args.floats(2, channels);
  const float* weight = args.floats(3, channels, true);
  const float* bias = args.floats(4, channels, true);
  double eps = args.number(5);
  float* out = args.floats(9, total);
  if (!args.failed()) batch_norm_inference(x, mean, var, weight, bias, eps, outer, channels, inner, out);
  return info.Env().Undefined();
}

// layerNorm(x, weight | null, bias | null, rows, size, eps, out, mean | null, rstd | null)
Napi::Value LayerNorm(const Info& info) {
  Arguments args(info);
  long rows = args.integer(3), size = args.integer(4);
  if (!args.failed() && (rows < 0 || size < 0)) args.fail_range("layerNorm: sizes must be non-negative");
  double total = static_cast<double>(rows) * size;
  const float* x = args.floats(0, total);
  const float* weight = args.floats(1, size, true);
  const float* bias = args.floats(2, size, true);
  double eps = args.number(5);
  float* out = args.floats(6, total);
  float* mean = args.floats(7, rows, true);
  float* rstd = args.floats(8, rows, true);
  if (!args.failed()) layer_norm(x, weight, bias, rows, size, eps, out, mean, rstd);
  return info.Env().Undefined();
}

}  // namespace

void register_nn(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormInference", Napi::Function::New(env, BatchNormInference));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
}

}  // namespace lantern
