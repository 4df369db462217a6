// Convolution over a zero-padded copy of the image. With stride 1, output position (oh, ow) reads
// padded pixel (oh + kh * dh, ow + kw * dw); computing a "wide" output whose rows are as long as the
// padded rows (Wp = OW + (KW - 1) * dw) makes every im2col row one contiguous slice of the padded
// image, so packing is a plain copy with no bounds checks. The Wp - OW extra columns per row (2 of
// 58 for a 3x3 kernel on 56x56) are computed and dropped.
//
// With stride s the padded image is first split into its s x s phases (phase (ph, pw) holds padded
// pixels (r * s + ph, q * s + pw)): tap (kh, kw) of output (oh, ow) is pixel (oh + kh*dh / s,
// ow + kw*dw / s) of phase (kh*dh % s, kw*dw % s), so every im2col row is again a contiguous run,
// now of one phase plane, with OW + (KW - 1) * dw / s columns per wide row. Unlike stacking the
// phases as channels, every tap keeps exactly its own weight: no zero taps are added.
#include <algorithm>
#include <cstring>
#include <vector>

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

// Which phases of each axis some kernel tap reads (tap t reads phase (t * d) % s), and each used
// phase's index among them: only those planes are built.
struct PhaseIndex {
  long count = 0;
  long index[kMaxStride];  // -1 where unused
};

PhaseIndex used_phases(long taps, long dilation, long stride) {
  PhaseIndex p;
  std::fill(p.index, p.index + kMaxStride, -1L);
  for (long t = 0; t < taps; ++t) p.index[(t * dilation) % stride] = 0;
  for (long q = 0; q < stride; ++q) {
    if (p.index[q] == 0) p.index[q] = p.count++;
  }
  return p;
}

// dst[q] = src[q * S + offset] for q in [lo, hi): a template so that stride 2, the common one,
// is a constant the vectoriser turns into shuffles.
template <long S>
LANTERN_VECTORIZE void gather_strided(const float* __restrict src, long stride, long offset, long lo, long hi,
                                      float* __restrict dst) {
  const long s = S > 0 ? S : stride;
  for (long q = lo; q < hi; ++q) dst[q] = src[q * s + offset];
}

// One padded row's phase pw: dst[q] = padded[q * stride + pw] for q in [0, width), where padded
// column Q is input column Q - pad_left (zero outside the row).
void phase_row(const float* src, long in_width, long pad_left, long stride, long pw, long width, float* dst) {
  const long offset = pw - pad_left;  // input column of q = 0
  long lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  long hi = in_width - 1 - offset < 0 ? 0 : (in_width - 1 - offset) / stride + 1;
  lo = std::min(lo, width);
  hi = std::clamp(hi, lo, width);
  std::fill(dst, dst + lo, 0.0f);
  if (stride == 1) std::memcpy(dst + lo, src + lo + offset, (hi - lo) * sizeof(float));
  else if (stride == 2) gather_strided<2>(src, stride, offset, lo, hi, dst);
  else gather_strided<0>(src, stride, offset, lo, hi, dst);
  std::fill(dst + hi, dst + width, 0.0f);
}

}  // namespace

PhaseShape phase_shape(const ConvGeometry& g) {
  const PhaseIndex h = used_phases(g.kernel_height, g.dilation_h, g.stride_h);
  const PhaseIndex w = used_phases(g.kernel_width, g.dilation_w, g.stride_w);
  return {h.count, w.count, g.out_height + (g.kernel_height - 1) * g.dilation_h / g.stride_h,
          g.out_width + (g.kernel_width - 1) * g.dilation_w / g.stride_w};
}

bool phases_suit(const ConvGeometry& g) {
  if (g.stride_h > kMaxStride || g.stride_w > kMaxStride) return false;
  if (g.unit_stride()) return true;
  // Strided: the wide rows' extra columns must stay a small share of the work.
  return 2 * phase_shape(g).width <= 3 * g.out_width;
}

