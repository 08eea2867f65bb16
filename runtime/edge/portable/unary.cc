#include "runtime/edge/portable/unary.h"

#include <cmath>
#include <cstring>

namespace kiln::edge::portable {
namespace {

constexpr std::string_view kNames[] = {
#define KILN_X(e, name) name,
    KILN_EDGE_UNARY_KINDS(KILN_X)
#undef KILN_X
};
static_assert(std::size(kNames) == kNumUnaryKinds);

constexpr double kSqrtHalf = 0.70710678118654752;
constexpr double kSqrtTwoOverPi = 0.79788456080286536;

float Sigmoid(float v) { return 1.0f / (1.0f + std::exp(-v)); }

template <typename F>
void Map(const float* x, int64_t n, float* y, F f) {
#pragma omp simd
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}

}  // namespace

std::string_view UnaryKindName(UnaryKind kind) { return kNames[static_cast<int>(kind)]; }

void Unary(UnaryKind kind, const float* x, int64_t n, float alpha, float beta, float* y) {
  switch (kind) {
    case UnaryKind::kIdentity:
      if (x != y) std::memcpy(y, x, n * sizeof(float));
      return;
    case UnaryKind::kRelu:
      return Map(x, n, y, [](float v) { return v < 0.0f ? 0.0f : v; });
    case UnaryKind::kLeakyRelu:
      return Map(x, n, y, [=](float v) { return v < 0.0f ? alpha * v : v; });
    case UnaryKind::kElu:
      return Map(x, n, y, [=](float v) { return v < 0.0f ? alpha * std::expm1(v) : v; });
    case UnaryKind::kClip:  // NaN passes through, as in ONNX Clip
      return Map(x, n, y, [=](float v) { return v < alpha ? alpha : (v > beta ? beta : v); });
    case UnaryKind::kSigmoid:
      return Map(x, n, y, Sigmoid);
    case UnaryKind::kHardSigmoid:
      return Map(x, n, y, [=](float v) {
        const float t = alpha * v + beta;
        return t < 0.0f ? 0.0f : (t > 1.0f ? 1.0f : t);
      });
    case UnaryKind::kSilu:
      return Map(x, n, y, [](float v) { return v * Sigmoid(v); });
    // erfc and the sigmoid avoid the cancellation of 1 + erf(u) and 1 + tanh(u) for negative
    // x (1 + tanh(u) == 2 * sigmoid(2u)); double keeps the rounding of the argument, which
    // the steep tails amplify (erfc(z) by ~2z^2), out of the result.
    case UnaryKind::kGelu:
      return Map(x, n, y,
                 [](float v) { return static_cast<float>(0.5 * v * std::erfc(-v * kSqrtHalf)); });
    case UnaryKind::kGeluTanh:
      return Map(x, n, y, [](float v) {
        const double u = kSqrtTwoOverPi * (v + 0.044715 * v * v * v);
        return static_cast<float>(v / (1.0 + std::exp(-2.0 * u)));
      });
    case UnaryKind::kTanh:
      return Map(x, n, y, [](float v) { return std::tanh(v); });
    case UnaryKind::kSoftplus:
      return Map(x, n, y, [](float v) {
        return v > 0.0f ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
      });
    case UnaryKind::kErf:
      return Map(x, n, y, [](float v) { return std::erf(v); });
    case UnaryKind::kExp:
      return Map(x, n, y, [](float v) { return std::exp(v); });
    case UnaryKind::kLog:
      return Map(x, n, y, [](float v) { return std::log(v); });
    case UnaryKind::kSqrt:
      return Map(x, n, y, [](float v) { return std::sqrt(v); });
    case UnaryKind::kReciprocal:
      return Map(x, n, y, [](float v) { return 1.0f / v; });
    case UnaryKind::kSin:
      return Map(x, n, y, [](float v) { return std::sin(v); });
    case UnaryKind::kCos:
      return Map(x, n, y, [](float v) { return std::cos(v); });
    case UnaryKind::kAbs:
      return Map(x, n, y, [](float v) { return std::fabs(v); });
    case UnaryKind::kNeg:
      return Map(x, n, y, [](float v) { return -v; });
    case UnaryKind::kFloor:
      return Map(x, n, y, [](float v) { return std::floor(v); });
    case UnaryKind::kCeil:
      return Map(x, n, y, [](float v) { return std::ceil(v); });
    case UnaryKind::kRound:  // the default rounding mode rounds halves to even
      return Map(x, n, y, [](float v) { return std::nearbyint(v); });
  }
}

}  // namespace kiln::edge::portable
