// 2-D convolution over NCHW input and OIHW weights, matching the reference backend exactly:
// conv2d overwrites out, conv2d_backward_input overwrites grad_in, and conv2d_backward_weight
// accumulates into grad_weight.
#pragma once

#include <algorithm>
#include <cstddef>

#include "gemm.h"
#include "thread_pool.h"

namespace lantern {

struct ConvGeometry {
  long batch, in_channels, in_height, in_width;
  long out_channels, kernel_height, kernel_width, out_height, out_width;
  long stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w, groups;

  long group_in() const { return in_channels / groups; }
  long group_out() const { return out_channels / groups; }
  long patch() const { return group_in() * kernel_height * kernel_width; }
  long in_plane() const { return in_height * in_width; }
  long out_plane() const { return out_height * out_width; }
  // One input channel per group: each output plane is a weighted sum of shifted copies of one
  // input plane, so direct loops beat GEMM.
  bool depthwise() const { return group_in() == 1; }
  bool unit_stride() const { return stride_h == 1 && stride_w == 1; }
  // 1x1 kernels with unit stride and no padding: the image itself is the im2col matrix.
  bool pointwise() const {
    return kernel_height == 1 && kernel_width == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 &&
           pad_left == 0 && out_height == in_height && out_width == in_width;
  }
};

// An activation applied to conv2d's output in the same call (inference after folding batch norm
// into the weights): the output is clamped while it is still in cache, instead of by another op
// that reads it back and allocates a second tensor.
enum class Activation { None = 0, Relu = 1, Relu6 = 2 };

// prepared (size floats) may hold weights rearranged ahead by conv2d_prepare: when it was made for
// this geometry, bias and instruction set, the call skips packing the weights; otherwise it is
// ignored. The caller keeps it in step with w and bias.
// residual, when not null, has the output's layout and is added before the activation.
void conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
            Activation activation = Activation::None, const float* prepared = nullptr, size_t prepared_size = 0,
            const float* residual = nullptr);

// Inference weights prepared once per geometry (conv_prepared.cc), as onnxruntime prepacks its
// initialisers: the floats conv2d_prepare writes (0 when the geometry's path packs nothing, as
// depthwise), and the preparation itself, tagged with what it was made for.
size_t conv2d_prepared_size(const ConvGeometry& g, bool has_bias);
void conv2d_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst);
// The panels inside `prepared` when it was made for g, bias presence and the active instruction
// set; null otherwise.
const float* conv2d_prepared_panels(const float* prepared, size_t size, const ConvGeometry& g, bool has_bias);

// The ways conv2d computes a geometry, in the order it tries them.
enum class ConvPath { Depthwise = 1, Winograd, Padded, Im2col, Direct, Pointwise };
ConvPath conv_path(const ConvGeometry& g);

// The im2col GEMM path (strided and 1x1 convolutions), per group: A is the weights with the bias
// as one more column when there is a bias (conv.cc).
long im2col_prepared_size(const ConvGeometry& g, bool has_bias);
void im2col_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst);

// Runs unit(u, parallel_inside) for u in [0, units): across the pool when there are enough units
// to go round, otherwise one after another with each unit free to use the pool itself.
template <typename Unit>
void for_each_unit(long units, Unit unit) {
  if (units >= num_threads()) {
    parallel_for(units, [&](long u) { unit(u, false); });
  } else {
    for (long u = 0; u < units; ++u) unit(u, true);
  }
}
// Applies `activation` to n floats in place.
void activate(float* data, long n, Activation activation);
// data = activation(data + residual) over n floats.
void add_and_activate(float* data, const float* residual, long n, Activation activation);
// The clamp of an activation, as the GEMM epilogue applies it.
Epilogue epilogue_for(Activation activation);
void conv2d_backward_input(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g);
void conv2d_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g);

// Direct kernels for depthwise geometry (conv_depthwise.cc).
void depthwise_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                      Activation activation = Activation::None);
void depthwise_backward_input(const float* grad_out, const float* w, float* grad_in, const ConvGeometry& g);
void depthwise_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g);

