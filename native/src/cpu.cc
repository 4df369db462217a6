#include "cpu.h"

#if defined(__linux__)
#include <unistd.h>
#endif

namespace lantern {
namespace {

Isa best_isa() {
#if LANTERN_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
#elif LANTERN_NEON
  return Isa::Neon;
#endif
  return Isa::Scalar;
}

Isa& current() {
  static Isa isa = best_isa();
  return isa;
}

}  // namespace

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::Neon: return "neon";
    case Isa::Scalar: break;
  }
  return "scalar";
}

bool isa_supported(Isa isa) {
  Isa best = best_isa();
  switch (isa) {
    case Isa::Scalar: return true;
    case Isa::Avx2: return best == Isa::Avx2 || best == Isa::Avx512;
    case Isa::Avx512: return best == Isa::Avx512;
    case Isa::Neon: return best == Isa::Neon;
  }
  return false;
}

Isa active_isa() { return current(); }

bool set_isa(Isa isa) {
  if (!isa_supported(isa)) return false;
  current() = isa;
  return true;
}

long l2_cache_bytes() {
  static const long bytes = [] {
    long reported = 0;
#if defined(__linux__) && defined(_SC_LEVEL2_CACHE_SIZE)
    reported = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    return reported > 0 ? reported : 1L << 20;
  }();
  return bytes;
}

}  // namespace lantern
