// N-API bindings of the float64 clustering kernels (cluster.h), in the argument order of
// src/backend/backend.ts (nearestCenters, elkanAssign, pairwiseDistances,
// mstSingleLinkage, nnChainLinkage).
#include <napi.h>

#include <algorithm>
#include <limits>
#include <string>

#include "arguments.h"
#include "cluster.h"

namespace lantern {
namespace {

using Info = Napi::CallbackInfo;

// The Float64Array at position i with at least `need` elements; null (without failing) for null
// when `nullable`.
double* doubles(Arguments& args, const Info& info, size_t i, const char* name, double need, bool nullable = false) {
  if (args.failed()) return nullptr;
  Napi::Value value = info[i];
  if (nullable && (value.IsNull() || value.IsUndefined())) return nullptr;
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    args.fail_range(std::string(name) + " must be a Float64Array");
    return nullptr;
  }
  auto array = value.As<Napi::Float64Array>();
  if (static_cast<double>(array.ElementLength()) < need) {
    args.fail_range(std::string(name) + " needs " + std::to_string(static_cast<long long>(need)) + " elements, got " +
                    std::to_string(array.ElementLength()));
    return nullptr;
  }
  return array.Data();
}

// How many elements a distance array laid out by (rowPart, colPart) needs: one past the largest
// offset rowPart[i] + colPart[j] over i < j < n, or -1 when some offset is negative. Suffix extrema
// of colPart make it O(n) for any layout.
double layout_extent(const double* row_part, const double* col_part, long n) {
  double most = -1, least = 0;
  double col_max = -std::numeric_limits<double>::infinity(), col_min = std::numeric_limits<double>::infinity();
  for (long i = n - 2; i >= 0; --i) {
    col_max = std::max(col_max, col_part[i + 1]);
    col_min = std::min(col_min, col_part[i + 1]);
    most = std::max(most, row_part[i] + col_max);
    least = std::min(least, row_part[i] + col_min);
  }
  return least < 0 ? -1 : most + 1;
}

// The distance array at position i for a layout over n points (see layout_extent).
double* distances(Arguments& args, const Info& info, size_t i, const char* name, const double* row_part,
                  const double* col_part, long n) {
  if (args.failed()) return nullptr;
  double need = layout_extent(row_part, col_part, n);
  if (need < 0) {
    args.fail_range(std::string(name) + ": the layout gives a negative offset");
    return nullptr;
  }
  return doubles(args, info, i, name, need);
}

// nearestCenters(x, n, d, centers, k, labels, minDistances | null)
Napi::Value NearestCenters(const Info& info) {
  Arguments args(info);
  long n = args.integer(1), d = args.integer(2), k = args.integer(4);
  if (!args.failed() && (n < 0 || d < 0 || k < 1)) args.fail_range("nearestCenters: need n, d >= 0 and k >= 1");
  const double* x = doubles(args, info, 0, "nearestCenters: x", static_cast<double>(n) * d);
  const double* centers = doubles(args, info, 3, "nearestCenters: centers", static_cast<double>(k) * d);
  int32_t* labels = args.ints(5, static_cast<double>(n));
  double* min_distances = doubles(args, info, 6, "nearestCenters: minDistances", static_cast<double>(n), true);
  if (!args.failed()) nearest_centers(x, n, d, centers, k, labels, min_distances);
  return info.Env().Undefined();
}

// elkanAssign(x, n, d, centers, k, half, nextCenter, drift, labels, upper, lower, first)
Napi::Value ElkanAssign(const Info& info) {
  Arguments args(info);
  long n = args.integer(1), d = args.integer(2), k = args.integer(4);
  bool first = args.flag(11);
  if (!args.failed() && (n < 0 || d < 0 || k < 1)) args.fail_range("elkanAssign: need n, d >= 0 and k >= 1");
  double nd = static_cast<double>(n), kd = static_cast<double>(k);
  const double* x = doubles(args, info, 0, "elkanAssign: x", nd * d);
  const double* centers = doubles(args, info, 3, "elkanAssign: centers", kd * d);
  const double* half = doubles(args, info, 5, "elkanAssign: half", kd * kd);
  const double* next_center = doubles(args, info, 6, "elkanAssign: nextCenter", kd);
  const double* drift = doubles(args, info, 7, "elkanAssign: drift", kd);
  int32_t* labels = args.ints(8, nd);
  double* upper = doubles(args, info, 9, "elkanAssign: upper", nd);
  double* lower = doubles(args, info, 10, "elkanAssign: lower", nd * kd);
  if (!args.failed() && !first) {
    for (long i = 0; i < n; ++i) {
      if (labels[i] < 0 || labels[i] >= k) {
        args.fail_range("elkanAssign: label " + std::to_string(labels[i]) + " of row " + std::to_string(i) +
                        " is not a center index");
        break;
      }
    }
  }
  if (!args.failed()) elkan_assign(x, n, d, centers, k, half, next_center, drift, labels, upper, lower, first);
  return info.Env().Undefined();
}

// pairwiseDistances(x, n, d, rowPart, colPart, out)
Napi::Value PairwiseDistances(const Info& info) {
  Arguments args(info);
  long n = args.integer(1), d = args.integer(2);
  if (!args.failed() && (n < 0 || d < 0)) args.fail_range("pairwiseDistances: need n, d >= 0");
  const double* x = doubles(args, info, 0, "pairwiseDistances: x", static_cast<double>(n) * d);
  const double* row_part = doubles(args, info, 3, "pairwiseDistances: rowPart", static_cast<double>(n));
  const double* col_part = doubles(args, info, 4, "pairwiseDistances: colPart", static_cast<double>(n));
  double* out = distances(args, info, 5, "pairwiseDistances: out", row_part, col_part, n);
  if (!args.failed()) pairwise_distances(x, n, d, row_part, col_part, out);
  return info.Env().Undefined();
}

// mstSingleLinkage(x, n, d, merges)
Napi::Value MstSingleLinkage(const Info& info) {
  Arguments args(info);
  long n = args.integer(1), d = args.integer(2);
  if (!args.failed() && (n < 0 || d < 0)) args.fail_range("mstSingleLinkage: need n, d >= 0");
  const double* x = doubles(args, info, 0, "mstSingleLinkage: x", static_cast<double>(n) * d);
  double* merges = doubles(args, info, 3, "mstSingleLinkage: merges", n > 1 ? (n - 1) * 4.0 : 0);
  if (!args.failed()) mst_single_linkage(x, n, d, merges);
  return info.Env().Undefined();
}

// nnChainLinkage(D, n, rowPart, colPart, method, merges)
Napi::Value NnChainLinkage(const Info& info) {
  Arguments args(info);
  long n = args.integer(1);
  long method = args.integer(4);
  if (!args.failed() && n < 0) args.fail_range("nnChainLinkage: need n >= 0");
  if (!args.failed() && method != 1 && method != 2 && method != 3 && method != 6) {
    args.fail_range("nnChainLinkage: method must be 1 (complete), 2 (average), 3 (weighted) or 6 (ward), got " +
                    std::to_string(method));
  }
  const double* row_part = doubles(args, info, 2, "nnChainLinkage: rowPart", static_cast<double>(n));
  const double* col_part = doubles(args, info, 3, "nnChainLinkage: colPart", static_cast<double>(n));
  double* D = distances(args, info, 0, "nnChainLinkage: D", row_part, col_part, n);
  double* merges = doubles(args, info, 5, "nnChainLinkage: merges", n > 1 ? (n - 1) * 4.0 : 0);
  if (!args.failed()) nn_chain_linkage(D, n, row_part, col_part, static_cast<int>(method), merges);
  return info.Env().Undefined();
}

}  // namespace

void register_cluster(Napi::Env env, Napi::Object exports) {
  exports.Set("nearestCenters", Napi::Function::New(env, NearestCenters));
  exports.Set("elkanAssign", Napi::Function::New(env, ElkanAssign));
  exports.Set("pairwiseDistances", Napi::Function::New(env, PairwiseDistances));
  exports.Set("mstSingleLinkage", Napi::Function::New(env, MstSingleLinkage));
  exports.Set("nnChainLinkage", Napi::Function::New(env, NnChainLinkage));
}

}  // namespace lantern
