// N-API bindings of the fused network kernels (normalisation, inverted residual blocks), in the argument order of
// src/backend/backend.ts.
#include <napi.h>

#include "arguments.h"
#include "inverted_residual.h"
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

// Inverted residual geometry: [batch, inChannels, hidden, outChannels, height, width, kernel,
// stride, outHeight, outWidth, expandActivation, depthwiseActivation, residual, expand].
bool read_inverted_residual(Arguments& args, size_t i, InvertedResidualGeometry* g) {
  std::vector<long> v = args.integers(i, 14);
  if (args.failed()) return false;
  const auto activation = [](long code) { return static_cast<Activation>(code); };
  *g = InvertedResidualGeometry{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9],
                                activation(v[10]), activation(v[11]), v[12] != 0, v[13] != 0};
  const long pad = g->kernel / 2;
  const bool sizes = g->batch >= 0 && g->in_channels > 0 && g->hidden > 0 && g->out_channels > 0 && g->height >= 0 &&
                     g->width >= 0 && g->kernel > 0 && g->kernel <= 7 && g->kernel % 2 == 1 && g->stride > 0 &&
                     g->stride <= 2;
  if (!sizes) return args.fail_range("invertedResidual: invalid geometry (positive sizes, an odd kernel up to 7, stride 1 or 2)"), false;
  const long out_height = g->height + 2 * pad < g->kernel ? 0 : (g->height + 2 * pad - g->kernel) / g->stride + 1;
  const long out_width = g->width + 2 * pad < g->kernel ? 0 : (g->width + 2 * pad - g->kernel) / g->stride + 1;
  if (g->out_height != out_height || g->out_width != out_width) {
    return args.fail_range("invertedResidual: the output size does not follow from the input, kernel and stride"), false;
  }
  if (!g->expand && g->hidden != g->in_channels) {
    return args.fail_range("invertedResidual: without an expansion the hidden channels are the input channels"), false;
  }
  if (v[10] < 0 || v[10] > 2 || v[11] < 0 || v[11] > 2) return args.fail_range("invertedResidual: activation codes must be 0, 1 or 2"), false;
  if (g->residual && (g->in_channels != g->out_channels || g->stride != 1)) {
    return args.fail_range("invertedResidual: a shortcut needs as many output channels as input channels and stride 1"), false;
  }
  return true;
}

// invertedResidualPrepare(expandW | null, expandB | null, depthwiseW, depthwiseB | null, projectW,
// projectB | null, geometry): the weights packed for invertedResidual, or null where the fused
// kernel does not run (no AVX-512).
Napi::Value InvertedResidualPrepare(const Info& info) {
  Arguments args(info);
  InvertedResidualGeometry g;
  if (!read_inverted_residual(args, 6, &g)) return info.Env().Undefined();
  const double hidden = static_cast<double>(g.hidden);
  const float* expand_w = g.expand ? args.floats(0, hidden * g.in_channels) : nullptr;
  const float* expand_b = args.floats(1, hidden, true);
  const float* depthwise_w = args.floats(2, hidden * g.kernel * g.kernel);
  const float* depthwise_b = args.floats(3, hidden, true);
  const float* project_w = args.floats(4, hidden * g.out_channels);
  const float* project_b = args.floats(5, static_cast<double>(g.out_channels), true);
  if (args.failed()) return info.Env().Undefined();
  if (!inverted_residual_available()) return info.Env().Null();
  Napi::Float32Array prepared = aligned_floats(info.Env(), inverted_residual_prepared_size(g));
  inverted_residual_prepare(expand_w, expand_b, depthwise_w, depthwise_b, project_w, project_b, g, prepared.Data());
  return prepared;
}

// invertedResidual(x, prepared, out, geometry): prepared from invertedResidualPrepare on the same geometry.
Napi::Value InvertedResidual(const Info& info) {
  Arguments args(info);
  InvertedResidualGeometry g;
  if (!read_inverted_residual(args, 3, &g)) return info.Env().Undefined();
  const float* x = args.floats(0, static_cast<double>(g.batch) * g.in_channels * g.height * g.width);
  const float* prepared = args.floats(1, static_cast<double>(inverted_residual_prepared_size(g)));
  float* out = args.floats(2, static_cast<double>(g.batch) * g.out_channels * g.out_height * g.out_width);
  if (!args.failed() && !inverted_residual_available()) args.fail_range("invertedResidual: the fused kernel needs AVX-512");
  if (!args.failed()) inverted_residual(x, prepared, out, g);
  return info.Env().Undefined();
}

}  // namespace

void register_nn(Napi::Env env, Napi::Object exports) {
  exports.Set("batchNormInference", Napi::Function::New(env, BatchNormInference));
  exports.Set("layerNorm", Napi::Function::New(env, LayerNorm));
  exports.Set("invertedResidualPrepare", Napi::Function::New(env, InvertedResidualPrepare));
  exports.Set("invertedResidual", Napi::Function::New(env, InvertedResidual));
}

}  // namespace lantern
