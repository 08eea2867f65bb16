#include "runtime/reference/kernels/unary.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "runtime/reference/kernels/cast.h"
#include "runtime/reference/kernels/dtype_dispatch.h"
#include "runtime/reference/kernels/elementwise_loop.h"

namespace kiln::ref {
namespace {

constexpr float kSqrtHalf = 0.70710678118654752440f;
constexpr float kSqrtTwoOverPi = 0.79788456080286535588f;

float Sigmoid(float x) {
  // exp of a negative argument only, so large |x| neither overflows nor loses the tail.
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

rt::Result<Tensor> UnaryF32(UnaryOp op, const Tensor& x, const UnaryParams& p, int threads) {
  auto map = [&](auto f) { return MapUnary<float, float>(x, DType::kF32, threads, f); };
  const float alpha = p.alpha;
  const float beta = p.beta;
  const float gamma = p.gamma;
  switch (op) {
    case UnaryOp::kRelu:
      return map([](float v) { return v < 0.0f ? 0.0f : v; });
    case UnaryOp::kLeakyRelu:
      return map([=](float v) { return v < 0.0f ? alpha * v : v; });
    case UnaryOp::kElu:
      return map([=](float v) { return v < 0.0f ? alpha * std::expm1(v) : v; });
    case UnaryOp::kSelu:
      return map([=](float v) { return v > 0.0f ? gamma * v : gamma * alpha * std::expm1(v); });
    case UnaryOp::kSigmoid:
      return map([](float v) { return Sigmoid(v); });
    case UnaryOp::kHardSigmoid:
      return map([=](float v) { return std::fmin(1.0f, std::fmax(0.0f, alpha * v + beta)); });
    case UnaryOp::kHardSwish:
      return map([](float v) { return v * std::fmin(1.0f, std::fmax(0.0f, v / 6.0f + 0.5f)); });
    case UnaryOp::kSilu:
      return map([](float v) { return v * Sigmoid(v); });
    // erfc and the sigmoid form avoid the cancellation in 1 + erf(..) and 1 + tanh(..) for
    // negative x: 1 + tanh(u) == 2 * sigmoid(2u).
    case UnaryOp::kGelu:
      return map([](float v) { return 0.5f * v * std::erfc(-v * kSqrtHalf); });
    case UnaryOp::kGeluTanh:
      return map(
          [](float v) { return v * Sigmoid(2.0f * kSqrtTwoOverPi * (v + 0.044715f * v * v * v)); });
    case UnaryOp::kTanh:
      return map([](float v) { return std::tanh(v); });
    case UnaryOp::kSoftplus:
      return map([](float v) {
        return v > 0.0f ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v));
      });
    case UnaryOp::kSoftsign:
      return map([](float v) { return v / (1.0f + std::fabs(v)); });
    case UnaryOp::kErf:
      return map([](float v) { return std::erf(v); });
    case UnaryOp::kExp:
      return map([](float v) { return std::exp(v); });
    case UnaryOp::kLog:
      return map([](float v) { return std::log(v); });
    case UnaryOp::kSqrt:
      return map([](float v) { return std::sqrt(v); });
    case UnaryOp::kReciprocal:
      return map([](float v) { return 1.0f / v; });
    case UnaryOp::kNeg:
      return map([](float v) { return -v; });
    case UnaryOp::kAbs:
      return map([](float v) { return std::fabs(v); });
    case UnaryOp::kFloor:
      return map([](float v) { return std::floor(v); });
    case UnaryOp::kCeil:
      return map([](float v) { return std::ceil(v); });
    case UnaryOp::kRound:
      // The default rounding mode rounds halves to even, as ONNX Round does.
      return map([](float v) { return std::nearbyint(v); });
    case UnaryOp::kSign:
      return map([](float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v * 0.0f); });
    case UnaryOp::kSin:
      return map([](float v) { return std::sin(v); });
    case UnaryOp::kCos:
      return map([](float v) { return std::cos(v); });
    case UnaryOp::kTan:
      return map([](float v) { return std::tan(v); });
    case UnaryOp::kAsin:
      return map([](float v) { return std::asin(v); });
    case UnaryOp::kAcos:
      return map([](float v) { return std::acos(v); });
    case UnaryOp::kAtan:
      return map([](float v) { return std::atan(v); });
    case UnaryOp::kSinh:
      return map([](float v) { return std::sinh(v); });
    case UnaryOp::kCosh:
      return map([](float v) { return std::cosh(v); });
    case UnaryOp::kAsinh:
      return map([](float v) { return std::asinh(v); });
    case UnaryOp::kAcosh:
      return map([](float v) { return std::acosh(v); });
    case UnaryOp::kAtanh:
      return map([](float v) { return std::atanh(v); });
    case UnaryOp::kShrink: {
      const float lambd = p.lambd, bias = p.bias;
      return map([=](float v) { return v < -lambd ? v + bias : (v > lambd ? v - bias : 0.0f); });
    }
    case UnaryOp::kThresholdedRelu:
      return map([=](float v) { return v > alpha ? v : 0.0f; });
    case UnaryOp::kIdentity:
    case UnaryOp::kNot:
      break;
  }
  return rt::Status::Error(std::string(UnaryOpName(op)) + " is not defined for f32");
}

