// 2-D convolution over NCHW input and OIHW weights, matching the reference backend exactly:
// conv2d overwrites out, conv2d_backward_input overwrites grad_in, and conv2d_backward_weight
// accumulates into grad_weight.
#pragma once

#include <algorithm>

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

void conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
            Activation activation = Activation::None);
// Applies `activation` to n floats in place.
void activate(float* data, long n, Activation activation);
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

// One image group of a unit-stride convolution by way of a zero-padded copy: image, weights, bias
// and out point at the group's first channel; parallel lets it use the pool.
void padded_conv2d(const float* image, const float* weights, const float* bias, float* out, const ConvGeometry& g,
                   bool parallel);
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
bool winograd_suits(const ConvGeometry& g);
void winograd_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g);

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
