// Elementwise binary arithmetic with numpy broadcasting (ONNX Add, Sub, Mul, Div, Pow, Mod,
// Min, Max, PRelu). Operands share a dtype, except Pow's exponent. Floats compute in f32
// (f16/bf16 via f32); integers wrap on overflow.
//
//   rt::Result<Tensor> y = Binary(BinaryOp::kAdd, a, b);     // shapes [2,3] and [3] -> [2,3]
//   rt::Result<Tensor> r = Binary(BinaryOp::kMod, a, b);     // Python-style: sign of b
//
// Integer division or modulo by zero gives 0 instead of trapping.
#pragma once

#include <string_view>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// X(enumerator, name)
// clang-format off
#define KILN_BINARY_OPS(X) \
  X(kAdd, "add") \
  X(kSub, "sub") \
  X(kMul, "mul") \
  X(kDiv, "div") \
  X(kPow, "pow") \
  X(kMod, "mod")                /* remainder with the divisor's sign (ONNX fmod=0) */ \
  X(kFMod, "fmod")              /* remainder with the dividend's sign (C fmod; fmod=1) */ \
  X(kMin, "min") \
  X(kMax, "max") \
  X(kPRelu, "prelu")            /* a < 0 ? a * b : a; b broadcasts to a's shape */ \
  X(kShiftLeft, "shift_left")   /* integers; shifts of >= bits give 0 */ \
  X(kShiftRight, "shift_right") /* integers; arithmetic for signed types */
// clang-format on

enum class BinaryOp {
#define KILN_X(e, name) e,
  KILN_BINARY_OPS(KILN_X)
#undef KILN_X
};

std::string_view BinaryOpName(BinaryOp op);

// The result has a's dtype; its shape is the broadcast of both shapes (a's shape for PRelu).
rt::Result<Tensor> Binary(BinaryOp op, const Tensor& a, const Tensor& b, int threads = 1);

}  // namespace kiln::ref
