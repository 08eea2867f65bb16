// The gate activation functions of ONNX's recurrent layers (RNN, GRU, LSTM): a name from the
// layer's `activations` list plus the alpha/beta that some of them take.
//
//   rt::Result<RnnActivation> f = MakeRnnActivation("LeakyRelu", 0.1f, std::nullopt);
//   float y = f->Apply(-2.0f);   // -0.2
//   rt::Result<std::vector<RnnActivation>> fs = ParseRnnActivations(names, alphas, betas);
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/result.h"

namespace kiln::ref {

enum class RnnActivationKind {
  kRelu,
  kTanh,
  kSigmoid,
  kAffine,           // alpha * x + beta
  kLeakyRelu,        // x < 0 ? alpha * x : x
  kThresholdedRelu,  // x > alpha ? x : 0
  kScaledTanh,       // alpha * tanh(beta * x)
  kHardSigmoid,      // max(0, min(1, alpha * x + beta))
  kElu,              // x < 0 ? alpha * (e^x - 1) : x
  kSoftsign,         // x / (1 + |x|)
  kSoftplus,         // log(1 + e^x)
};

struct RnnActivation {
  RnnActivationKind kind = RnnActivationKind::kTanh;
  float alpha = 0.0f;
  float beta = 0.0f;

  template <typename T>
  T Apply(T x) const;
};

// How many of alpha and beta the named function takes (0, 1 or 2); -1 for an unknown name.
// Names compare case-insensitively, as ONNX Runtime does.
int RnnActivationParamCount(std::string_view name);

// One function; an absent alpha/beta takes ONNX Runtime's default for it.
rt::Result<RnnActivation> MakeRnnActivation(std::string_view name, std::optional<float> alpha,
                                            std::optional<float> beta);

// A whole `activations` list: the functions that take alpha (beta) consume `alphas` (`betas`)
// in order, so activation_alpha = [0.5] with activations = [Tanh, LeakyRelu] gives LeakyRelu
// alpha 0.5.
rt::Result<std::vector<RnnActivation>> ParseRnnActivations(std::span<const std::string> names,
                                                           std::span<const float> alphas,
                                                           std::span<const float> betas);

}  // namespace kiln::ref
