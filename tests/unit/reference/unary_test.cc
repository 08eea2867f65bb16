#include "runtime/reference/kernels/unary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// |got - want| <= rel * |want|; values whose expected magnitude is below 1e-6 are compared
// with the tolerance of 1e-6 instead.
void ExpectClose(float got, float want, float rel, const std::string& what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what;
    return;
  }
  if (std::isinf(want)) {
    EXPECT_EQ(got, want) << what;
    return;
  }
  const float scale = std::max(std::fabs(want), 1e-6f);
  EXPECT_LE(std::fabs(got - want), rel * scale) << what << ": got " << got << ", want " << want;
}

const std::vector<float> kInputs = {-20.0f, -3.5f, -1.0f, -0.5f, -1e-3f, 0.0f,
                                    1e-3f,  0.5f,  1.0f,  2.5f,  3.5f,   20.0f};

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Runs `op` on kInputs and compares with `expected` computed in double.
void CheckF32(UnaryOp op, const std::function<double(double)>& expected,
              const UnaryParams& params = {}, const std::vector<float>& inputs = kInputs) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {static_cast<int64_t>(inputs.size())}, inputs);
  rt::Result<Tensor> y = Unary(op, x, params);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->dtype(), DType::kF32);
  ASSERT_EQ(y->shape(), x.shape());
  for (size_t i = 0; i < inputs.size(); ++i) {
    ExpectClose(y->data<float>()[i], static_cast<float>(expected(inputs[i])), 1e-5f,
                std::string(UnaryOpName(op)) + "(" + std::to_string(inputs[i]) + ")");
  }
}

TEST(UnaryTest, Activations) {
  CheckF32(UnaryOp::kRelu, [](double x) { return x > 0 ? x : 0.0; });
  CheckF32(UnaryOp::kLeakyRelu, [](double x) { return x > 0 ? x : 0.01 * x; }, {.alpha = 0.01f});
  CheckF32(UnaryOp::kElu, [](double x) { return x > 0 ? x : 1.5 * (std::exp(x) - 1); },
           {.alpha = 1.5f});
  const double a = 1.67326319217681884765625, g = 1.05070102214813232421875;
  CheckF32(UnaryOp::kSelu, [=](double x) { return x > 0 ? g * x : g * (a * std::exp(x) - a); },
           {.alpha = static_cast<float>(a), .gamma = static_cast<float>(g)});
  CheckF32(UnaryOp::kSigmoid, Sigmoid);
  CheckF32(UnaryOp::kHardSigmoid,
           [](double x) { return std::max(0.0, std::min(1.0, 0.2 * x + 0.5)); },
           {.alpha = 0.2f, .beta = 0.5f});
  CheckF32(UnaryOp::kHardSwish,
           [](double x) { return x * std::max(0.0, std::min(1.0, x / 6 + 0.5)); });
  CheckF32(UnaryOp::kSilu, [](double x) { return x * Sigmoid(x); });
  CheckF32(UnaryOp::kGelu, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); });
  CheckF32(UnaryOp::kGeluTanh, [](double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  });
  CheckF32(UnaryOp::kTanh, [](double x) { return std::tanh(x); });
  CheckF32(UnaryOp::kSoftplus, [](double x) { return std::log(1 + std::exp(x)); });
  CheckF32(UnaryOp::kSoftsign, [](double x) { return x / (1 + std::fabs(x)); });
}

TEST(UnaryTest, MathFunctions) {
  const std::vector<float> positive = {1e-3f, 0.25f, 1.0f, 2.0f, 10.0f, 1e4f};
  CheckF32(UnaryOp::kErf, [](double x) { return std::erf(x); });
  CheckF32(UnaryOp::kExp, [](double x) { return std::exp(x); });
  CheckF32(
      UnaryOp::kLog, [](double x) { return std::log(x); }, {}, positive);
  CheckF32(
      UnaryOp::kSqrt, [](double x) { return std::sqrt(x); }, {}, positive);
  CheckF32(
      UnaryOp::kReciprocal, [](double x) { return 1 / x; }, {}, positive);
  CheckF32(UnaryOp::kNeg, [](double x) { return -x; });
  CheckF32(UnaryOp::kAbs, [](double x) { return std::fabs(x); });
  CheckF32(UnaryOp::kFloor, [](double x) { return std::floor(x); });
  CheckF32(UnaryOp::kCeil, [](double x) { return std::ceil(x); });
  CheckF32(UnaryOp::kSign, [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); });
  CheckF32(UnaryOp::kSin, [](double x) { return std::sin(x); });
  CheckF32(UnaryOp::kCos, [](double x) { return std::cos(x); });
}

