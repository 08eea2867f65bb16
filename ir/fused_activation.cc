#include "ir/fused_activation.h"

#include <string>

#include "ir/str_cat.h"

namespace kiln::ir {
namespace {

constexpr std::string_view kActivation = "activation";
constexpr std::string_view kAlpha = "activation_alpha";
constexpr std::string_view kBeta = "activation_beta";

bool UsesAlpha(ActivationKind kind) {
  return kind == ActivationKind::kLeakyRelu || kind == ActivationKind::kHardSigmoid ||
         kind == ActivationKind::kClip;
}
bool UsesBeta(ActivationKind kind) {
  return kind == ActivationKind::kHardSigmoid || kind == ActivationKind::kClip;
}

}  // namespace

bool HasFusedActivationAttrs(OpKind kind) {
  switch (kind) {
    case OpKind::kConv:
    case OpKind::kConvTranspose:
    case OpKind::kGemm:
    case OpKind::kMatMul:
    case OpKind::kLinear:
      return true;
    default:
      return false;
  }
}

bool HasResidualOperand(OpKind kind) { return kind == OpKind::kConv || kind == OpKind::kLinear; }

Value* ResidualOf(const Op& op) {
  if (!HasResidualOperand(op.kind()) || op.num_operands() <= kResidualOperand) return nullptr;
  return op.operand(kResidualOperand);
}

std::string_view ActivationName(ActivationKind kind) {
  switch (kind) {
    case ActivationKind::kNone:
      return "";
#define KILN_X(e, name)   \
  case ActivationKind::e: \
    return name;
      KILN_FUSED_ACTIVATIONS(KILN_X)
#undef KILN_X
  }
  return "";
}

std::optional<ActivationKind> ParseActivationName(std::string_view name) {
#define KILN_X(e, spelling) \
  if (name == (spelling)) return ActivationKind::e;
  KILN_FUSED_ACTIVATIONS(KILN_X)
#undef KILN_X
  return std::nullopt;
}

Expected<FusedActivation> GetFusedActivation(const Op& op) {
  FusedActivation a;
  const AttrValue* name = op.attrs().Find(kActivation);
  if (name == nullptr) return a;
  const std::string* spelling = std::get_if<std::string>(name);
  std::optional<ActivationKind> kind;
  if (spelling != nullptr) kind = ParseActivationName(*spelling);
  if (!kind) {
    std::string known;
#define KILN_X(e, n) known += StrCat(known.empty() ? "" : ", ", n);
    KILN_FUSED_ACTIVATIONS(KILN_X)
#undef KILN_X
    return Status::Error(StrCat("unknown activation ",
                                spelling ? StrCat("'", *spelling, "'") : std::string("value"),
                                " (known: ", known, ")"));
  }
  a.kind = *kind;
  // Defaults follow the unary ops: leaky_relu 0.01, hard_sigmoid 0.2/0.5.
  double default_alpha = a.kind == ActivationKind::kLeakyRelu     ? 0.01
                         : a.kind == ActivationKind::kHardSigmoid ? 0.2
                                                                  : 0.0;
  double default_beta = a.kind == ActivationKind::kHardSigmoid ? 0.5 : 0.0;
  a.alpha = UsesAlpha(a.kind) ? op.attrs().GetFloat(kAlpha, default_alpha) : 0.0;
  a.beta = UsesBeta(a.kind) ? op.attrs().GetFloat(kBeta, default_beta) : 0.0;
  return a;
}

void SetFusedActivation(Op& op, const FusedActivation& activation) {
  AttrMap& attrs = op.attrs();
  attrs.Remove(kActivation);
  attrs.Remove(kAlpha);
  attrs.Remove(kBeta);
  if (activation.kind == ActivationKind::kNone) return;
  attrs.Set(kActivation, std::string(ActivationName(activation.kind)));
  if (UsesAlpha(activation.kind)) attrs.Set(kAlpha, activation.alpha);
  if (UsesBeta(activation.kind)) attrs.Set(kBeta, activation.beta);
}

std::optional<FusedActivation> ActivationOfUnaryOp(const Op& op) {
  const AttrMap& attrs = op.attrs();
  switch (op.kind()) {
    case OpKind::kRelu:
      return FusedActivation{.kind = ActivationKind::kRelu};
    case OpKind::kLeakyRelu:
      return FusedActivation{.kind = ActivationKind::kLeakyRelu,
                             .alpha = attrs.GetFloat("alpha", 0.01)};
    case OpKind::kHardSigmoid:
      return FusedActivation{.kind = ActivationKind::kHardSigmoid,
                             .alpha = attrs.GetFloat("alpha", 0.2),
                             .beta = attrs.GetFloat("beta", 0.5)};
    case OpKind::kHardSwish:
      return FusedActivation{.kind = ActivationKind::kHardSwish};
    case OpKind::kSigmoid:
      return FusedActivation{.kind = ActivationKind::kSigmoid};
    case OpKind::kSilu:
      return FusedActivation{.kind = ActivationKind::kSilu};
    case OpKind::kTanh:
      return FusedActivation{.kind = ActivationKind::kTanh};
    case OpKind::kGelu: {
      std::string approximate = attrs.GetString("approximate", "none");
      if (approximate == "none") return FusedActivation{.kind = ActivationKind::kGelu};
      if (approximate == "tanh") return FusedActivation{.kind = ActivationKind::kGeluTanh};
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace kiln::ir
