// Elementwise unary kernels (activations and math functions) with ONNX semantics. Float ops
// compute in f32 (f16/bf16 are converted to f32 and back); relu, neg, abs, sign and identity
// also take integers; not takes bool.
//
//   rt::Result<Tensor> y = Unary(UnaryOp::kSigmoid, x);
//   rt::Result<Tensor> z = Unary(UnaryOp::kLeakyRelu, x, {.alpha = 0.1f}, /*threads=*/4);
#pragma once

#include <string_view>

#include "runtime/reference/kernels/tensor.h"

namespace kiln::ref {

// X(enumerator, name)
// clang-format off
#define KILN_UNARY_OPS(X) \
  X(kIdentity, "identity") \
  X(kRelu, "relu") \
  X(kLeakyRelu, "leaky_relu") \
  X(kElu, "elu") \
  X(kSelu, "selu") \
  X(kSigmoid, "sigmoid") \
  X(kHardSigmoid, "hard_sigmoid") \
  X(kHardSwish, "hard_swish") \
  X(kSilu, "silu") \
  X(kGelu, "gelu") \
  X(kGeluTanh, "gelu_tanh") \
  X(kTanh, "tanh") \
  X(kSoftplus, "softplus") \
  X(kSoftsign, "softsign") \
  X(kErf, "erf") \
  X(kExp, "exp") \
  X(kLog, "log") \
  X(kSqrt, "sqrt") \
  X(kReciprocal, "reciprocal") \
  X(kNeg, "neg") \
  X(kAbs, "abs") \
  X(kFloor, "floor") \
  X(kCeil, "ceil") \
  X(kRound, "round") \
  X(kSign, "sign") \
  X(kSin, "sin") \
  X(kCos, "cos") \
  X(kNot, "not") \
  X(kTan, "tan") \
  X(kAsin, "asin") \
  X(kAcos, "acos") \
  X(kAtan, "atan") \
  X(kSinh, "sinh") \
  X(kCosh, "cosh") \
  X(kAsinh, "asinh") \
  X(kAcosh, "acosh") \
  X(kAtanh, "atanh") \
  X(kShrink, "shrink") \
  X(kThresholdedRelu, "thresholded_relu")
// clang-format on

enum class UnaryOp {
#define KILN_X(e, name) e,
  KILN_UNARY_OPS(KILN_X)
#undef KILN_X
};

std::string_view UnaryOpName(UnaryOp op);

// Attributes of the parameterized activations (ONNX names and defaults):
// leaky_relu alpha; elu alpha; selu alpha, gamma; hard_sigmoid alpha, beta; thresholded_relu
// alpha; shrink lambd, bias.
struct UnaryParams {
  float alpha = 0.0f;
  float beta = 0.0f;
  float gamma = 0.0f;
  float lambd = 0.0f;
  float bias = 0.0f;
};

// The parameters of `op` read through `get(name, default) -> double`, with ONNX's attribute
// names and defaults; shared by every runtime that maps attributes to UnaryParams.
template <typename GetFloat>
UnaryParams UnaryParamsFrom(UnaryOp op, GetFloat&& get) {
  UnaryParams p;
  auto f = [&](const char* name, double fallback) {
    return static_cast<float>(get(name, fallback));
  };
  switch (op) {
    case UnaryOp::kLeakyRelu:
      p.alpha = f("alpha", 0.01);
      break;
    case UnaryOp::kElu:
      p.alpha = f("alpha", 1.0);
      break;
    case UnaryOp::kSelu:
      p.alpha = f("alpha", 1.67326319217681884765625);
      p.gamma = f("gamma", 1.05070102214813232421875);
      break;
    case UnaryOp::kHardSigmoid:
      p.alpha = f("alpha", 0.2);
      p.beta = f("beta", 0.5);
      break;
    case UnaryOp::kThresholdedRelu:
      p.alpha = f("alpha", 1.0);
      break;
    case UnaryOp::kShrink:
      p.lambd = f("lambd", 0.5);
      p.bias = f("bias", 0.0);
      break;
    default:
      break;
  }
  return p;
}

// The result has x's dtype and shape. Identity returns x itself (shared storage).
rt::Result<Tensor> Unary(UnaryOp op, const Tensor& x, const UnaryParams& params = {},
                         int threads = 1);

// Bool tensors of x's shape (ONNX IsNaN, IsInf); integers are never NaN or infinite.
rt::Result<Tensor> IsNaN(const Tensor& x, int threads = 1);
rt::Result<Tensor> IsInf(const Tensor& x, bool detect_negative, bool detect_positive,
                         int threads = 1);

}  // namespace kiln::ref