namespace {

// The used phases of `channels` padded planes of one image, in scratch: plane (c, ph, pw) at
// ((c * phases_h + index of ph) * phases_w + index of pw) * plane. The wide output's last columns
// read up to (KW - 1) * dw / sw floats past the final plane, so that tail is zeroed too.
float* split_image(const float* image, long channels, const ConvGeometry& g, const PhaseShape& s) {
  const long tail = (g.kernel_width - 1) * g.dilation_w / g.stride_w;
  const long planes = channels * s.phases_h * s.phases_w;
  float* split = scratch(ScratchSlot::Padded, static_cast<size_t>(planes * s.plane() + tail));
  const PhaseIndex h = used_phases(g.kernel_height, g.dilation_h, g.stride_h);
  const PhaseIndex w = used_phases(g.kernel_width, g.dilation_w, g.stride_w);
  for (long c = 0; c < channels; ++c) {
    for (long ph = 0; ph < g.stride_h; ++ph) {
      if (h.index[ph] < 0) continue;
      for (long pw = 0; pw < g.stride_w; ++pw) {
        if (w.index[pw] < 0) continue;
        float* plane = split + ((c * s.phases_h + h.index[ph]) * s.phases_w + w.index[pw]) * s.plane();
        for (long r = 0; r < s.height; ++r) {
          float* dst = plane + r * s.width;
          long ih = r * g.stride_h + ph - g.pad_top;
          if (ih < 0 || ih >= g.in_height) {
            std::fill(dst, dst + s.width, 0.0f);
            continue;
          }
          phase_row(image + (c * g.in_height + ih) * g.in_width, g.in_width, g.pad_left, g.stride_w, pw, s.width, dst);
        }
      }
    }
  }
  std::fill(split + planes * s.plane(), split + planes * s.plane() + tail, 0.0f);
  return split;
}

// The im2col matrix over wide output positions: row (c, kh, kw) is a contiguous run of the plane of
// phase ((kh * dh) % sh, (kw * dw) % sw) of channel c, from row (kh * dh) / sh, column (kw * dw) / sw.
class PaddedImageRows final : public SourceB {
 public:
  PaddedImageRows(const float* split, const ConvGeometry& g, const PhaseShape& s) : split_(split), g_(g), s_(s) {
    const PhaseIndex h = used_phases(g.kernel_height, g.dilation_h, g.stride_h);
    const PhaseIndex w = used_phases(g.kernel_width, g.dilation_w, g.stride_w);
    const long taps = g.kernel_height * g.kernel_width;
    offsets_.resize(taps);
    for (long kh = 0; kh < g.kernel_height; ++kh) {
      for (long kw = 0; kw < g.kernel_width; ++kw) {
        long y = kh * g.dilation_h, x = kw * g.dilation_w;
        long plane = h.index[y % g.stride_h] * s.phases_w + w.index[x % g.stride_w];
        offsets_[kh * g.kernel_width + kw] = plane * s.plane() + y / g.stride_h * s.width + x / g.stride_w;
      }
    }
    channel_stride_ = s.phases_h * s.phases_w * s.plane();
  }

  bool row_pointers(long p0, long kc, const float** rows) const override {
    for_each_row(p0, kc, [&](long p, const float* row) { rows[p] = row; });
    return true;
  }

  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    for (long c0 = 0; c0 < nc; c0 += nr, dst += kc * nr) {
      long cols = std::min<long>(nr, nc - c0);
      for_each_row(p0, kc, [&](long p, const float* row) {
        const float* __restrict src = row + j0 + c0;
        float* __restrict out = dst + p * nr;
        for (long t = 0; t < cols; ++t) out[t] = src[t];
        for (long t = cols; t < nr; ++t) out[t] = 0.0f;
      });
    }
  }

 private:
  // visit(p - p0, start of im2col row p) for p in [p0, p0 + kc), stepping (channel, tap) without a
  // division per row (these run once per k step of every panel).
  template <typename Visit>
  void for_each_row(long p0, long kc, Visit visit) const {
    const long taps = static_cast<long>(offsets_.size());
    long tap = p0 % taps;
    const float* channel = split_ + p0 / taps * channel_stride_;
    for (long p = 0; p < kc; ++p) {
      visit(p, channel + offsets_[tap]);
      if (++tap == taps) tap = 0, channel += channel_stride_;
    }
  }