// Unit-stride convolution computes a "wide" output whose rows are as long as the zero-padded input
// rows, Wp = OW + (KW - 1) * dw, so that every im2col row is one contiguous slice of the padded
// image (conv_padded.cc); the Wp - OW extra columns per row are computed and dropped.
struct PaddedShape {
  long height, width;  // Hp, Wp
  long plane() const { return height * width; }
};
PaddedShape padded_shape(const ConvGeometry& g);
// Copies `channels` planes of an image into dst as zero-padded Hp x Wp planes.
void pad_planes(const float* image, long channels, const ConvGeometry& g, const PaddedShape& p, float* dst);

// The forward pass's padded planes at any stride (conv_padded.cc): phases_h x phases_w phase planes
// per channel (those some tap reads), each height x width; the wide output has out_height rows of
// `width` columns. At stride 1 it is the PaddedShape with one phase.
constexpr long kMaxStride = 16;
struct PhaseShape {
  long phases_h, phases_w, height, width;
  long plane() const { return height * width; }
};
PhaseShape phase_shape(const ConvGeometry& g);
// Whether padded_conv2d takes this geometry: any unit stride, and strides whose wide rows waste
// little (at most a third more columns than the output's).
bool phases_suit(const ConvGeometry& g);

// One image group of a convolution by way of its zero-padded phases: image, weights, bias
// and out point at the group's first channel; parallel lets it use the pool; panels, when not null,
// are the group's weights as padded_prepare packed them.
void padded_conv2d(const float* image, const float* weights, const float* bias, float* out, const ConvGeometry& g,
                   bool parallel, const float* panels = nullptr, Activation activation = Activation::None,
                   const float* residual = nullptr);
long padded_prepared_size(const ConvGeometry& g);
void padded_prepare(const float* w, const ConvGeometry& g, float* dst);

// The weight gradient of a unit-stride convolution (accumulated into grad_weight), as one GEMM per
// group whose k runs over every wide position of every image (conv_weight_grad.cc).
void padded_conv2d_backward_weight(const float* grad_out, const float* x, float* grad_weight, const ConvGeometry& g);

// The same gradient in inner-product form, for layers whose og x patch gradient is too small for
// GEMM tiles (conv_weight_grad_dot.cc): wide and padded as padded_conv2d_backward_weight builds them.
bool dot_weight_grad_suits(const ConvGeometry& g);
void dot_weight_grad(const float* wide, const float* padded, const ConvGeometry& g, const PaddedShape& p,
                     long wide_plane, float* grad_weight);

// 3x3 unit-stride convolution by Winograd F(2x2, 3x3) (conv_winograd.cc), when the instruction
// set has it and the image is large enough for the transforms to pay.
// prepared, when not null, holds the transformed kernels as winograd_prepare packed them.
bool winograd_suits(const ConvGeometry& g);

// Direct convolution of strided 3x3 stems over at most 4 input channels on AVX-512
// (conv_direct_avx512.cc): whether it takes g, and the convolution with its epilogue.
bool direct_suits(const ConvGeometry& g);
void direct_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                   const float* prepared, Activation activation, const float* residual);
long direct_prepared_size(const ConvGeometry& g);
void direct_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst);
// 1x1 convolution with the output channels in the vector lanes, on AVX-512
// (conv_pointwise_avx512.cc): whether it takes g, and the convolution with its epilogue. prepared,
// when not null, holds the biases and weights as pointwise_prepare packed them.
bool pointwise_suits(const ConvGeometry& g);
void pointwise_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                      const float* prepared, Activation activation, const float* residual);
long pointwise_prepared_size(const ConvGeometry& g);
void pointwise_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst);
void winograd_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                     const float* prepared = nullptr, Activation activation = Activation::None,
                     const float* residual = nullptr);
long winograd_prepared_size(const ConvGeometry& g);
void winograd_prepare(const float* w, const ConvGeometry& g, float* dst);

// Rows [p0, p0 + kc) of a k dimension that runs over (image, position) pairs with `per_image`
// positions each: calls visit(image, first position, count, offset into the block) once per image.
template <typename Visit>
void for_each_image_segment(long p0, long kc, long per_image, Visit visit) {
  for (long p = p0, end = p0 + kc; p < end;) {
    long n = p / per_image, s = p % per_image;
    long len = std::min(end - p, per_image - s);
    visit(n, s, len, p - p0);
    p += len;
  }
}

// out[s - begin] for s in [begin, end) of row `patch_index` of one image group's im2col matrix,
// where image points at the group's first input channel.
void im2col_row(const float* image, const ConvGeometry& g, long patch_index, long begin, long end, float* out);

}  // namespace lantern
