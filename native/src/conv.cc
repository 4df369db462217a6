// Convolution as GEMM over the im2col matrix, without ever materialising it in the forward pass
// or the weight gradient: the GEMM sources below pack image patches straight into panels.
#include "conv.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu.h"
#include "gemm.h"
#include "gemm_bias.h"
#include "pack.h"
#include "scratch.h"
#include "thread_pool.h"

namespace lantern {
namespace {

// Values of im2col row (c, kh, kw) for `len` output positions starting at (oh, ow), all in one
// output row.
inline void copy_patch_run(const float* image, const ConvGeometry& g, long c, long kh, long kw, long oh,
                           long ow, long len, float* out) {
  long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
  if (ih < 0 || ih >= g.in_height) {
    std::fill(out, out + len, 0.0f);
    return;
  }
  const float* row = image + (c * g.in_height + ih) * g.in_width;
  long iw0 = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
  if (g.stride_w == 1) {
    long lo = std::clamp(-iw0, 0L, len);
    long hi = std::clamp(g.in_width - iw0, lo, len);
    std::fill(out, out + lo, 0.0f);
    for (long t = lo; t < hi; ++t) out[t] = row[iw0 + t];
    std::fill(out + hi, out + len, 0.0f);
    return;
  }
  for (long t = 0; t < len; ++t) {
    long iw = iw0 + t * g.stride_w;
    out[t] = iw >= 0 && iw < g.in_width ? row[iw] : 0.0f;
  }
}

// The im2col matrix of one image group (patch x spatial) as the right GEMM operand.
class Im2colColumns final : public SourceB {
 public:
  Im2colColumns(const float* image, const ConvGeometry& g) : image_(image), g_(g) {}

  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    const long ow_count = g_.out_width, taps = g_.kernel_height * g_.kernel_width;
    for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
      long cols = std::min<long>(nr, nc - c0);
      // The output positions of this panel split into runs along output rows; the runs are the
      // same for every patch row, so find them once.
      long run_oh[kMaxRuns], run_ow[kMaxRuns], run_len[kMaxRuns], runs = 0;
      for (long j = j0 + c0, end = j + cols; j < end; ++runs) {
        run_oh[runs] = j / ow_count;
        run_ow[runs] = j % ow_count;
        run_len[runs] = std::min(end - j, ow_count - run_ow[runs]);
        j += run_len[runs];
      }
      long c = p0 / taps, kh = p0 % taps / g_.kernel_width, kw = p0 % g_.kernel_width;
      for (long p = 0; p < kc; ++p) {
        float* out = dst + p * nr;
        for (long r = 0; r < runs; ++r) {
          copy_patch_run(image_, g_, c, kh, kw, run_oh[r], run_ow[r], run_len[r], out);
          out += run_len[r];
        }
        std::fill(out, dst + (p + 1) * nr, 0.0f);
        if (++kw == g_.kernel_width) {
          kw = 0;
          if (++kh == g_.kernel_height) kh = 0, ++c;
        }
      }
    }
  }

 private:
  static constexpr long kMaxRuns = 72;  // at most one run per column of a 64-wide panel, plus one
  const float* image_;
  const ConvGeometry& g_;
};

// grad_out of one group, og x (batch * spatial): the left operand of the weight gradient.
class BatchedGradRows final : public SourceA {
 public:
  BatchedGradRows(const float* grad_out, const ConvGeometry& g, long group)
      : grad_out_(grad_out + group * g.group_out() * g.out_plane()), g_(g) {}

  void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const override {
    const long spatial = g_.out_plane();
    for (long r0 = 0; r0 < mc; r0 += mr, dst += kc * mr) {
      int rows = static_cast<int>(std::min<long>(mr, mc - r0));
      for_each_image_segment(p0, kc, spatial, [&](long n, long s, long len, long offset) {
        const float* src = grad_out_ + (n * g_.out_channels + i0 + r0) * spatial + s;
        pack_transposed(src, spatial, rows, len, mr, dst + offset * mr);
      });
    }
  }

 private:
  const float* grad_out_;
  const ConvGeometry& g_;
};