TEST(UnaryTest, TrigonometricAndHyperbolic) {
  const std::vector<float> unit = {-0.9f, -0.5f, 0.0f, 0.25f, 0.75f};
  const std::vector<float> above_one = {1.0f, 1.5f, 3.0f, 100.0f};
  CheckF32(
      UnaryOp::kTan, [](double x) { return std::tan(x); }, {}, unit);
  CheckF32(
      UnaryOp::kAsin, [](double x) { return std::asin(x); }, {}, unit);
  CheckF32(
      UnaryOp::kAcos, [](double x) { return std::acos(x); }, {}, unit);
  CheckF32(UnaryOp::kAtan, [](double x) { return std::atan(x); });
  CheckF32(UnaryOp::kSinh, [](double x) { return std::sinh(x); });
  CheckF32(UnaryOp::kCosh, [](double x) { return std::cosh(x); });
  CheckF32(UnaryOp::kAsinh, [](double x) { return std::asinh(x); });
  CheckF32(
      UnaryOp::kAcosh, [](double x) { return std::acosh(x); }, {}, above_one);
  CheckF32(
      UnaryOp::kAtanh, [](double x) { return std::atanh(x); }, {}, unit);
}

TEST(UnaryTest, ShrinkAndThresholdedRelu) {
  CheckF32(UnaryOp::kShrink,
           [](double x) { return x < -1.0 ? x + 0.25 : (x > 1.0 ? x - 0.25 : 0.0); },
           {.lambd = 1.0f, .bias = 0.25f});
  CheckF32(UnaryOp::kThresholdedRelu, [](double x) { return x > 1.0 ? x : 0.0; }, {.alpha = 1.0f});
}

TEST(UnaryTest, IsNaNAndIsInf) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::FromVector<float>(DType::kF32, {5}, {1.0f, nan, inf, -inf, 0.0f});
  auto bools = [](const rt::Result<Tensor>& t) {
    EXPECT_TRUE(t.ok());
    EXPECT_EQ(t->dtype(), DType::kBool);
    return std::vector<uint8_t>(t->data<uint8_t>(), t->data<uint8_t>() + t->num_elements());
  };
  EXPECT_THAT(bools(IsNaN(x)), ElementsAre(0, 1, 0, 0, 0));
  EXPECT_THAT(bools(IsInf(x, true, true)), ElementsAre(0, 0, 1, 1, 0));
  EXPECT_THAT(bools(IsInf(x, false, true)), ElementsAre(0, 0, 1, 0, 0));
  EXPECT_THAT(bools(IsInf(x, true, false)), ElementsAre(0, 0, 0, 1, 0));
  EXPECT_THAT(bools(IsInf(x, false, false)), ElementsAre(0, 0, 0, 0, 0));
  EXPECT_THAT(bools(IsNaN(*Cast(x, DType::kF16))), ElementsAre(0, 1, 0, 0, 0));
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {2}, {0, 1});
  EXPECT_THAT(bools(IsNaN(i)), ElementsAre(0, 0));
}

TEST(UnaryTest, RoundHalfToEven) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {8},
                                       {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, 2.6f, -2.6f});
  rt::Result<Tensor> y = Unary(UnaryOp::kRound, x);
  ASSERT_TRUE(y.ok());
  EXPECT_THAT(std::vector<float>(y->data<float>(), y->data<float>() + 8),
              ElementsAre(0.0f, 2.0f, 2.0f, -0.0f, -2.0f, 2.0f, 3.0f, -3.0f));
}

TEST(UnaryTest, ExtremeInputsStayFinite) {
  const std::vector<float> big = {-100.0f, 100.0f};
  CheckF32(UnaryOp::kSigmoid, Sigmoid, {}, big);
  CheckF32(
      UnaryOp::kSoftplus, [](double x) { return x > 0 ? x : std::exp(x); }, {}, big);
  CheckF32(
      UnaryOp::kSilu, [](double x) { return x > 0 ? x : x * std::exp(x); }, {}, big);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  CheckF32(UnaryOp::kRelu, [](double x) { return x; }, {}, {nan});
}