  const float* split_;
  const ConvGeometry& g_;
  const PhaseShape& s_;
  std::vector<long> offsets_;  // per tap, within a channel's phase planes
  long channel_stride_;
};

// Columns [offset, ...) of another source as columns [0, ...).
class ShiftedColumns final : public SourceB {
 public:
  ShiftedColumns(const SourceB& inner, long offset) : inner_(inner), offset_(offset) {}
  void pack_columns(long p0, long kc, long j0, long nc, int nr, float* dst) const override {
    inner_.pack_columns(p0, kc, j0 + offset_, nc, nr, dst);
  }
  bool row_pointers(long p0, long kc, const float** rows) const override {
    if (!inner_.row_pointers(p0, kc, rows)) return false;
    for (long p = 0; p < kc; ++p) rows[p] += offset_;
    return true;
  }

 private:
  const SourceB& inner_;
  long offset_;
};

// dst = src + shift (+ residual) over one output row, clamped when there is an activation (NaN
// passes through).
LANTERN_VECTORIZE void crop_row(const float* __restrict src, long n, float shift, const float* __restrict residual,
                                const Epilogue* clamp, float* __restrict dst) {
  if (!clamp && !residual) {
    for (long i = 0; i < n; ++i) dst[i] = src[i] + shift;
    return;
  }
  const float lo = clamp ? clamp->lo : -__builtin_inff(), hi = clamp ? clamp->hi : __builtin_inff();
  for (long i = 0; i < n; ++i) {
    float v = src[i] + shift + (residual ? residual[i] : 0.0f);
    v = v < lo ? lo : v;
    dst[i] = v > hi ? hi : v;
  }
}

// The micro-kernel the GEMM below picks for one group: prepared panels are packed for it.
const MicroKernel& padded_kernel(const ConvGeometry& g) {
  return micro_kernel_for(g.group_out(), g.out_height * phase_shape(g).width);
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
                   bool parallel, const float* panels, Activation activation, const float* residual) {
  const PhaseShape p = phase_shape(g);
  const long og = g.group_out(), patch = g.patch();
  const float* padded = split_image(image, g.group_in(), g, p);
  StridedMatrix weights_matrix(weights, patch, 1);
  const MicroKernel& mk = padded_kernel(g);
  PrepackedA prepacked(weights_matrix, panels, og, patch, mk.mr, k_block_size(mk, patch));
  const SourceA& a = panels ? static_cast<const SourceA&>(prepacked) : weights_matrix;
  PaddedImageRows b(padded, g, p);
  // Output rows in chunks whose wide product (og x rows x width) stays in L2, so that the crop
  // below reads it back from there rather than from memory (a 224x224 stem's product is 3 MB).
  constexpr long kChunkFloats = 1L << 18;
  const long rows_per_chunk = std::clamp(kChunkFloats / std::max(1L, og * p.width), 1L, g.out_height);
  float* wide = scratch(ScratchSlot::Wide, static_cast<size_t>(og * rows_per_chunk * p.width));
  const Epilogue clamp = epilogue_for(activation);
  for (long oh0 = 0; oh0 < g.out_height; oh0 += rows_per_chunk) {
    const long rows = std::min(rows_per_chunk, g.out_height - oh0), cols = rows * p.width;
    ShiftedColumns chunk(b, oh0 * p.width);
    if (parallel) gemm(mk, a, chunk, og, cols, patch, wide, cols, 1.0f, 0.0f);
    else gemm_block(mk, a, chunk, 0, 0, og, cols, patch, wide, cols, 1.0f, 0.0f);
    // The wide rows are cut to the output width here, with the bias and the activation in the same pass.
    for (long o = 0; o < og; ++o) {
      float shift = bias ? bias[o] : 0.0f;
      for (long r = 0; r < rows; ++r) {
        const long at = (o * g.out_height + oh0 + r) * g.out_width;
        crop_row(wide + o * cols + r * p.width, g.out_width, shift, residual ? residual + at : nullptr,
                 activation == Activation::None ? nullptr : &clamp, out + at);
      }
    }
  }
}

}  // namespace lantern
