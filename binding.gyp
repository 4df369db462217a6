{
  "targets": [
    {
      "target_name": "lantern_native",
      "sources": [
        "native/src/addon.cc",
        "native/src/addon_cluster.cc",
        "native/src/addon_elementwise.cc",
        "native/src/addon_linalg.cc",
        "native/src/addon_nn.cc",
        "native/src/cluster.cc",
        "native/src/conv.cc",
        "native/src/conv_depthwise.cc",
        "native/src/conv_direct_avx512.cc",
        "native/src/conv_pointwise_avx512.cc",
        "native/src/conv_depthwise_avx512.cc",
        "native/src/conv_depthwise_3x3_avx512.cc",
        "native/src/conv_padded.cc",
        "native/src/conv_prepared.cc",
        "native/src/conv_weight_grad.cc",
        "native/src/conv_weight_grad_dot.cc",
        "native/src/conv_winograd.cc",
        "native/src/conv_winograd_narrow.cc",
        "native/src/cpu.cc",
        "native/src/dgemm.cc",
        "native/src/dgemm_avx2.cc",
        "native/src/dgemm_avx512.cc",
        "native/src/lu.cc",
        "native/src/elementwise.cc",
        "native/src/gelu_avx512.cc",
        "native/src/gemm.cc",
        "native/src/gemm_bias.cc",
        "native/src/gemm_dots.cc",
        "native/src/gemm_avx2.cc",
        "native/src/gemm_avx512.cc",
        "native/src/gemm_neon.cc",
        "native/src/inverted_residual_avx512.cc",
        "native/src/gemm_scalar.cc",
        "native/src/normalization.cc",
        "native/src/optim.cc",
        "native/src/pack_avx2.cc",
        "native/src/pool.cc",
        "native/src/pool_avx512.cc",
        "native/src/reduce.cc",
        "native/src/scratch.cc",
        "native/src/softmax_avx512.cc",
        "native/src/thread_pool.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-O0", "-O1", "-O2", "-Os"],
      "cflags_cc!": ["-O0", "-O1", "-O2", "-Os", "-std=gnu++14", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "3",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-fno-math-errno", "-fno-trapping-math"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "Optimization": 2, "AdditionalOptions": ["/std:c++17"] }
      }
    }
  ]
}
