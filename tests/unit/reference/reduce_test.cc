#include "runtime/reference/kernels/reduce.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <utility>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Reference: visit every element with its multi-index and fold into the output slot the
// index maps to with reduced dims zeroed.
std::vector<double> NaiveReduce(ReduceKind kind, const std::vector<float>& xs, const Shape& shape,
                                const std::vector<bool>& reduced, int64_t out_n) {
  std::vector<std::vector<double>> groups(static_cast<size_t>(out_n));
  const int rank = static_cast<int>(shape.size());
  for (int64_t i = 0; i < static_cast<int64_t>(xs.size()); ++i) {
    int64_t rest = i, o = 0, stride = 1;
    for (int d = rank - 1; d >= 0; --d) {
      const int64_t idx = rest % shape[d];
      rest /= shape[d];
      if (!reduced[d]) {
        o += idx * stride;
        stride *= shape[d];
      }
    }
    groups[o].push_back(xs[i]);
  }
  std::vector<double> out;
  for (const auto& g : groups) {
    double v = 0;
    switch (kind) {
      case ReduceKind::kSum:
        for (double x : g) v += x;
        break;
      case ReduceKind::kMean:
        for (double x : g) v += x / g.size();
        break;
      case ReduceKind::kMax:
        v = *std::max_element(g.begin(), g.end());
        break;
      case ReduceKind::kMin:
        v = *std::min_element(g.begin(), g.end());
        break;
      case ReduceKind::kProd:
        v = 1;
        for (double x : g) v *= x;
        break;
      case ReduceKind::kSumSquare:
        for (double x : g) v += x * x;
        break;
      case ReduceKind::kL2:
        for (double x : g) v += x * x;
        v = std::sqrt(v);
        break;
      case ReduceKind::kL1:
        for (double x : g) v += std::abs(x);
        break;
      case ReduceKind::kLogSum:
        for (double x : g) v += x;
        v = std::log(v);
        break;
      case ReduceKind::kLogSumExp:
        for (double x : g) v += std::exp(x);
        v = std::log(v);
        break;
    }
    out.push_back(v);
  }
  return out;
}

TEST(ReduceTest, MatchesNaiveForEveryKindAndAxisSet) {
  const Shape shape = {2, 3, 4, 2};
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(0.5f, 1.5f);
  std::vector<float> xs(48);
  for (float& v : xs) v = dist(rng);
  Tensor x = Tensor::FromVector(DType::kF32, shape, xs);
  const std::vector<std::vector<int64_t>> axis_sets = {{},     {0},    {1},       {-1},
                                                       {1, 2}, {0, 3}, {3, -3, 0}};
  for (ReduceKind kind : {ReduceKind::kMean, ReduceKind::kSum, ReduceKind::kMax, ReduceKind::kMin,
                          ReduceKind::kProd, ReduceKind::kL2, ReduceKind::kSumSquare,
                          ReduceKind::kL1, ReduceKind::kLogSum, ReduceKind::kLogSumExp}) {
    for (const auto& axes : axis_sets) {
      for (bool keep : {true, false}) {
        ReduceParams p{.axes = axes, .keepdims = keep};
        rt::Result<Tensor> y = Reduce(kind, x, p);
        ASSERT_TRUE(y.ok()) << y.status().message();
        std::vector<bool> reduced(4, axes.empty());
        for (int64_t a : axes) reduced[a < 0 ? a + 4 : a] = true;
        Shape want_shape;
        for (int d = 0; d < 4; ++d) {
          if (!reduced[d])
            want_shape.push_back(shape[d]);
          else if (keep)
            want_shape.push_back(1);
        }
        ASSERT_EQ(y->shape(), want_shape);
        std::vector<double> want = NaiveReduce(kind, xs, shape, reduced, y->num_elements());
        for (size_t i = 0; i < want.size(); ++i) {
          EXPECT_NEAR(y->data<float>()[i], want[i], 1e-6 * std::max(1.0, std::abs(want[i])))
              << "kind " << int(kind) << " axes " << ShapeString(axes);
        }
      }
    }
  }
}

TEST(ReduceTest, EmptyAxesNoopAndIntegers) {
  Tensor x = Tensor::FromVector(DType::kI64, {2, 3}, std::vector<int64_t>{1, -2, 3, 4, 5, -6});
  ReduceParams noop{.noop_with_empty_axes = true};
  rt::Result<Tensor> y = Reduce(ReduceKind::kSum, x, noop);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 3}));
  EXPECT_EQ(y->data<int64_t>()[5], -6);
  ReduceParams rows{.axes = {1}, .keepdims = false};
  y = Reduce(ReduceKind::kMax, x, rows);
  ASSERT_TRUE(y.ok());
  EXPECT_THAT(std::vector<int64_t>(y->data<int64_t>(), y->data<int64_t>() + 2),
              ElementsAreArray({3, 5}));
  y = Reduce(ReduceKind::kProd, x, rows);
  ASSERT_TRUE(y.ok());
  EXPECT_THAT(std::vector<int64_t>(y->data<int64_t>(), y->data<int64_t>() + 2),
              ElementsAreArray({-6, -120}));
  Tensor i32 = Tensor::FromVector(DType::kI32, {4}, std::vector<int32_t>{1, 2, 3, 5});
  ReduceParams all;
  y = Reduce(ReduceKind::kMean, i32, all);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1}));
  EXPECT_EQ(y->data<int32_t>()[0], 2);  // 11 / 4, truncated
}

