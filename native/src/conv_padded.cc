// Unit-stride convolution over a zero-padded copy of the image. With stride 1, output position
// (oh, ow) reads padded pixel (oh + kh * dh, ow + kw * dw); computing a "wide" output whose rows
// are as long as the padded rows (Wp = OW + (KW - 1) * dw) makes every im2col row one contiguous
// slice of the padded image, so packing is a plain copy with no bounds checks. The Wp - OW extra
// columns per row (2 of 58 for a 3x3 kernel on 56x56) are computed and dropped.
#include <algorithm>
#include <cstring>

#include "conv.h"
#include "cpu.h"
#include "gemm.h"
#include "scratch.h"

namespace lantern {

PaddedShape padded_shape(const ConvGeometry& g) {
  return {g.out_height + (g.kernel_height - 1) * g.dilation_h, g.out_width + (g.kernel_width - 1) * g.dilation_w};
}

void pad_planes(const float* image, long channels, const ConvGeometry& g, const PaddedShape& p, float* padded) {
  for (long c = 0; c < channels; ++c) {
    for (long r = 0; r < p.height; ++r) {
      float* dst = padded + c * p.plane() + r * p.width;
      long ih = r - g.pad_top;
      if (ih < 0 || ih >= g.in_height) {
        std::fill(dst, dst + p.width, 0.0f);
        continue;
      }
      const float* src = image + (c * g.in_height + ih) * g.in_width;
      // Input columns [max(0, -pl), min(W, Wp - pl)) land at padded column iw + pl.
      long lo = std::clamp(g.pad_left, 0L, p.width), hi = std::clamp(g.in_width + g.pad_left, lo, p.width);
      std::fill(dst, dst + lo, 0.0f);
      std::memcpy(dst + lo, src + (lo - g.pad_left), (hi - lo) * sizeof(float));
      std::fill(dst + hi, dst + p.width, 0.0f);
    }
  }
}

namespace {

// `channels` padded planes of one image in scratch. The wide output's last columns read up to
// (KW - 1) * dw floats past the final plane, so that tail is zeroed too.
float* pad_image(const float* image, long channels, const ConvGeometry& g, const PaddedShape& p) {
  const long tail = (g.kernel_width - 1) * g.dilation_w;
  float* padded = scratch(ScratchSlot::Padded, static_cast<size_t>(channels * p.plane() + tail));
  pad_planes(image, channels, g, p, padded);
  std::fill(padded + channels * p.plane(), padded + channels * p.plane() + tail, 0.0f);
  return padded;
}

// The im2col matrix over wide output positions: row (c, kh, kw) is the padded image read from
// offset c * plane + kh * dh * Wp + kw * dw.
class PaddedImageRows final : public SourceB {
 public:
  PaddedImageRows(const float* padded, const ConvGeometry& g, const PaddedShape& p) : padded_(padded), g_(g), p_(p) {}

  bool row_pointers(long p0, long kc, const float** rows) const override {
    const long taps = g_.kernel_height * g_.kernel_width;
    long c = p0 / taps, kh = p0 % taps / g_.kernel_width, kw = p0 % g_.kernel_width;
    for (long p = 0; p < kc; ++p) {
      rows[p] = padded_ + c * p_.plane() + kh * g_.dilation_h * p_.width + kw * g_.dilation_w;
      if (++kw == g_.kernel_width) {
        kw = 0;
        if (++kh == g_.kernel_height) kh = 0, ++c;
      }
    }
    return true;
  }

  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    const long taps = g_.kernel_height * g_.kernel_width;
    for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
      long cols = std::min<long>(nr, nc - c0);
      long c = p0 / taps, kh = p0 % taps / g_.kernel_width, kw = p0 % g_.kernel_width;
      for (long p = 0; p < kc; ++p) {
        const float* __restrict src =
            padded_ + c * p_.plane() + kh * g_.dilation_h * p_.width + kw * g_.dilation_w + j0 + c0;
        float* __restrict out = dst + p * nr;
        for (long t = 0; t < cols; ++t) out[t] = src[t];
        for (long t = cols; t < nr; ++t) out[t] = 0.0f;
        if (++kw == g_.kernel_width) {
          kw = 0;
          if (++kh == g_.kernel_height) kh = 0, ++c;
        }
      }
    }
  }

 private:
  const float* padded_;
  const ConvGeometry& g_;
  const PaddedShape& p_;
};

}  // namespace

namespace {

// The micro-kernel the GEMM below picks for one group: prepared panels are packed for it.
const MicroKernel& padded_kernel(const ConvGeometry& g) {
  return micro_kernel_for(g.group_out(), g.out_height * padded_shape(g).width);
}

// dst = src + shift over one output row, clamped when there is an activation (NaN passes through).
LANTERN_VECTORIZE void crop_row(const float* __restrict src, long n, float shift, const Epilogue* clamp, float* __restrict dst) {
  if (!clamp) {
    for (long i = 0; i < n; ++i) dst[i] = src[i] + shift;
    return;
  }
  const float lo = clamp->lo, hi = clamp->hi;
  for (long i = 0; i < n; ++i) {
    float v = src[i] + shift;
    v = v < lo ? lo : v;
    dst[i] = v > hi ? hi : v;
  }
}

}  // namespace

long padded_prepared_size(const ConvGeometry& g) {
  return g.groups * PrepackedA::size(g.group_out(), g.patch(), padded_kernel(g).mr);
}

void padded_prepare(const float* w, const ConvGeometry& g, float* dst) {
  const MicroKernel& mk = padded_kernel(g);
  const long og = g.group_out(), patch = g.patch(), per_group = PrepackedA::size(og, patch, mk.mr);
  for (long gi = 0; gi < g.groups; ++gi) {
    StridedMatrix a(w + gi * og * patch, patch, 1);
    PrepackedA::prepack(a, og, patch, mk.mr, k_block_size(mk, patch), dst + gi * per_group);
  }
}

void padded_conv2d(const float* image, const float* weights, const float* bias, float* out, const ConvGeometry& g,
                   bool parallel, const float* panels, Activation activation) {
  const PaddedShape p = padded_shape(g);
  const long og = g.group_out(), patch = g.patch(), wide_plane = g.out_height * p.width;
  const float* padded = pad_image(image, g.group_in(), g, p);
  float* wide = scratch(ScratchSlot::Wide, static_cast<size_t>(og * wide_plane));
  StridedMatrix weights_matrix(weights, patch, 1);
  const MicroKernel& mk = padded_kernel(g);
  PrepackedA prepacked(weights_matrix, panels, og, patch, mk.mr, k_block_size(mk, patch));
  const SourceA& a = panels ? static_cast<const SourceA&>(prepacked) : weights_matrix;
  PaddedImageRows b(padded, g, p);
  if (parallel) gemm(a, b, og, wide_plane, patch, wide, wide_plane, 1.0f, 0.0f);
  else gemm_block(a, b, 0, 0, og, wide_plane, patch, wide, wide_plane, 1.0f, 0.0f);
  // The wide rows are cut to the output width here, with the bias and the activation in the same pass.
  const Epilogue clamp = epilogue_for(activation);
  for (long o = 0; o < og; ++o) {
    float shift = bias ? bias[o] : 0.0f;
    for (long oh = 0; oh < g.out_height; ++oh) {
      crop_row(wide + o * wide_plane + oh * p.width, g.out_width, shift, activation == Activation::None ? nullptr : &clamp,
               out + (o * g.out_height + oh) * g.out_width);
    }
  }
}

}  // namespace lantern
