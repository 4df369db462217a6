// N-API binding of the float64 kernels behind src/linalg, in the argument order of
// src/backend/backend.ts (Backend.dgemm).
#include <napi.h>

#include <string>

#include "arguments.h"
#include "dgemm.h"
#include "lu.h"

namespace lantern {
namespace {

using Info = Napi::CallbackInfo;

// The Float64Array at position i, which must hold the rows x cols block at `offset` with leading
// dimension ld (nothing is needed of an empty block).
double* matrix(Arguments& args, const Info& info, const char* op, size_t i, const char* name, long offset, long rows,
               long cols, long ld) {
  if (args.failed()) return nullptr;
  Napi::Value value = info[i];
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    args.fail_range(std::string(op) + ": " + name + " must be a Float64Array");
    return nullptr;
  }
  auto array = value.As<Napi::Float64Array>();
  if (rows > 0 && cols > 0) {
    double need = offset + (rows - 1.0) * ld + cols;
    if (offset < 0 || ld < cols || static_cast<double>(array.ElementLength()) < need) {
      args.fail_range(std::string(op) + ": " + name + " needs " + std::to_string(rows) + " x " + std::to_string(cols) +
                      " elements from offset " + std::to_string(offset) + " with leading dimension " +
                      std::to_string(ld) + " (at least " + std::to_string(static_cast<long long>(need)) +
                      " elements), got " + std::to_string(array.ElementLength()));
      return nullptr;
    }
  }
  return array.Data() + offset;
}

// dgemm(a, b, c, m, n, k, transA, transB, aOffset, lda, bOffset, ldb, cOffset, ldc, alpha, beta, upper)
Napi::Value Dgemm(const Info& info) {
  Arguments args(info);
  long m = args.integer(3), n = args.integer(4), k = args.integer(5);
  bool trans_a = args.flag(6), trans_b = args.flag(7);
  long a_offset = args.integer(8), lda = args.integer(9), b_offset = args.integer(10), ldb = args.integer(11);
  long c_offset = args.integer(12), ldc = args.integer(13);
  double alpha = args.number(14), beta = args.number(15);
  bool upper = args.flag(16);
  if (!args.failed() && (m < 0 || n < 0 || k < 0)) args.fail_range("dgemm: sizes must be non-negative");
  const double* a = matrix(args, info, "dgemm", 0, "A", a_offset, trans_a ? k : m, trans_a ? m : k, lda);
  const double* b = matrix(args, info, "dgemm", 1, "B", b_offset, trans_b ? n : k, trans_b ? k : n, ldb);
  double* c = matrix(args, info, "dgemm", 2, "C", c_offset, m, n, ldc);
  if (!args.failed()) dgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, upper);
  return info.Env().Undefined();
}

// luNormalize(y, rows, k): y a Float64Array of rows x k (rows >= k), overwritten with P L.
Napi::Value LuNormalize(const Info& info) {
  Arguments args(info);
  long rows = args.integer(1), k = args.integer(2);
  if (!args.failed() && (k < 0 || rows < k)) args.fail_range("luNormalize: need rows >= k >= 0");
  double* y = matrix(args, info, "luNormalize", 0, "Y", 0, rows, k, k);
  if (!args.failed() && rows > 0 && k > 0) lu_normalize(y, rows, k);
  return info.Env().Undefined();
}

}  // namespace

void register_linalg(Napi::Env env, Napi::Object exports) {
  exports.Set("dgemm", Napi::Function::New(env, Dgemm));
  exports.Set("luNormalize", Napi::Function::New(env, LuNormalize));
}

}  // namespace lantern
