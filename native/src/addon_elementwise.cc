// N-API bindings of the element-wise, row-wise and optimizer kernels, plus the op-name tables the
// TypeScript side uses to decide which ops run natively.
#include <napi.h>

#include <algorithm>
#include <string>
#include <vector>

#include "arguments.h"
#include "elementwise.h"
#include "optim.h"
#include "reduce.h"

namespace lantern {
namespace {

using Info = Napi::CallbackInfo;

// A layout Float64Array holds [shape..., strides of operand 0..., strides of operand 1...].
struct Layout {
  std::vector<long> values;
  int rank = 0;
  const long* shape() const { return values.data(); }
  const long* strides(int operand) const { return values.data() + (operand + 1) * rank; }
  double elements() const {
    double n = 1;
    for (int d = 0; d < rank; ++d) n *= static_cast<double>(values[d]);
    return n;
  }
};

bool read_layout(Arguments& args, size_t i, int operands, Layout* layout) {
  size_t count = args.length(i);
  if (!args.failed() && count % (operands + 1) != 0) args.fail_range("layout: expected shape and strides of equal rank");
  layout->values = args.integers(i, count);
  layout->rank = static_cast<int>(count / (operands + 1));
  for (int d = 0; d < layout->rank && !args.failed(); ++d) {
    if (layout->values[d] < 0) args.fail_range("layout: negative dimension");
  }
  return !args.failed();
}

// The strided operand at argument i (offset at i + 1), checked to stay inside its array.
float* read_view(Arguments& args, size_t i, const Layout& layout, int operand) {
  long offset = args.integer(i + 1);
  double lo = static_cast<double>(offset), hi = lo;
  bool empty = layout.elements() == 0;
  for (int d = 0; d < layout.rank; ++d) {
    double reach = static_cast<double>(layout.shape()[d] - 1) * layout.strides(operand)[d];
    (reach < 0 ? lo : hi) += reach;
  }
  if (!empty && lo < 0) {
    args.fail_range("argument " + std::to_string(i) + ": view reaches before the start of its array");
    return nullptr;
  }
  float* data = args.floats(i, empty ? 0 : hi + 1);
  return data ? data + offset : nullptr;
}

template <typename Enum>
bool read_op(Arguments& args, size_t i, Enum* op) {
  long code = args.integer(i);
  if (!args.failed() && (code < 0 || code >= static_cast<long>(Enum::Count))) args.fail_range("unknown op code");
  *op = static_cast<Enum>(code);
  return !args.failed();
}

// unary(op, x, xOffset, layout, out)
Napi::Value Unary(const Info& info) {
  Arguments args(info);
  UnaryOp op;
  Layout layout;
  if (!read_op(args, 0, &op) || !read_layout(args, 3, 1, &layout)) return info.Env().Undefined();
  const float* x = read_view(args, 1, layout, 0);
  float* out = args.floats(4, layout.elements());
  if (!args.failed()) unary(op, View{x, layout.strides(0)}, layout.shape(), layout.rank, out);
  return info.Env().Undefined();
}

// scalar(op, x, xOffset, layout, a, b, out)
Napi::Value Scalar(const Info& info) {
  Arguments args(info);
  ScalarOp op;
  Layout layout;
  if (!read_op(args, 0, &op) || !read_layout(args, 3, 1, &layout)) return info.Env().Undefined();
  const float* x = read_view(args, 1, layout, 0);
  double a = args.number(4), b = args.number(5);
  float* out = args.floats(6, layout.elements());
  if (!args.failed()) scalar(op, View{x, layout.strides(0)}, a, b, layout.shape(), layout.rank, out);
  return info.Env().Undefined();
}

// binary(op, a, aOffset, b, bOffset, layout, out)
Napi::Value Binary(const Info& info) {
  Arguments args(info);
  BinaryOp op;
  Layout layout;
  if (!read_op(args, 0, &op) || !read_layout(args, 5, 2, &layout)) return info.Env().Undefined();
  const float* a = read_view(args, 1, layout, 0);
  const float* b = read_view(args, 3, layout, 1);
  float* out = args.floats(6, layout.elements());
  if (!args.failed()) {
    binary(op, View{a, layout.strides(0)}, View{b, layout.strides(1)}, layout.shape(), layout.rank, out);
  }
  return info.Env().Undefined();
}

// copy(src, srcOffset, dst, dstOffset, layout)
Napi::Value Copy(const Info& info) {
  Arguments args(info);
  Layout layout;
  if (!read_layout(args, 4, 2, &layout)) return info.Env().Undefined();
  const float* src = read_view(args, 0, layout, 0);
  float* dst = read_view(args, 2, layout, 1);
  if (!args.failed()) copy(View{src, layout.strides(0)}, dst, layout.strides(1), layout.shape(), layout.rank);
  return info.Env().Undefined();
}

bool read_rows(Arguments& args, size_t i, long* outer, long* size, long* inner) {
  *outer = args.integer(i);
  *size = args.integer(i + 1);
  *inner = args.integer(i + 2);
  if (!args.failed() && (*outer < 0 || *size < 0 || *inner < 0)) args.fail_range("outer, size and inner must be non-negative");
  return !args.failed();
}

// reduce(op, x, outer, size, inner, out)
Napi::Value Reduce(const Info& info) {
  Arguments args(info);
  ReduceOp op;
  long outer, size, inner;
  if (!read_op(args, 0, &op) || !read_rows(args, 2, &outer, &size, &inner)) return info.Env().Undefined();
  const float* x = args.floats(1, static_cast<double>(outer) * size * inner);
  float* out = args.floats(5, static_cast<double>(outer) * inner);
  if (!args.failed()) reduce(op, x, outer, size, inner, out);
  return info.Env().Undefined();
}

// argReduce(isMax, x, outer, size, inner, values, indices)
Napi::Value ArgReduce(const Info& info) {
  Arguments args(info);
  long outer, size, inner;
  bool is_max = args.flag(0);
  if (!read_rows(args, 2, &outer, &size, &inner)) return info.Env().Undefined();
  if (size == 0 && outer * inner > 0) args.fail_range("argReduce: cannot reduce an empty dimension");
  const float* x = args.floats(1, static_cast<double>(outer) * size * inner);
  float* values = args.floats(5, static_cast<double>(outer) * inner);
  int32_t* indices = args.ints(6, static_cast<double>(outer) * inner);
  if (!args.failed()) arg_reduce(is_max, x, outer, size, inner, values, indices);
  return info.Env().Undefined();
}

// softmax(x, outer, size, inner, log, out)
Napi::Value Softmax(const Info& info) {
  Arguments args(info);
  long outer, size, inner;
  if (!read_rows(args, 1, &outer, &size, &inner)) return info.Env().Undefined();
  bool log = args.flag(4);
  const float* x = args.floats(0, static_cast<double>(outer) * size * inner);
  float* out = args.floats(5, static_cast<double>(outer) * size * inner);
  if (!args.failed()) softmax(x, outer, size, inner, log, out);
  return info.Env().Undefined();
}

// sgdStep(param, grad, momentumBuffer | null, lr, momentum, dampening, nesterov, weightDecay, maximize, firstStep)
Napi::Value SgdStep(const Info& info) {
  Arguments args(info);
  double n = static_cast<double>(args.length(0));
  float* param = args.floats(0, n);
  const float* grad = args.floats(1, n);
  float* buf = args.floats(2, n, true);
  SgdParams p{args.number(3), args.number(4), args.number(5), args.number(7), args.flag(6), args.flag(8), args.flag(9)};
  if (!args.failed()) sgd_step(param, grad, buf, static_cast<long>(n), p);
  return info.Env().Undefined();
}

// adamStep(param, grad, expAvg, expAvgSq, maxExpAvgSq | null, lr, beta1, beta2, eps, weightDecay,
// decoupledWeightDecay, step, maximize)
Napi::Value AdamStep(const Info& info) {
  Arguments args(info);
  double n = static_cast<double>(args.length(0));
  float* param = args.floats(0, n);
  const float* grad = args.floats(1, n);
  float* exp_avg = args.floats(2, n);
  float* exp_avg_sq = args.floats(3, n);
  float* max_exp_avg_sq = args.floats(4, n, true);
  AdamParams p{args.number(5), args.number(6), args.number(7), args.number(8), args.number(9), args.number(10),
               args.number(11), args.flag(12)};
  if (!args.failed()) adam_step(param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, static_cast<long>(n), p);
  return info.Env().Undefined();
}

// rmspropStep(param, grad, squareAvg, momentumBuffer | null, gradAvg | null, lr, alpha, eps,
// momentum, centered, weightDecay, maximize)
Napi::Value RmspropStep(const Info& info) {
  Arguments args(info);
  double n = static_cast<double>(args.length(0));
  float* param = args.floats(0, n);
  const float* grad = args.floats(1, n);
  float* square_avg = args.floats(2, n);
  float* buf = args.floats(3, n, true);
  float* grad_avg = args.floats(4, n, true);
  RmspropParams p{args.number(5), args.number(6), args.number(7), args.number(8), args.number(10), args.flag(9),
                  args.flag(11)};
  if (!args.failed()) rmsprop_step(param, grad, square_avg, buf, grad_avg, static_cast<long>(n), p);
  return info.Env().Undefined();
}

// {name: code} for one op list, in enum order.
Napi::Object op_table(Napi::Env env, const std::vector<const char*>& names) {
  Napi::Object table = Napi::Object::New(env);
  for (size_t i = 0; i < names.size(); ++i) table.Set(names[i], static_cast<double>(i));
  return table;
}

}  // namespace

void register_elementwise(Napi::Env env, Napi::Object exports) {
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("scalar", Napi::Function::New(env, Scalar));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("copy", Napi::Function::New(env, Copy));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("argReduce", Napi::Function::New(env, ArgReduce));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("sgdStep", Napi::Function::New(env, SgdStep));
  exports.Set("adamStep", Napi::Function::New(env, AdamStep));
  exports.Set("rmspropStep", Napi::Function::New(env, RmspropStep));
#define LANTERN_NAME(name) #name,
  exports.Set("unaryOps", op_table(env, {LANTERN_UNARY_OPS(LANTERN_NAME)}));
  exports.Set("scalarOps", op_table(env, {LANTERN_SCALAR_OPS(LANTERN_NAME)}));
  exports.Set("binaryOps", op_table(env, {LANTERN_BINARY_OPS(LANTERN_NAME)}));
#undef LANTERN_NAME
  exports.Set("reduceOps", op_table(env, {"sum", "prod", "max", "min"}));
}

}  // namespace lantern