TEST(ReduceTest, L1CountsNegativeValuesByMagnitude) {
  Tensor x = Tensor::FromVector(DType::kF32, {2, 2}, std::vector<float>{-1.5f, 2, 3, -4});
  rt::Result<Tensor> y = Reduce(ReduceKind::kL1, x, {.axes = {1}, .keepdims = false});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_THAT(std::vector<float>(y->data<float>(), y->data<float>() + 2),
              ElementsAreArray({3.5f, 7.0f}));
  Tensor i = Tensor::FromVector(DType::kI32, {3}, std::vector<int32_t>{-2, 5, -7});
  y = Reduce(ReduceKind::kL1, i, {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data<int32_t>()[0], 14);
}

TEST(ReduceTest, LogSumExpStaysFiniteForLargeInputs) {
  // exp(1000) overflows double; the shifted form gives 1001 + log(1 + e^-1).
  Tensor x = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{1000.0f, 1001.0f});
  rt::Result<Tensor> y = Reduce(ReduceKind::kLogSumExp, x, {.keepdims = false});
  ASSERT_TRUE(y.ok()) << y.status().message();
  const double want = 1001.0 + std::log1p(std::exp(-1.0));
  EXPECT_NEAR(y->data<float>()[0], want, 1e-6 * want);
  Tensor tiny = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{-1000.0f, -1001.0f});
  y = Reduce(ReduceKind::kLogSumExp, tiny, {.keepdims = false});
  ASSERT_TRUE(y.ok()) << y.status().message();
  const double want_tiny = -1000.0 + std::log1p(std::exp(-1.0));
  EXPECT_NEAR(y->data<float>()[0], want_tiny, 1e-6 * std::abs(want_tiny));
}

TEST(ReduceTest, LogSumExpInDouble) {
  Tensor x = Tensor::FromVector(DType::kF64, {3}, std::vector<double>{700.0, 710.0, 705.0});
  rt::Result<Tensor> y = Reduce(ReduceKind::kLogSumExp, x, {.keepdims = false});
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->dtype(), DType::kF64);
  const double want = 710.0 + std::log(std::exp(-10.0) + 1.0 + std::exp(-5.0));
  EXPECT_NEAR(y->data<double>()[0], want, 1e-14 * want);
}

TEST(ReduceTest, EmptyGroupsGiveTheIdentityOfEachKind) {
  // Reducing a zero-size dim: sums are 0, so the logs are -inf (ONNX's empty-set tests).
  Tensor x = Tensor::FromVector(DType::kF32, {2, 0}, std::vector<float>{});
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<std::pair<ReduceKind, float>> cases = {{ReduceKind::kL1, 0.0f},
                                                           {ReduceKind::kSum, 0.0f},
                                                           {ReduceKind::kLogSum, -inf},
                                                           {ReduceKind::kLogSumExp, -inf}};
  for (const auto& [kind, want] : cases) {
    rt::Result<Tensor> y = Reduce(kind, x, {.axes = {1}});
    ASSERT_TRUE(y.ok()) << y.status().message();
    EXPECT_EQ(y->shape(), (Shape{2, 1}));
    EXPECT_EQ(y->data<float>()[0], want) << "kind " << int(kind);
  }
  // All -inf inputs: the max shift must not turn into inf - inf.
  Tensor neg = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{-inf, -inf});
  rt::Result<Tensor> y = Reduce(ReduceKind::kLogSumExp, neg, {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data<float>()[0], -inf);
}

TEST(ReduceTest, SmallIntegerTypesAccumulateWide) {
  // 3 * 200 overflows u8 while summing; the accumulator does not, the result wraps once.
  Tensor x = Tensor::FromVector(DType::kU8, {3}, std::vector<uint8_t>{200, 200, 200});
  rt::Result<Tensor> y = Reduce(ReduceKind::kMax, x, {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data<uint8_t>()[0], 200);
  y = Reduce(ReduceKind::kMean, x, {});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->data<uint8_t>()[0], 200);
  Tensor b = Tensor::FromVector(DType::kBool, {2}, std::vector<uint8_t>{1, 0});
  EXPECT_FALSE(Reduce(ReduceKind::kSum, b, {}).ok());
}

TEST(ReduceTest, RejectsBadAxes) {
  Tensor x = Tensor::FromVector(DType::kF32, {2, 3}, std::vector<float>(6, 1.0f));
  ReduceParams out_of_range{.axes = {2}};
  rt::Result<Tensor> y = Reduce(ReduceKind::kSum, x, out_of_range);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("out of range"));
  ReduceParams repeated{.axes = {1, -1}};
  y = Reduce(ReduceKind::kSum, x, repeated);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("repeat"));
}

}  // namespace
}  // namespace kiln::ref
