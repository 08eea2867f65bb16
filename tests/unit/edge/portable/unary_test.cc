#include "runtime/edge/portable/unary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::AllClose;

struct Case {
  UnaryKind kind;
  float alpha, beta;
  double (*want)(double x, double alpha, double beta);  // the exact function, in double
  float lo, hi;                                         // the input range tested
  double rtol, atol;
};

double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

// Each f32 kernel is one or a few correctly-or-nearly-rounded std:: operations, so a few ulp
// (6e-8 each) of the exact value: rtol 1e-6. The atol of 1e-30 only admits results that
// underflow float (e.g. sigmoid(-100)); hard_sigmoid's alpha * x + beta cancels near its
// kinks, so its bounded output takes an absolute 1e-7.
const Case kCases[] = {
    {UnaryKind::kIdentity, 0, 0, [](double x, double, double) { return x; }, -10, 10, 0, 0},
    {UnaryKind::kRelu, 0, 0, [](double x, double, double) { return x < 0 ? 0.0 : x; }, -10, 10, 0,
     0},
    {UnaryKind::kLeakyRelu, 0.1f, 0, [](double x, double a, double) { return x < 0 ? a * x : x; },
     -10, 10, 1e-6, 0},
    {UnaryKind::kElu, 1.5f, 0,
     [](double x, double a, double) { return x < 0 ? a * std::expm1(x) : x; }, -10, 10, 1e-6,
     1e-30},
    {UnaryKind::kClip, -0.5f, 2.0f,
     [](double x, double a, double b) { return std::min(std::max(x, a), b); }, -10, 10, 0, 0},
    {UnaryKind::kSigmoid, 0, 0, [](double x, double, double) { return Sigmoid(x); }, -100, 100,
     1e-6, 1e-30},
    {UnaryKind::kHardSigmoid, 0.2f, 0.5f,
     [](double x, double a, double b) { return std::min(std::max(a * x + b, 0.0), 1.0); }, -10, 10,
     0, 1e-7},
    {UnaryKind::kSilu, 0, 0, [](double x, double, double) { return x * Sigmoid(x); }, -80, 80, 1e-6,
     1e-30},
    {UnaryKind::kGelu, 0, 0,
     [](double x, double, double) { return 0.5 * x * std::erfc(-x / std::sqrt(2.0)); }, -12, 12,
     1e-6, 1e-30},
    {UnaryKind::kGeluTanh, 0, 0,
     [](double x, double, double) {
       const double u = std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x);
       return x * Sigmoid(2.0 * u);  // 0.5 x (1 + tanh(u)) without its cancellation
     },
     -12, 12, 1e-6, 1e-30},
    {UnaryKind::kTanh, 0, 0, [](double x, double, double) { return std::tanh(x); }, -10, 10, 1e-6,
     0},
    {UnaryKind::kSoftplus, 0, 0,
     [](double x, double, double) {
       return std::log1p(std::exp(-std::fabs(x))) + std::max(x, 0.0);
     },
     -80, 80, 1e-6, 1e-30},
    {UnaryKind::kErf, 0, 0, [](double x, double, double) { return std::erf(x); }, -5, 5, 1e-6, 0},
    {UnaryKind::kExp, 0, 0, [](double x, double, double) { return std::exp(x); }, -80, 80, 1e-6, 0},
    {UnaryKind::kLog, 0, 0, [](double x, double, double) { return std::log(x); }, 1e-3f, 100, 1e-6,
     0},
    {UnaryKind::kSqrt, 0, 0, [](double x, double, double) { return std::sqrt(x); }, 0, 100, 1e-6,
     0},
    {UnaryKind::kReciprocal, 0, 0, [](double x, double, double) { return 1.0 / x; }, 0.01f, 100,
     1e-6, 0},
    {UnaryKind::kSin, 0, 0, [](double x, double, double) { return std::sin(x); }, -10, 10, 1e-6, 0},
    {UnaryKind::kCos, 0, 0, [](double x, double, double) { return std::cos(x); }, -10, 10, 1e-6, 0},
    {UnaryKind::kAbs, 0, 0, [](double x, double, double) { return std::fabs(x); }, -10, 10, 0, 0},
    {UnaryKind::kNeg, 0, 0, [](double x, double, double) { return -x; }, -10, 10, 0, 0},
    {UnaryKind::kFloor, 0, 0, [](double x, double, double) { return std::floor(x); }, -10, 10, 0,
     0},
    {UnaryKind::kCeil, 0, 0, [](double x, double, double) { return std::ceil(x); }, -10, 10, 0, 0},
    {UnaryKind::kRound, 0, 0, [](double x, double, double) { return std::nearbyint(x); }, -10, 10,
     0, 0},
};
static_assert(std::size(kCases) == kNumUnaryKinds);

