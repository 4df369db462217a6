#include "pool.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "thread_pool.h"

namespace lantern {
namespace {

// Runs body(plane) over all planes, several planes per task so each does real work.
template <typename Body>
void for_each_plane(const PoolGeometry& g, long work_per_plane, Body body) {
  long grain = std::max(1L, 65536 / std::max(1L, work_per_plane));
  parallel_range(g.planes, grain, [&](long begin, long end) {
    for (long p = begin; p < end; ++p) body(p);
  });
}

// One average-pooling window: rows [h0, h1) and columns [w0, w1) clipped to the input, and the
// divisor PyTorch uses (with count_include_pad the window is clipped to the padded input only).
struct AvgWindow {
  long h0, h1, w0, w1;
  double divisor;
};

AvgWindow avg_window(const PoolGeometry& g, long oh, long ow, bool count_include_pad, long divisor_override) {
  long h0 = oh * g.stride_h - g.pad_top, w0 = ow * g.stride_w - g.pad_left;
  long h1 = std::min(h0 + g.kernel_height, g.in_height + g.pad_top);
  long w1 = std::min(w0 + g.kernel_width, g.in_width + g.pad_left);
  AvgWindow win{std::max(h0, 0L), std::min(h1, g.in_height), std::max(w0, 0L), std::min(w1, g.in_width), 0.0};
  if (divisor_override > 0) win.divisor = static_cast<double>(divisor_override);
  else if (count_include_pad) win.divisor = static_cast<double>((h1 - h0) * (w1 - w0));
  else win.divisor = static_cast<double>((win.h1 - win.h0) * (win.w1 - win.w0));
  return win;
}

// Adaptive windows [floor(i * in / out), ceil((i + 1) * in / out)), as PyTorch.
inline long adaptive_start(long i, long in, long out) { return i * in / out; }
inline long adaptive_end(long i, long in, long out) { return ((i + 1) * in + out - 1) / out; }

}  // namespace

void max_pool2d(const float* x, float* out, int32_t* argmax, const PoolGeometry& g) {
  for_each_plane(g, g.out_plane() * g.kernel_height * g.kernel_width, [&](long p) {
    const float* src = x + p * g.in_plane();
    for (long oh = 0; oh < g.out_height; ++oh) {
      for (long ow = 0; ow < g.out_width; ++ow) {
        float best = -std::numeric_limits<float>::infinity();
        long best_index = -1;
        for (long kh = 0; kh < g.kernel_height; ++kh) {
          long ih = oh * g.stride_h - g.pad_top + kh * g.dilation_h;
          if (ih < 0 || ih >= g.in_height) continue;
          for (long kw = 0; kw < g.kernel_width; ++kw) {
            long iw = ow * g.stride_w - g.pad_left + kw * g.dilation_w;
            if (iw < 0 || iw >= g.in_width) continue;
            float v = src[ih * g.in_width + iw];
            // NaN wins and ends the scan of its row, exactly as the reference does.
            if (v > best || std::isnan(v) || best_index < 0) {
              best = v;
              best_index = ih * g.in_width + iw;
              if (std::isnan(v)) break;
            }
          }
        }
        long o = p * g.out_plane() + oh * g.out_width + ow;
        out[o] = best;
        argmax[o] = static_cast<int32_t>(best_index);
      }
    }
  });
}

void max_pool2d_backward(const float* grad_out, const int32_t* argmax, float* grad_in, const PoolGeometry& g) {
  for_each_plane(g, g.out_plane() + g.in_plane(), [&](long p) {
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    const float* src = grad_out + p * g.out_plane();
    const int32_t* index = argmax + p * g.out_plane();
    for (long i = 0; i < g.out_plane(); ++i) {
      if (index[i] >= 0) dst[index[i]] += src[i];
    }
  });
}

void avg_pool2d(const float* x, float* out, const PoolGeometry& g, bool count_include_pad, long divisor_override) {
  for_each_plane(g, g.out_plane() * g.kernel_height * g.kernel_width, [&](long p) {
    const float* src = x + p * g.in_plane();
    float* dst = out + p * g.out_plane();
    for (long oh = 0; oh < g.out_height; ++oh) {
      for (long ow = 0; ow < g.out_width; ++ow) {
        AvgWindow win = avg_window(g, oh, ow, count_include_pad, divisor_override);
        double sum = 0.0;
        for (long ih = win.h0; ih < win.h1; ++ih) {
          for (long iw = win.w0; iw < win.w1; ++iw) sum += src[ih * g.in_width + iw];
        }
        dst[oh * g.out_width + ow] = static_cast<float>(sum / win.divisor);
      }
    }
  });
}

void avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g, bool count_include_pad,
                         long divisor_override) {
  for_each_plane(g, g.out_plane() * g.kernel_height * g.kernel_width + g.in_plane(), [&](long p) {
    const float* src = grad_out + p * g.out_plane();
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    for (long oh = 0; oh < g.out_height; ++oh) {
      for (long ow = 0; ow < g.out_width; ++ow) {
        AvgWindow win = avg_window(g, oh, ow, count_include_pad, divisor_override);
        float share = static_cast<float>(src[oh * g.out_width + ow] / win.divisor);
        for (long ih = win.h0; ih < win.h1; ++ih) {
          for (long iw = win.w0; iw < win.w1; ++iw) dst[ih * g.in_width + iw] += share;
        }
      }
    }
  });
}

void adaptive_avg_pool2d(const float* x, float* out, const PoolGeometry& g) {
  for_each_plane(g, g.in_plane() + g.out_plane(), [&](long p) {
    const float* src = x + p * g.in_plane();
    float* dst = out + p * g.out_plane();
    for (long oh = 0; oh < g.out_height; ++oh) {
      long h0 = adaptive_start(oh, g.in_height, g.out_height), h1 = adaptive_end(oh, g.in_height, g.out_height);
      for (long ow = 0; ow < g.out_width; ++ow) {
        long w0 = adaptive_start(ow, g.in_width, g.out_width), w1 = adaptive_end(ow, g.in_width, g.out_width);
        double sum = 0.0;
        for (long ih = h0; ih < h1; ++ih) {
          for (long iw = w0; iw < w1; ++iw) sum += src[ih * g.in_width + iw];
        }
        dst[oh * g.out_width + ow] = static_cast<float>(sum / static_cast<double>((h1 - h0) * (w1 - w0)));
      }
    }
  });
}

void adaptive_avg_pool2d_backward(const float* grad_out, float* grad_in, const PoolGeometry& g) {
  for_each_plane(g, g.in_plane() + g.out_plane(), [&](long p) {
    const float* src = grad_out + p * g.out_plane();
    float* dst = grad_in + p * g.in_plane();
    std::fill(dst, dst + g.in_plane(), 0.0f);
    for (long oh = 0; oh < g.out_height; ++oh) {
      long h0 = adaptive_start(oh, g.in_height, g.out_height), h1 = adaptive_end(oh, g.in_height, g.out_height);
      for (long ow = 0; ow < g.out_width; ++ow) {
        long w0 = adaptive_start(ow, g.in_width, g.out_width), w1 = adaptive_end(ow, g.in_width, g.out_width);
        float share = static_cast<float>(src[oh * g.out_width + ow] / static_cast<double>((h1 - h0) * (w1 - w0)));
        for (long ih = h0; ih < h1; ++ih) {
          for (long iw = w0; iw < w1; ++iw) dst[ih * g.in_width + iw] += share;
        }
      }
    }
  });
}

}  // namespace lantern
