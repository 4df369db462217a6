// Prepared convolution weights: a header naming what the panels were made for, then the panels of
// the path conv2d takes for that geometry. A mismatch (another input size, the bias dropped, a
// different instruction set forced by a test) makes conv2d ignore them and pack as usual, so a
// stale preparation costs speed, never correctness of the layout.
#include <cstdint>
#include <cstring>

#include "conv.h"
#include "cpu.h"

namespace lantern {
namespace {

constexpr size_t kHeaderFloats = 16;  // 64 bytes, so the panels keep the buffer's alignment
constexpr uint32_t kMagic = 0x4C4E5450;  // "LNTP"

struct Header {
  uint32_t magic, path, isa, has_bias;
  uint64_t geometry;  // FNV-1a of every geometry field
  uint64_t panels;    // floats after the header
};
static_assert(sizeof(Header) <= kHeaderFloats * sizeof(float), "header fits its slot");

uint64_t fingerprint(const ConvGeometry& g) {
  const long fields[] = {g.batch, g.in_channels, g.in_height, g.in_width, g.out_channels, g.kernel_height,
                         g.kernel_width, g.out_height, g.out_width, g.stride_h, g.stride_w, g.pad_top,
                         g.pad_left, g.dilation_h, g.dilation_w, g.groups};
  uint64_t hash = 1469598103934665603ull;
  for (long field : fields) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (static_cast<uint64_t>(field) >> (8 * byte)) & 0xFF;
      hash *= 1099511628211ull;
    }
  }
  return hash;
}

long panel_floats(ConvPath path, const ConvGeometry& g, bool has_bias) {
  switch (path) {
    case ConvPath::Winograd: return winograd_prepared_size(g);
    case ConvPath::Padded: return padded_prepared_size(g);
    case ConvPath::Im2col: return im2col_prepared_size(g, has_bias);
    case ConvPath::Pointwise: return pointwise_prepared_size(g);
    case ConvPath::Direct: return direct_prepared_size(g);
    default: return 0;
  }
}

Header header_for(const ConvGeometry& g, bool has_bias) {
  const ConvPath path = conv_path(g);
  return {kMagic, static_cast<uint32_t>(path), static_cast<uint32_t>(active_isa()), has_bias ? 1u : 0u, fingerprint(g),
          static_cast<uint64_t>(panel_floats(path, g, has_bias))};
}

}  // namespace

size_t conv2d_prepared_size(const ConvGeometry& g, bool has_bias) {
  const long panels = panel_floats(conv_path(g), g, has_bias);
  return panels > 0 ? kHeaderFloats + static_cast<size_t>(panels) : 0;
}

void conv2d_prepare(const float* w, const float* bias, const ConvGeometry& g, float* dst) {
  const Header header = header_for(g, bias != nullptr);
  if (header.panels == 0) return;
  std::memset(dst, 0, kHeaderFloats * sizeof(float));
  std::memcpy(dst, &header, sizeof(header));
  float* panels = dst + kHeaderFloats;
  switch (static_cast<ConvPath>(header.path)) {
    case ConvPath::Winograd: winograd_prepare(w, g, panels); break;
    case ConvPath::Padded: padded_prepare(w, g, panels); break;
    case ConvPath::Im2col: im2col_prepare(w, bias, g, panels); break;
    case ConvPath::Pointwise: pointwise_prepare(w, bias, g, panels); break;
    case ConvPath::Direct: direct_prepare(w, bias, g, panels); break;
    default: break;
  }
}

const float* conv2d_prepared_panels(const float* prepared, size_t size, const ConvGeometry& g, bool has_bias) {
  if (size < kHeaderFloats) return nullptr;
  Header stored;
  std::memcpy(&stored, prepared, sizeof(stored));
  const Header expected = header_for(g, has_bias);
  const bool same = stored.magic == expected.magic && stored.path == expected.path && stored.isa == expected.isa &&
                    stored.has_bias == expected.has_bias && stored.geometry == expected.geometry &&
                    stored.panels == expected.panels && expected.panels > 0 && size >= kHeaderFloats + expected.panels;
  return same ? prepared + kHeaderFloats : nullptr;
}

}  // namespace lantern
