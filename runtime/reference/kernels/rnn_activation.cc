#include "runtime/reference/kernels/rnn_activation.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kiln::ref {
namespace {

struct ActivationInfo {
  std::string_view name;  // lower case
  RnnActivationKind kind;
  int params;  // how many of alpha, beta it takes
  float default_alpha;
  float default_beta;
};

constexpr ActivationInfo kActivations[] = {
    {"relu", RnnActivationKind::kRelu, 0, 0.0f, 0.0f},
    {"tanh", RnnActivationKind::kTanh, 0, 0.0f, 0.0f},
    {"sigmoid", RnnActivationKind::kSigmoid, 0, 0.0f, 0.0f},
    {"affine", RnnActivationKind::kAffine, 2, 1.0f, 0.0f},
    {"leakyrelu", RnnActivationKind::kLeakyRelu, 1, 0.01f, 0.0f},
    {"thresholdedrelu", RnnActivationKind::kThresholdedRelu, 1, 1.0f, 0.0f},
    {"scaledtanh", RnnActivationKind::kScaledTanh, 2, 1.0f, 1.0f},
    {"hardsigmoid", RnnActivationKind::kHardSigmoid, 2, 0.2f, 0.5f},
    {"elu", RnnActivationKind::kElu, 1, 1.0f, 0.0f},
    {"softsign", RnnActivationKind::kSoftsign, 0, 0.0f, 0.0f},
    {"softplus", RnnActivationKind::kSoftplus, 0, 0.0f, 0.0f},
};

const ActivationInfo* Find(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const ActivationInfo& info : kActivations) {
    if (info.name == lower) return &info;
  }
  return nullptr;
}

}  // namespace

template <typename T>
T RnnActivation::Apply(T x) const {
  const T a = static_cast<T>(alpha);
  const T b = static_cast<T>(beta);
  switch (kind) {
    case RnnActivationKind::kRelu:
      return x > T(0) ? x : T(0);
    case RnnActivationKind::kTanh:
      return std::tanh(x);
    case RnnActivationKind::kSigmoid:
      return x >= T(0) ? T(1) / (T(1) + std::exp(-x)) : std::exp(x) / (T(1) + std::exp(x));
    case RnnActivationKind::kAffine:
      return a * x + b;
    case RnnActivationKind::kLeakyRelu:
      return x < T(0) ? a * x : x;
    case RnnActivationKind::kThresholdedRelu:
      return x > a ? x : T(0);
    case RnnActivationKind::kScaledTanh:
      return a * std::tanh(b * x);
    case RnnActivationKind::kHardSigmoid:
      return std::max(T(0), std::min(T(1), a * x + b));
    case RnnActivationKind::kElu:
      return x < T(0) ? a * (std::exp(x) - T(1)) : x;
    case RnnActivationKind::kSoftsign:
      return x / (T(1) + std::abs(x));
    case RnnActivationKind::kSoftplus:
      // log(1 + e^x) without overflow for large x.
      return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
  return x;
}

template float RnnActivation::Apply<float>(float) const;
template double RnnActivation::Apply<double>(double) const;

int RnnActivationParamCount(std::string_view name) {
  const ActivationInfo* info = Find(name);
  return info ? info->params : -1;
}

rt::Result<RnnActivation> MakeRnnActivation(std::string_view name, std::optional<float> alpha,
                                            std::optional<float> beta) {
  const ActivationInfo* info = Find(name);
  if (!info) return rt::Status::Error("unknown recurrent activation '" + std::string(name) + "'");
  return RnnActivation{info->kind, alpha.value_or(info->default_alpha),
                       beta.value_or(info->default_beta)};
}

rt::Result<std::vector<RnnActivation>> ParseRnnActivations(std::span<const std::string> names,
                                                           std::span<const float> alphas,
                                                           std::span<const float> betas) {
  std::vector<RnnActivation> out;
  size_t next_alpha = 0, next_beta = 0;
  for (const std::string& name : names) {
    const int params = RnnActivationParamCount(name);
    std::optional<float> alpha, beta;
    if (params >= 1 && next_alpha < alphas.size()) alpha = alphas[next_alpha++];
    if (params >= 2 && next_beta < betas.size()) beta = betas[next_beta++];
    rt::Result<RnnActivation> f = MakeRnnActivation(name, alpha, beta);
    if (!f.ok()) return f.status();
    out.push_back(*f);
  }
  return out;
}

}  // namespace kiln::ref