// The transposed im2col matrices of one group stacked over the batch, (batch * spatial) x patch:
// the right operand of the weight gradient. Rows are gathered along k, then transposed in place.
class BatchedIm2colRows final : public SourceB {
 public:
  BatchedIm2colRows(const float* x, const ConvGeometry& g, long group)
      : x_(x + group * g.group_in() * g.in_plane()), g_(g) {}

  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    float* lines = scratch(ScratchSlot::Columns, static_cast<size_t>(nr) * kc);
    for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
      int cols = static_cast<int>(std::min<long>(nr, nc - c0));
      for (int j = 0; j < cols; ++j) {
        for_each_image_segment(p0, kc, g_.out_plane(), [&](long n, long s, long len, long offset) {
          im2col_row(x_ + n * g_.in_channels * g_.in_plane(), g_, j0 + c0 + j, s, s + len, lines + j * kc + offset);
        });
      }
      pack_transposed(lines, kc, cols, kc, nr, dst);
    }
  }

 private:
  const float* x_;
  const ConvGeometry& g_;
};

// Adds the patch gradients of channels [c0, c1) of one image group back onto the image.
void col2im(const float* col, const ConvGeometry& g, long c0, long c1, float* image) {
  const long spatial = g.out_plane();
  for (long c = c0; c < c1; ++c) {
    for (long kh = 0; kh < g.kernel_height; ++kh) {
      for (long kw = 0; kw < g.kernel_width; ++kw) {
        const float* row = col + ((c * g.kernel_height + kh) * g.kernel_width + kw) * spatial;
        for (long oh = 0; oh < g.out_height; ++oh, row += g.out_width) {
          long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
          if (ih < 0 || ih >= g.in_height) continue;
          float* dst = image + (c * g.in_height + ih) * g.in_width;
          long iw0 = kw * g.dilation_w - g.pad_left;
          for (long ow = 0; ow < g.out_width; ++ow) {
            long iw = iw0 + ow * g.stride_w;
            if (iw >= 0 && iw < g.in_width) dst[iw] += row[ow];
          }
        }
      }
    }
  }
}

// Stride-1 input gradient as a forward convolution of grad_out with the kernels flipped and their
// in/out channels swapped (padding d * (k - 1) - p), which needs no col2im pass.
void backward_input_as_convolution(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g) {
  const long cg = g.group_in(), og = g.group_out(), taps = g.kernel_height * g.kernel_width;
  float* flipped = scratch(ScratchSlot::Weights, static_cast<size_t>(g.groups) * og * cg * taps);
  for (long gi = 0; gi < g.groups; ++gi) {
    for (long o = 0; o < og; ++o) {
      for (long c = 0; c < cg; ++c) {
        const float* src = w + ((gi * og + o) * cg + c) * taps;
        float* dst = flipped + ((gi * cg + c) * og + o) * taps;
        for (long t = 0; t < taps; ++t) dst[t] = src[taps - 1 - t];
      }
    }
  }
  ConvGeometry t = g;
  t.in_channels = g.out_channels;
  t.in_height = g.out_height;
  t.in_width = g.out_width;
  t.out_channels = g.in_channels;
  t.out_height = g.in_height;
  t.out_width = g.in_width;
  t.pad_top = g.dilation_h * (g.kernel_height - 1) - g.pad_top;
  t.pad_left = g.dilation_w * (g.kernel_width - 1) - g.pad_left;
  conv2d(grad_out, flipped, nullptr, grad_in, t);
}

}  // namespace

void im2col_row(const float* image, const ConvGeometry& g, long patch_index, long begin, long end, float* out) {
  const long taps = g.kernel_height * g.kernel_width;
  const long c = patch_index / taps, kh = patch_index % taps / g.kernel_width, kw = patch_index % g.kernel_width;
  for (long s = begin; s < end;) {
    long oh = s / g.out_width, ow = s % g.out_width;
    long len = std::min(end - s, g.out_width - ow);
    copy_patch_run(image, g, c, kh, kw, oh, ow, len, out + (s - begin));
    s += len;
  }
}

Epilogue epilogue_for(Activation activation) {
  return {0.0f, activation == Activation::Relu6 ? 6.0f : std::numeric_limits<float>::infinity()};
}

LANTERN_VECTORIZE void add_and_activate(float* data, const float* residual, long n, Activation activation) {
  const Epilogue e = epilogue_for(activation);
  if (activation == Activation::None) {
    for (long i = 0; i < n; ++i) data[i] += residual[i];
    return;
  }
  for (long i = 0; i < n; ++i) {
    float v = data[i] + residual[i];
    v = v < e.lo ? e.lo : v;  // NaN passes through, as in PyTorch
    data[i] = v > e.hi ? e.hi : v;
  }
}

