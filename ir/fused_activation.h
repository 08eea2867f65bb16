// The activation a conv, conv_transpose, gemm, matmul or linear applies to its own result, so
// that `relu(conv(x))` is one op that runtimes execute as one kernel (a oneDNN post-op, an
// XNNPACK output clamp). Stored as attributes: `activation` (the unary op's name), and
// `activation_alpha` / `activation_beta` for its parameters (clip: min and max).
// A conv or linear may also add a residual before the activation (operand 3, of exactly the
// result's type): y = activation(op(x, w, b) + residual), a oneDNN "sum" post-op.
//
//   SetFusedActivation(*conv, {.kind = ActivationKind::kClip, .alpha = 0, .beta = 6});
//   Expected<FusedActivation> a = GetFusedActivation(*conv);   // kNone when there is none
//   if (const Value* r = ResidualOf(*conv)) ...                // null when there is none
#pragma once

#include <optional>
#include <string_view>

#include "ir/op.h"
#include "ir/status.h"

namespace kiln::ir {

// X(enumerator, attribute spelling): the unary op of that name (gelu_tanh: gelu with
// approximate="tanh").
#define KILN_FUSED_ACTIVATIONS(X) \
  X(kRelu, "relu")                \
  X(kLeakyRelu, "leaky_relu")     \
  X(kClip, "clip")                \
  X(kHardSigmoid, "hard_sigmoid") \
  X(kHardSwish, "hard_swish")     \
  X(kSigmoid, "sigmoid")          \
  X(kSilu, "silu")                \
  X(kGelu, "gelu")                \
  X(kGeluTanh, "gelu_tanh")       \
  X(kTanh, "tanh")

enum class ActivationKind {
  kNone,
#define KILN_X(e, name) e,
  KILN_FUSED_ACTIVATIONS(KILN_X)
#undef KILN_X
};

struct FusedActivation {
  ActivationKind kind = ActivationKind::kNone;
  // leaky_relu: alpha; hard_sigmoid: alpha, beta; clip: min (alpha) and max (beta).
  double alpha = 0.0;
  double beta = 0.0;
  bool operator==(const FusedActivation&) const = default;
};

// True for the op kinds that carry a fused activation.
bool HasFusedActivationAttrs(OpKind kind);

std::string_view ActivationName(ActivationKind kind);  // "" for kNone
std::optional<ActivationKind> ParseActivationName(std::string_view name);

// The op's fused activation (kNone when it has none); an error for an unknown name.
Expected<FusedActivation> GetFusedActivation(const Op& op);
// Writes (or, for kNone, removes) the attributes; parameters the kind does not use are not set.
void SetFusedActivation(Op& op, const FusedActivation& activation);

// The operand index of the residual of conv and linear (ops.def).
inline constexpr int kResidualOperand = 3;
// True for the op kinds that take a residual operand (conv, linear).
bool HasResidualOperand(OpKind kind);
// The op's residual operand; null when it has none (or its kind takes none).
Value* ResidualOf(const Op& op);

// The fused activation equal to unary op `op` (relu, leaky_relu, gelu, ...); nullopt for any
// other op. Clip is not handled here: its bounds are operands, read by the caller.
std::optional<FusedActivation> ActivationOfUnaryOp(const Op& op);

}  // namespace kiln::ir