// 4001 evenly spaced points plus the ends and, inside the range, 0 and +-0.5.
std::vector<float> Inputs(float lo, float hi) {
  std::vector<float> x;
  for (int i = 0; i <= 4000; ++i) x.push_back(lo + (hi - lo) * static_cast<float>(i) / 4000);
  for (float v : {0.0f, 0.5f, -0.5f, 2.5f, -2.5f}) {
    if (v >= lo && v <= hi) x.push_back(v);
  }
  return x;
}

TEST(UnaryTest, EveryKindMatchesItsExactFunction) {
  for (const Case& c : kCases) {
    const std::vector<float> x = Inputs(c.lo, c.hi);
    std::vector<double> want;
    for (float v : x) {
      // Rounded to float, so overflow is inf and underflow 0 as in f32.
      want.push_back(static_cast<float>(c.want(v, c.alpha, c.beta)));
    }
    std::vector<float> y(x.size());
    Unary(c.kind, x.data(), static_cast<int64_t>(x.size()), c.alpha, c.beta, y.data());
    // The rounding of `want` to float adds half an ulp to inexact cases.
    EXPECT_TRUE(AllClose(y, want, c.rtol == 0 ? 0.0 : c.rtol + 6e-8, c.atol))
        << UnaryKindName(c.kind);
  }
}

TEST(UnaryTest, HandComputed) {
  const float x[] = {0.5f, 1.5f, 2.5f, -0.5f, -2.5f, 3.7f};
  float y[6];
  Unary(UnaryKind::kRound, x, 6, 0, 0, y);  // halves to even
  EXPECT_EQ(std::vector<float>(y, y + 6), (std::vector<float>{0, 2, 2, -0.0f, -2, 4}));
  EXPECT_TRUE(std::signbit(y[3]));
  Unary(UnaryKind::kClip, x, 6, 0.0f, 2.0f, y);
  EXPECT_EQ(std::vector<float>(y, y + 6), (std::vector<float>{0.5f, 1.5f, 2, 0, 0, 2}));
  Unary(UnaryKind::kHardSigmoid, x, 6, 0.2f, 0.5f, y);
  EXPECT_EQ(y[2], 1.0f);
  EXPECT_EQ(y[4], 0.0f);
  const float zero = 0.0f;
  Unary(UnaryKind::kGelu, &zero, 1, 0, 0, y);
  EXPECT_EQ(y[0], 0.0f);
}

TEST(UnaryTest, NanPassesThroughReluAndClip) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  float y = 0.0f;
  Unary(UnaryKind::kRelu, &nan, 1, 0, 0, &y);
  EXPECT_TRUE(std::isnan(y));
  Unary(UnaryKind::kClip, &nan, 1, 0.0f, 6.0f, &y);
  EXPECT_TRUE(std::isnan(y));
}

TEST(UnaryTest, InPlaceAndEmpty) {
  std::vector<float> x = Inputs(-3, 3);
  std::vector<float> want(x.size());
  Unary(UnaryKind::kSilu, x.data(), static_cast<int64_t>(x.size()), 0, 0, want.data());
  Unary(UnaryKind::kSilu, x.data(), static_cast<int64_t>(x.size()), 0, 0, x.data());
  EXPECT_EQ(x, want);
  Unary(UnaryKind::kIdentity, x.data(), static_cast<int64_t>(x.size()), 0, 0, x.data());
  EXPECT_EQ(x, want);
  float y = 42.0f;
  Unary(UnaryKind::kExp, nullptr, 0, 0, 0, &y);
  EXPECT_EQ(y, 42.0f);
}

TEST(UnaryTest, NamesAreDistinct) {
  std::set<std::string> names;
  for (const Case& c : kCases) names.insert(std::string(UnaryKindName(c.kind)));
  EXPECT_EQ(names.size(), static_cast<size_t>(kNumUnaryKinds));
  EXPECT_EQ(UnaryKindName(UnaryKind::kGeluTanh), "gelu_tanh");
}

}  // namespace
}  // namespace kiln::edge::portable