void activate(float* data, long n, Activation activation) {
  if (activation == Activation::None) return;
  const float high = activation == Activation::Relu6 ? 6.0f : std::numeric_limits<float>::infinity();
  for (long i = 0; i < n; ++i) data[i] = std::min(std::max(data[i], 0.0f), high);
}

ConvPath conv_path(const ConvGeometry& g) {
  if (g.depthwise()) return ConvPath::Depthwise;
  if (direct_suits(g)) return ConvPath::Direct;
  if (pointwise_suits(g)) return ConvPath::Pointwise;
  if (winograd_suits(g)) return ConvPath::Winograd;
  if (!g.pointwise() && phases_suit(g)) return ConvPath::Padded;
  return ConvPath::Im2col;
}

namespace {

// The micro-kernel of one group's im2col product, and its A operand (weights, then the bias column).
const MicroKernel& im2col_kernel(const ConvGeometry& g) { return micro_kernel_for(g.group_out(), g.out_plane()); }

}  // namespace

long im2col_prepared_size(const ConvGeometry& g, bool has_bias) {
  return g.groups * PrepackedA::size(g.group_out(), g.patch() + (has_bias ? 1 : 0), im2col_kernel(g).mr);
}

void im2col_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst) {
  const MicroKernel& mk = im2col_kernel(g);
  const long og = g.group_out(), patch = g.patch(), k = bias ? patch + 1 : patch;
  const long per_group = PrepackedA::size(og, k, mk.mr);
  for (long gi = 0; gi < g.groups; ++gi) {
    StridedMatrix weights(w + gi * og * patch, patch, 1);
    BiasColumnA weights_bias(weights, patch, bias ? bias + gi * og : nullptr);
    const SourceA& a = bias ? static_cast<const SourceA&>(weights_bias) : weights;
    PrepackedA::prepack(a, og, k, mk.mr, k_block_size(mk, k), dst + gi * per_group);
  }
}

void conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g, Activation activation,
            const float* prepared, size_t prepared_size, const float* residual) {
  const ConvPath path = conv_path(g);
  const float* panels = prepared ? conv2d_prepared_panels(prepared, prepared_size, g, bias != nullptr) : nullptr;
  if (path == ConvPath::Depthwise) {
    depthwise_conv2d(x, w, bias, out, g, residual ? Activation::None : activation);
    if (residual) {
      const long n = g.batch * g.out_channels * g.out_plane();
      parallel_range(n, 1L << 16, [&](long begin, long end) {
        add_and_activate(out + begin, residual + begin, end - begin, activation);
      });
    }
    return;
  }
  if (path == ConvPath::Winograd) {
    winograd_conv2d(x, w, bias, out, g, panels, activation, residual);
    return;
  }
  if (path == ConvPath::Direct) {
    direct_conv2d(x, w, bias, out, g, panels, activation, residual);
    return;
  }
  if (path == ConvPath::Pointwise) {
    pointwise_conv2d(x, w, bias, out, g, panels, activation, residual);
    return;
  }
  const long og = g.group_out(), patch = g.patch(), spatial = g.out_plane();
  const long k = bias ? patch + 1 : patch;
  const MicroKernel& mk = im2col_kernel(g);
  const long per_group =
      (path == ConvPath::Padded ? padded_prepared_size(g) : im2col_prepared_size(g, bias != nullptr)) / g.groups;
  for_each_unit(g.batch * g.groups, [&](long u, bool parallel) {
    long n = u / g.groups, gi = u % g.groups;
    const float* image = x + (n * g.in_channels + gi * g.group_in()) * g.in_plane();
    const float* group_panels = panels ? panels + gi * per_group : nullptr;
    float* c = out + (n * g.out_channels + gi * og) * spatial;
    const float* res = residual ? residual + (c - out) : nullptr;
    if (path == ConvPath::Padded) {
      padded_conv2d(image, w + gi * og * patch, bias ? bias + gi * og : nullptr, c, g, parallel, group_panels, activation, res);
      return;
    }
    StridedMatrix weights(w + gi * og * patch, patch, 1);
    StridedMatrix pixels(image, spatial, 1);
    Im2colColumns patches(image, g);
    const SourceB& b = g.pointwise() ? static_cast<const SourceB&>(pixels) : patches;
    // The bias rides along as one more k step rather than a second pass over the output.
    BiasColumnA weights_bias(weights, patch, bias ? bias + gi * og : nullptr);
    OnesRowB b_ones(b, patch, spatial);
    const SourceA& a_plain = bias ? static_cast<const SourceA&>(weights_bias) : weights;
    PrepackedA prepacked(a_plain, group_panels, og, k, mk.mr, k_block_size(mk, k));
    const SourceA& a_used = group_panels ? static_cast<const SourceA&>(prepacked) : a_plain;
    const SourceB& b_used = bias ? static_cast<const SourceB&>(b_ones) : b;
    // A residual is added as each tile is stored where the micro-kernel can, rather than copied
    // into the output first and accumulated onto (beta = 1), a pass over the output more: a 1x1
    // 144 -> 24 layer over 56x56 at batch 8 took 1.79-1.82 ms with its residual that way, 1.56-1.68
    // fused (1.44-1.60 without a residual).
    Epilogue clamp = epilogue_for(activation);
    const bool fused_residual = res && mk.fuses_residual;
    if (fused_residual) {
      if (activation == Activation::None) clamp.lo = -std::numeric_limits<float>::infinity();
      clamp.residual = res;
      clamp.origin = c;
    }
    const Epilogue* epilogue = activation == Activation::None && !fused_residual ? nullptr : &clamp;
    if (res && !fused_residual) std::copy(res, res + og * spatial, c);
    const float beta = res && !fused_residual ? 1.0f : 0.0f;
    if (parallel) gemm(a_used, b_used, og, spatial, k, c, spatial, 1.0f, beta, epilogue);
    else gemm_block(a_used, b_used, 0, 0, og, spatial, k, c, spatial, 1.0f, beta, epilogue);
  });
}

