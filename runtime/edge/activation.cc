#include "runtime/edge/activation.h"

#include <cmath>
#include <string>

#include "runtime/edge/portable/unary.h"

namespace kiln::edge {
namespace {

struct Named {
  std::string_view name;
  ActivationKind kind;
};

constexpr Named kNames[] = {
    {"relu", ActivationKind::kRelu},
    {"leaky_relu", ActivationKind::kLeakyRelu},
    {"clip", ActivationKind::kClip},
    {"hard_sigmoid", ActivationKind::kHardSigmoid},
    {"hard_swish", ActivationKind::kHardSwish},
    {"sigmoid", ActivationKind::kSigmoid},
    {"silu", ActivationKind::kSilu},
    {"gelu", ActivationKind::kGelu},
    {"gelu_tanh", ActivationKind::kGeluTanh},
    {"tanh", ActivationKind::kTanh},
};

}  // namespace

bool Activation::AsClamp(float* min, float* max) const {
  switch (kind) {
    case ActivationKind::kNone:
      *min = -INFINITY, *max = INFINITY;
      return true;
    case ActivationKind::kRelu:
      *min = 0.0f, *max = INFINITY;
      return true;
    case ActivationKind::kClip:
      *min = alpha, *max = beta;
      return true;
    default:
      return false;
  }
}

rt::Result<Activation> ReadFusedActivation(const rt::OpAttrs& attrs) {
  rt::Result<std::string_view> name = attrs.String("activation", "");
  if (!name.ok()) return name.status();
  Activation a;
  if (name->empty()) return a;
  for (const Named& n : kNames) {
    if (n.name == *name) a.kind = n.kind;
  }
  if (a.kind == ActivationKind::kNone) {
    return rt::Status::Error("unknown fused activation '" + std::string(*name) + "'");
  }
  // Defaults follow the unary ops (ir/fused_activation.cc): leaky_relu 0.01, hard_sigmoid 0.2/0.5.
  const bool hard_sigmoid = a.kind == ActivationKind::kHardSigmoid;
  rt::Result<double> alpha =
      attrs.Float("activation_alpha", a.kind == ActivationKind::kLeakyRelu ? 0.01
                                      : hard_sigmoid                       ? 0.2
                                                                           : 0.0);
  rt::Result<double> beta = attrs.Float("activation_beta", hard_sigmoid ? 0.5 : 0.0);
  if (!alpha.ok()) return alpha.status();
  if (!beta.ok()) return beta.status();
  a.alpha = static_cast<float>(*alpha);
  a.beta = static_cast<float>(*beta);
  if (a.kind == ActivationKind::kClip) {
    if (!attrs.Has("activation_alpha")) a.alpha = -INFINITY;
    if (!attrs.Has("activation_beta")) a.beta = INFINITY;
  }
  return a;
}

void ApplyActivation(const Activation& a, float* data, int64_t n) {
  using portable::UnaryKind;
  UnaryKind kind = UnaryKind::kIdentity;
  switch (a.kind) {
    case ActivationKind::kNone:
      return;
    case ActivationKind::kHardSwish:
      // x * hard_sigmoid(x) with alpha 1/6, beta 1/2: XNNPACK's node normally runs this.
      for (int64_t i = 0; i < n; ++i) {
        data[i] *= std::fmin(1.0f, std::fmax(0.0f, data[i] / 6.0f + 0.5f));
      }
      return;
    case ActivationKind::kRelu:
      kind = UnaryKind::kRelu;
      break;
    case ActivationKind::kLeakyRelu:
      kind = UnaryKind::kLeakyRelu;
      break;
    case ActivationKind::kClip:
      kind = UnaryKind::kClip;
      break;
    case ActivationKind::kHardSigmoid:
      kind = UnaryKind::kHardSigmoid;
      break;
    case ActivationKind::kSigmoid:
      kind = UnaryKind::kSigmoid;
      break;
    case ActivationKind::kSilu:
      kind = UnaryKind::kSilu;
      break;
    case ActivationKind::kGelu:
      kind = UnaryKind::kGelu;
      break;
    case ActivationKind::kGeluTanh:
      kind = UnaryKind::kGeluTanh;
      break;
    case ActivationKind::kTanh:
      kind = UnaryKind::kTanh;
      break;
  }
  portable::Unary(kind, data, n, a.alpha, a.beta, data);
}

}  // namespace kiln::edge
