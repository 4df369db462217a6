#include "scratch.h"

#include <cstdio>
#include <cstdlib>

namespace lantern {
namespace {

struct Buffer {
  float* data = nullptr;
  size_t capacity = 0;
  ~Buffer() { std::free(data); }
};

}  // namespace

float* scratch(ScratchSlot slot, size_t floats) {
  thread_local Buffer buffers[static_cast<int>(ScratchSlot::Count)];
  Buffer& buffer = buffers[static_cast<int>(slot)];
  if (floats > buffer.capacity) {
    std::free(buffer.data);
    // Round up to whole cache lines (aligned_alloc needs a multiple of the alignment), plus some
    // slack so slowly growing requests do not reallocate every time.
    size_t bytes = (floats * sizeof(float) * 5 / 4 + 63) / 64 * 64;
    buffer.data = static_cast<float*>(std::aligned_alloc(64, bytes));
    if (!buffer.data) {
      // Kernels have no way to report failure midway, and a null buffer would corrupt memory.
      std::fprintf(stderr, "lantern: out of memory allocating %zu bytes of kernel scratch space\n", bytes);
      std::abort();
    }
    buffer.capacity = bytes / sizeof(float);
  }
  return buffer.data;
}

}  // namespace lantern