// Integer relu, neg, abs and sign; negation wraps (the most negative value maps to itself).
template <typename T>
rt::Result<Tensor> UnaryInteger(UnaryOp op, const Tensor& x, int threads) {
  using U = std::make_unsigned_t<T>;
  auto map = [&](auto f) { return MapUnary<T, T>(x, x.dtype(), threads, f); };
  auto neg = [](T v) { return static_cast<T>(static_cast<U>(0) - static_cast<U>(v)); };
  switch (op) {
    case UnaryOp::kRelu:
      return map([](T v) { return v < 0 ? T{0} : v; });
    case UnaryOp::kNeg:
      return map(neg);
    case UnaryOp::kAbs:
      return map([=](T v) { return v < 0 ? neg(v) : v; });
    case UnaryOp::kSign:
      return map([](T v) { return static_cast<T>((v > 0) - (v < 0)); });
    default:
      break;
  }
  return rt::Status::Error(std::string(UnaryOpName(op)) + " is not defined for " +
                           std::string(rt::DTypeName(x.dtype())));
}

}  // namespace

std::string_view UnaryOpName(UnaryOp op) {
  switch (op) {
#define KILN_X(e, name) \
  case UnaryOp::e:      \
    return name;
    KILN_UNARY_OPS(KILN_X)
#undef KILN_X
  }
  return "?";
}

rt::Result<Tensor> Unary(UnaryOp op, const Tensor& x, const UnaryParams& params, int threads) {
  if (op == UnaryOp::kIdentity) return x;
  if (op == UnaryOp::kNot) {
    if (x.dtype() != DType::kBool) {
      return rt::Status::Error("not takes bool, got " + std::string(rt::DTypeName(x.dtype())));
    }
    return MapUnary<uint8_t, uint8_t>(x, DType::kBool, threads,
                                      [](uint8_t v) { return static_cast<uint8_t>(v == 0); });
  }
  if (!IsPlainDType(x.dtype())) {
    rt::Result<Tensor> wide = Widen(x);
    if (!wide.ok()) return wide;
    rt::Result<Tensor> y = Unary(op, *wide, params, threads);
    if (!y.ok()) return y;
    return Cast(*y, x.dtype());
  }
  if (x.dtype() == DType::kF32) return UnaryF32(op, x, params, threads);
  return VisitPlainDType(
      x.dtype(),
      [&](auto tag) -> rt::Result<Tensor> {
        using T = typename decltype(tag)::type;
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          return UnaryInteger<T>(op, x, threads);
        } else {
          return rt::Status::Error(std::string(UnaryOpName(op)) + " is not defined for " +
                                   std::string(rt::DTypeName(x.dtype())));
        }
      },
      [&]() -> rt::Result<Tensor> { return rt::Status::Error("unreachable"); });
}

rt::Result<Tensor> IsNaN(const Tensor& x, int threads) {
  if (!rt::DTypeIsFloat(x.dtype())) return Tensor::Zeros(DType::kBool, x.shape());
  rt::Result<Tensor> wide = Widen(x);
  if (!wide.ok()) return wide;
  return MapUnary<float, uint8_t>(*wide, DType::kBool, threads,
                                  [](float v) { return static_cast<uint8_t>(v != v); });
}

rt::Result<Tensor> IsInf(const Tensor& x, bool detect_negative, bool detect_positive, int threads) {
  if (!rt::DTypeIsFloat(x.dtype())) return Tensor::Zeros(DType::kBool, x.shape());
  rt::Result<Tensor> wide = Widen(x);
  if (!wide.ok()) return wide;
  const float inf = std::numeric_limits<float>::infinity();
  const float neg = detect_negative ? -inf : 0.0f;  // 0 never equals an infinity
  const float pos = detect_positive ? inf : 0.0f;
  return MapUnary<float, uint8_t>(*wide, DType::kBool, threads, [=](float v) {
    return static_cast<uint8_t>((v == neg || v == pos) && v != 0.0f);
  });
}

}  // namespace kiln::ref
