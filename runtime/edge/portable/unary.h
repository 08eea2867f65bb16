// Elementwise f32 functions (ONNX semantics) for the activations and math ops the 2022
// XNNPACK snapshot lacks or that the edge runtime needs everywhere. Each is the std:: math
// function in f32 (or a form of it without cancellation: gelu via erfc, gelu_tanh and silu via
// the sigmoid, softplus via log1p; the two gelus in double), so results are within a few ulp of
// the exact value.
// Parameters: leaky_relu alpha; elu alpha; hard_sigmoid max(0, min(1, alpha * x + beta));
// clip to [alpha, beta]; the rest ignore them. round rounds halves to even. y may equal x.
//
//   Unary(UnaryKind::kGelu, x, n, 0.0f, 0.0f, y);
//   Unary(UnaryKind::kClip, x, n, /*alpha=min*/ 0.0f, /*beta=max*/ 6.0f, y);  // relu6
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::edge::portable {

// X(enumerator, name)
#define KILN_EDGE_UNARY_KINDS(X)  \
  X(kIdentity, "identity")        \
  X(kRelu, "relu")                \
  X(kLeakyRelu, "leaky_relu")     \
  X(kElu, "elu")                  \
  X(kClip, "clip")                \
  X(kSigmoid, "sigmoid")          \
  X(kHardSigmoid, "hard_sigmoid") \
  X(kSilu, "silu")                \
  X(kGelu, "gelu")                \
  X(kGeluTanh, "gelu_tanh")       \
  X(kTanh, "tanh")                \
  X(kSoftplus, "softplus")        \
  X(kErf, "erf")                  \
  X(kExp, "exp")                  \
  X(kLog, "log")                  \
  X(kSqrt, "sqrt")                \
  X(kReciprocal, "reciprocal")    \
  X(kSin, "sin")                  \
  X(kCos, "cos")                  \
  X(kAbs, "abs")                  \
  X(kNeg, "neg")                  \
  X(kFloor, "floor")              \
  X(kCeil, "ceil")                \
  X(kRound, "round")

enum class UnaryKind {
#define KILN_X(e, name) e,
  KILN_EDGE_UNARY_KINDS(KILN_X)
#undef KILN_X
};

inline constexpr int kNumUnaryKinds = 24;

std::string_view UnaryKindName(UnaryKind kind);

void Unary(UnaryKind kind, const float* x, int64_t n, float alpha, float beta, float* y);

}  // namespace kiln::edge::portable
