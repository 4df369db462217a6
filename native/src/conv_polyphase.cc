// Strided convolution with a large kernel (ResNet's 7x7 stride-2 stem) by polyphase
// decomposition: with s the stride, output (oh, ow) reads padded pixel (oh*s + kh, ow*s + kw),
// which is pixel (oh + kh/s, ow + kw/s) of phase (kh%s, kw%s) of the padded image. Stacking the s*s
// phases as channels turns the layer into a unit-stride convolution with ceil(k/s)-wide kernels,
// whose im2col rows are contiguous runs for the padded GEMM, instead of the strided gathers the
// im2col packing does. Zero taps pad each phase's kernel to the same size: worth it while they add
// little work (64 taps for 49 at 7x7 stride 2; 3x3 stride 2 would nearly double its work).
#include "conv.h"
#include "scratch.h"

namespace lantern {
namespace {

// The unit-stride convolution over one image's stacked phases.
ConvGeometry phase_geometry(const ConvGeometry& g) {
  const long s = g.stride_h;
  ConvGeometry p = g;
  p.batch = 1;
  p.in_channels = g.in_channels * s * s;
  p.kernel_height = (g.kernel_height + s - 1) / s;
  p.kernel_width = (g.kernel_width + s - 1) / s;
  p.in_height = g.out_height + p.kernel_height - 1;
  p.in_width = g.out_width + p.kernel_width - 1;
  p.stride_h = p.stride_w = 1;
  p.pad_top = p.pad_left = 0;
  return p;
}

// Phase kernels: w2[o][(c, ph, pw)][i][j] = w[o][c][i*s + ph][j*s + pw], zero past the kernel.
void phase_weights(const float* w, const ConvGeometry& g, const ConvGeometry& p, float* w2) {
  const long s = g.stride_h, C = g.in_channels, kh2 = p.kernel_height, kw2 = p.kernel_width;
  const long taps2 = kh2 * kw2, patch2 = p.in_channels * taps2;
  for (long o = 0; o < g.out_channels; ++o) {
    for (long c = 0; c < C; ++c) {
      for (long ph = 0; ph < s; ++ph) {
        for (long pw = 0; pw < s; ++pw) {
          float* dst = w2 + o * patch2 + ((c * s + ph) * s + pw) * taps2;
          for (long i = 0; i < kh2; ++i) {
            for (long j = 0; j < kw2; ++j) {
              long r = i * s + ph, q = j * s + pw;
              dst[i * kw2 + j] = r < g.kernel_height && q < g.kernel_width
                                     ? w[((o * C + c) * g.kernel_height + r) * g.kernel_width + q]
                                     : 0.0f;
            }
          }
        }
      }
    }
  }
}

// The s*s phases of one image's channels, each (OH + kh2 - 1) x (OW + kw2 - 1), zero outside it.
void split_phases(const float* image, const ConvGeometry& g, const ConvGeometry& p, float* phases) {
  const long s = g.stride_h, phase_plane = p.in_height * p.in_width;
  for (long c = 0; c < g.in_channels; ++c) {
    for (long ph = 0; ph < s; ++ph) {
      for (long pw = 0; pw < s; ++pw) {
        float* dst = phases + ((c * s + ph) * s + pw) * phase_plane;
        for (long i = 0; i < p.in_height; ++i) {
          long ih = i * s + ph - g.pad_top;
          float* row = dst + i * p.in_width;
          if (ih < 0 || ih >= g.in_height) {
            std::fill(row, row + p.in_width, 0.0f);
            continue;
          }
          const float* src = image + (c * g.in_height + ih) * g.in_width;
          for (long j = 0; j < p.in_width; ++j) {
            long iw = j * s + pw - g.pad_left;
            row[j] = iw >= 0 && iw < g.in_width ? src[iw] : 0.0f;
          }
        }
      }
    }
  }
}

}  // namespace

bool polyphase_suits(const ConvGeometry& g) {
  const long s = g.stride_h;
  if (s < 2 || g.stride_w != s || g.dilation_h != 1 || g.dilation_w != 1 || g.groups != 1) return false;
  const long kh = (g.kernel_height + s - 1) / s, kw = (g.kernel_width + s - 1) / s;
  return static_cast<double>(kh * kw * s * s) <= 1.35 * static_cast<double>(g.kernel_height * g.kernel_width);
}

long polyphase_prepared_size(const ConvGeometry& g) { return padded_prepared_size(phase_geometry(g)); }

void polyphase_prepare(const float* w, const ConvGeometry& g, float* dst) {
  const ConvGeometry p = phase_geometry(g);
  float* w2 = scratch(ScratchSlot::Weights, static_cast<size_t>(g.out_channels * p.patch()));
  phase_weights(w, g, p, w2);
  padded_prepare(w2, p, dst);
}

void polyphase_conv2d(const float* x, const float* w, const float* bias, float* out, const ConvGeometry& g,
                      Activation activation, const float* panels) {
  const ConvGeometry p = phase_geometry(g);
  const long O = g.out_channels;
  // The phase kernels are small (a stem's 3 input channels); prepared panels skip only their packing.
  float* w2 = scratch(ScratchSlot::Weights, static_cast<size_t>(O * p.patch()));
  phase_weights(w, g, p, w2);
  for_each_unit(g.batch, [&](long n, bool parallel) {
    float* phases = scratch(ScratchSlot::Columns, static_cast<size_t>(p.in_channels * p.in_plane()));
    split_phases(x + n * g.in_channels * g.in_plane(), g, p, phases);
    float* y = out + n * O * g.out_plane();
    padded_conv2d(phases, w2, bias, y, p, parallel, panels, activation);
  });
}

}  // namespace lantern
