// Elementwise comparisons (ONNX Equal, Less, LessOrEqual, Greater, GreaterOrEqual) and
// boolean logic (And, Or, Xor), with numpy broadcasting. Results are bool.
//
//   rt::Result<Tensor> m = Compare(CompareOp::kLess, a, b);   // any dtype, both the same
//   rt::Result<Tensor> k = Logic(LogicOp::kAnd, m, n);         // bool operands
#pragma once

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

enum class CompareOp { kEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };
enum class LogicOp { kAnd, kOr, kXor };

rt::Result<Tensor> Compare(CompareOp op, const Tensor& a, const Tensor& b, int threads = 1);
rt::Result<Tensor> Logic(LogicOp op, const Tensor& a, const Tensor& b, int threads = 1);

}  // namespace kiln::ref
