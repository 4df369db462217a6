// Per-thread, 64-byte aligned scratch buffers that grow on demand and are reused across calls, so
// kernels never allocate in their inner loops.
#pragma once

#include <cstddef>

namespace lantern {

enum class ScratchSlot { PackA, PackB, Columns, Weights, Padded, Wide, WinogradWeights, WinogradPanels, Rows, PointwisePanels, Count };

// A buffer of at least `floats` floats owned by the calling thread; contents are undefined. Each
// slot is independent, so a kernel may hold several at once.
float* scratch(ScratchSlot slot, size_t floats);

}  // namespace lantern
