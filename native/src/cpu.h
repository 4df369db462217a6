// Which SIMD instruction set the kernels use, chosen once at run time from what the CPU reports.
#pragma once

namespace lantern {

enum class Isa { Scalar, Avx2, Avx512, Neon };

const char* isa_name(Isa isa);
bool isa_supported(Isa isa);
// The best supported instruction set, unless set_isa chose another.
Isa active_isa();
// Forces a supported instruction set (tests use it to check every code path); false if unsupported.
bool set_isa(Isa isa);

// The per-core L2 cache size the OS reports, or 1 MiB where it reports none: kernels choose loop
// orders by what stays in it.
long l2_cache_bytes();

}  // namespace lantern

// Function attributes for code compiled for one instruction set inside a portable binary.
#if defined(__x86_64__) || defined(_M_X64)
#define LANTERN_X86 1
#define LANTERN_TARGET_AVX2 __attribute__((target("avx2,fma")))
#define LANTERN_TARGET_AVX512 __attribute__((target("avx512f,avx512dq,avx2,fma")))
#endif
#if defined(__aarch64__)
#define LANTERN_NEON 1
#endif

// Plain loops (element-wise ops, normalisation, pooling) compiled once per instruction set and
// picked when the library loads, so the compiler's vectoriser can use AVX2 or AVX-512 in code that
// is not written with intrinsics. Needs GCC's ifunc support (ELF); elsewhere the loops stay
// baseline.
#if LANTERN_X86 && defined(__linux__) && defined(__GNUC__) && !defined(__clang__)
#define LANTERN_VECTORIZE __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define LANTERN_VECTORIZE
#endif