void conv2d_backward_input(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g) {
  if (g.depthwise()) {
    depthwise_backward_input(grad_out, w, grad_in, g);
    return;
  }
  if (g.unit_stride()) {
    backward_input_as_convolution(grad_out, w, grad_in, g);
    return;
  }
  const long cg = g.group_in(), og = g.group_out(), patch = g.patch(), spatial = g.out_plane();
  for_each_unit(g.batch * g.groups, [&](long u, bool parallel) {
    long n = u / g.groups, gi = u % g.groups;
    float* col = scratch(ScratchSlot::Columns, static_cast<size_t>(patch) * spatial);
    StridedMatrix weights_t(w + gi * og * patch, 1, patch);
    StridedMatrix grads(grad_out + (n * g.out_channels + gi * og) * spatial, spatial, 1);
    float* image = grad_in + (n * g.in_channels + gi * cg) * g.in_plane();
    std::fill(image, image + cg * g.in_plane(), 0.0f);
    if (parallel) {
      gemm(weights_t, grads, patch, spatial, og, col, spatial, 1.0f, 0.0f);
      // Channels scatter into disjoint planes, so they can be split across threads.
      parallel_range(cg, 1, [&](long c0, long c1) { col2im(col, g, c0, c1, image); });
    } else {
      gemm_block(weights_t, grads, 0, 0, patch, spatial, og, col, spatial, 1.0f, 0.0f);
      col2im(col, g, 0, cg, image);
    }
  });
}

void conv2d_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g) {
  // A single input channel (groups = 1, as LeNet's first layer) is one GEMM over the whole batch;
  // true depthwise layers have too few output channels per group for that to pay.
  if (g.depthwise() && !(g.groups == 1 && g.unit_stride())) {
    depthwise_backward_weight(grad_out, x, grad_weight, g);
    return;
  }
  if (g.unit_stride()) {
    padded_conv2d_backward_weight(grad_out, x, grad_weight, g);
    return;
  }
  // k runs over every output position of every image, so the batch sums inside the GEMM.
  const long og = g.group_out(), patch = g.patch(), k = g.batch * g.out_plane();
  for_each_unit(g.groups, [&](long gi, bool parallel) {
    BatchedGradRows grads(grad_out, g, gi);
    BatchedIm2colRows patches(x, g, gi);
    float* c = grad_weight + gi * og * patch;
    if (parallel) gemm(grads, patches, og, patch, k, c, patch, 1.0f, 1.0f);
    else gemm_block(grads, patches, 0, 0, og, patch, k, c, patch, 1.0f, 1.0f);
  });
}

}  // namespace lantern
