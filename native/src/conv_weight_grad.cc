// The weight gradient of a unit-stride convolution by the padded-copy trick of conv_padded.cc:
//   dW[o, (c, kh, kw)] = sum over images n and wide positions s of gy_wide[n, o, s] * x_pad[n, c, s + kh * dh * Wp + kw * dw]
// where gy_wide is grad_out with its rows widened to Wp by zeros, so the extra columns contribute
// nothing. Every column of the right operand is then a contiguous run of a padded image, packed by
// 8 x 8 transposes with no bounds checks, and the batch sums inside one GEMM per group.
#include <algorithm>

#include "conv.h"
#include "gemm.h"
#include "pack.h"
#include "scratch.h"
#include "thread_pool.h"

namespace lantern {
namespace {

// gy_wide of one group, og x (batch * OH * Wp): the left operand.
class WideGradRows final : public SourceA {
 public:
  WideGradRows(const float* wide, const ConvGeometry& g, long group, long wide_plane)
      : wide_(wide + group * g.group_out() * wide_plane), g_(g), wide_plane_(wide_plane) {}

  void pack_rows(long i0, long mc, long p0, long kc, int mr, float* dst) const override {
    for (long r0 = 0; r0 < mc; r0 += mr, dst += kc * mr) {
      int rows = static_cast<int>(std::min<long>(mr, mc - r0));
      for_each_image_segment(p0, kc, wide_plane_, [&](long n, long s, long len, long offset) {
        const float* src = wide_ + (n * g_.out_channels + i0 + r0) * wide_plane_ + s;
        pack_transposed(src, wide_plane_, rows, len, mr, dst + offset * mr);
      });
    }
  }

 private:
  const float* wide_;
  const ConvGeometry& g_;
  long wide_plane_;
};

// The (batch * OH * Wp) x patch right operand: column (c, kh, kw) at wide position s of image n is
// x_pad[n, c, s + kh * dh * Wp + kw * dw].
class PaddedPatchColumns final : public SourceB {
 public:
  PaddedPatchColumns(const float* padded, const ConvGeometry& g, const PaddedShape& p, long group, long wide_plane)
      : padded_(padded + group * g.group_in() * p.plane()), g_(g), p_(p), wide_plane_(wide_plane) {}

  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    constexpr int kMaxLines = 64;
    const long taps = g_.kernel_height * g_.kernel_width;
    long offsets[kMaxLines];
    const float* lines[kMaxLines];
    for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
      int cols = static_cast<int>(std::min<long>(nr, nc - c0));
      for (int j = 0; j < cols; ++j) {
        long col = j0 + c0 + j, c = col / taps, kh = col % taps / g_.kernel_width, kw = col % g_.kernel_width;
        offsets[j] = c * p_.plane() + kh * g_.dilation_h * p_.width + kw * g_.dilation_w;
      }
      for_each_image_segment(p0, kc, wide_plane_, [&](long n, long s, long len, long offset) {
        const float* image = padded_ + n * g_.in_channels * p_.plane() + s;
        for (int j = 0; j < cols; ++j) lines[j] = image + offsets[j];
        pack_lines(lines, cols, len, nr, dst + offset * nr);
      });
    }
  }

 private:
  const float* padded_;
  const ConvGeometry& g_;
  const PaddedShape& p_;
  long wide_plane_;
};

}  // namespace

void padded_conv2d_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g) {
  const PaddedShape p = padded_shape(g);
  const long wide_plane = g.out_height * p.width, og = g.group_out(), patch = g.patch();
  // The last wide row of an image reads up to (KW - 1) * dw past its last plane: keep a zero tail.
  const long tail = (g.kernel_width - 1) * g.dilation_w;
  float* padded = scratch(ScratchSlot::Padded, static_cast<size_t>(g.batch * g.in_channels * p.plane() + tail));
  float* wide = scratch(ScratchSlot::Wide, static_cast<size_t>(g.batch * g.out_channels * wide_plane));
  parallel_for(g.batch, [&](long n) {
    pad_planes(x + n * g.in_channels * g.in_plane(), g.in_channels, g, p, padded + n * g.in_channels * p.plane());
    for (long o = 0; o < g.out_channels; ++o) {
      for (long oh = 0; oh < g.out_height; ++oh) {
        const float* src = grad_out + ((n * g.out_channels + o) * g.out_height + oh) * g.out_width;
        float* dst = wide + (n * g.out_channels + o) * wide_plane + oh * p.width;
        std::copy(src, src + g.out_width, dst);
        std::fill(dst + g.out_width, dst + p.width, 0.0f);
      }
    }
  });
  std::fill(padded + g.batch * g.in_channels * p.plane(), padded + g.batch * g.in_channels * p.plane() + tail, 0.0f);
  if (dot_weight_grad_suits(g)) {
    dot_weight_grad(wide, padded, g, p, wide_plane, grad_weight);
    return;
  }
  const long k = g.batch * wide_plane;
  auto group = [&](long gi, bool parallel) {
    WideGradRows grads(wide, g, gi, wide_plane);
    PaddedPatchColumns patches(padded, g, p, gi, wide_plane);
    float* c = grad_weight + gi * og * patch;
    if (parallel) gemm(grads, patches, og, patch, k, c, patch, 1.0f, 1.0f);
    else gemm_block(grads, patches, 0, 0, og, patch, k, c, patch, 1.0f, 1.0f);
  };
  if (g.groups >= num_threads()) parallel_for(g.groups, [&](long gi) { group(gi, false); });
  else for (long gi = 0; gi < g.groups; ++gi) group(gi, true);
}

}  // namespace lantern