TEST(UnaryTest, Integers) {
  Tensor x = Tensor::FromVector<int8_t>(DType::kI8, {5}, {-128, -3, 0, 4, 127});
  auto run = [&](UnaryOp op) {
    rt::Result<Tensor> y = Unary(op, x);
    EXPECT_TRUE(y.ok()) << y.status().message();
    EXPECT_EQ(y->dtype(), DType::kI8);
    return std::vector<int8_t>(y->data<int8_t>(), y->data<int8_t>() + 5);
  };
  EXPECT_THAT(run(UnaryOp::kRelu), ElementsAre(0, 0, 0, 4, 127));
  EXPECT_THAT(run(UnaryOp::kNeg), ElementsAre(-128, 3, 0, -4, -127));  // -(-128) wraps
  EXPECT_THAT(run(UnaryOp::kAbs), ElementsAre(-128, 3, 0, 4, 127));
  EXPECT_THAT(run(UnaryOp::kSign), ElementsAre(-1, -1, 0, 1, 1));

  Tensor w =
      Tensor::FromVector<int64_t>(DType::kI64, {2}, {std::numeric_limits<int64_t>::min(), -5});
  rt::Result<Tensor> n = Unary(UnaryOp::kAbs, w);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->data<int64_t>()[0], std::numeric_limits<int64_t>::min());
  EXPECT_EQ(n->data<int64_t>()[1], 5);

  rt::Result<Tensor> bad = Unary(UnaryOp::kSigmoid, x);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "sigmoid is not defined for i8");
}

TEST(UnaryTest, HalfComputesInF32) {
  Tensor x =
      *Cast(Tensor::FromVector<float>(DType::kF32, {4}, {-2.0f, -0.5f, 0.5f, 3.0f}), DType::kF16);
  for (DType t : {DType::kF16, DType::kBF16}) {
    Tensor xt = *Cast(x, t);
    rt::Result<Tensor> y = Unary(UnaryOp::kSigmoid, xt);
    ASSERT_TRUE(y.ok());
    EXPECT_EQ(y->dtype(), t);
    Tensor yf = *Cast(*y, DType::kF32);
    const float in[] = {-2.0f, -0.5f, 0.5f, 3.0f};
    // Half keeps 11 significant bits, bfloat16 8.
    const float rel = t == DType::kF16 ? 1e-3f : 8e-3f;
    for (int i = 0; i < 4; ++i) {
      ExpectClose(yf.data<float>()[i], static_cast<float>(Sigmoid(in[i])), rel, "sigmoid");
    }
  }
}

TEST(UnaryTest, NotAndIdentity) {
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {3}, {1, 0, 1});
  rt::Result<Tensor> n = Unary(UnaryOp::kNot, b);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->dtype(), DType::kBool);
  EXPECT_THAT(std::vector<uint8_t>(n->data<uint8_t>(), n->data<uint8_t>() + 3),
              ElementsAre(0, 1, 0));
  Tensor f = Tensor::FromVector<float>(DType::kF32, {1}, {1.0f});
  EXPECT_THAT(Unary(UnaryOp::kNot, f).status().message(), HasSubstr("not takes bool"));
  rt::Result<Tensor> id = Unary(UnaryOp::kIdentity, f);
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->raw(), f.raw());
}

TEST(UnaryTest, ThreadsGiveTheSameResult) {
  const int64_t n = 100003;
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = static_cast<float>(i % 1000) / 100.0f - 5.0f;
  Tensor x = Tensor::FromVector<float>(DType::kF32, {n}, v);
  rt::Result<Tensor> one = Unary(UnaryOp::kGelu, x, {}, 1);
  rt::Result<Tensor> four = Unary(UnaryOp::kGelu, x, {}, 4);
  ASSERT_TRUE(one.ok() && four.ok());
  for (int64_t i = 0; i < n; ++i) {
    ASSERT_EQ(one->data<float>()[i], four->data<float>()[i]) << i;
  }
}

}  // namespace
}  // namespace kiln::ref
