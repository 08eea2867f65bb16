#include "runtime/reference/kernels/matmul.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

Tensor Random(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& f : v) f = dist(rng);
  return Tensor::FromVector(DType::kF32, shape, v);
}

// numpy matmul written out for operands of rank >= 2 with equal-rank broadcasting.
std::vector<float> NaiveBatched(const Tensor& a, const Tensor& b, const Shape& out) {
  const int r = static_cast<int>(out.size());
  const int64_t m = out[r - 2], n = out[r - 1], k = a.dim(a.rank() - 1);
  const int64_t batches = NumElements(out) / (m * n);
  std::vector<float> y;
  for (int64_t bi = 0; bi < batches; ++bi) {
    // Batch index -> per-operand offsets (dims of size 1 broadcast).
    int64_t rest = bi, ao = 0, bo = 0, as = 1, bs = 1;
    for (int d = r - 3; d >= 0; --d) {
      const int64_t idx = rest % out[d];
      rest /= out[d];
      const int ad = d - (r - a.rank()), bd = d - (r - b.rank());
      if (ad >= 0) {
        ao += (a.dim(ad) == 1 ? 0 : idx) * as;
        as *= a.dim(ad);
      }
      if (bd >= 0) {
        bo += (b.dim(bd) == 1 ? 0 : idx) * bs;
        bs *= b.dim(bd);
      }
    }
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t q = 0; q < k; ++q)
          acc += double(a.data<float>()[ao * m * k + i * k + q]) *
                 b.data<float>()[bo * k * n + q * n + j];
        y.push_back(static_cast<float>(acc));
      }
  }
  return y;
}

TEST(MatMulTest, BroadcastsBatchDims) {
  struct Case {
    Shape a, b, out;
  };
  const std::vector<Case> cases = {
      {{3, 4}, {4, 5}, {3, 5}},
      {{2, 3, 4}, {4, 5}, {2, 3, 5}},
      {{2, 1, 3, 4}, {3, 4, 5}, {2, 3, 3, 5}},
      {{1, 3, 4}, {6, 4, 2}, {6, 3, 2}},
      {{3, 4}, {2, 4, 6}, {2, 3, 6}},
  };
  for (const Case& c : cases) {
    Tensor a = Random(c.a, 1), b = Random(c.b, 2);
    for (int threads : {1, 2}) {
      rt::Result<Tensor> y = MatMul(a, b, threads);
      ASSERT_TRUE(y.ok()) << y.status().message();
      ASSERT_EQ(y->shape(), c.out);
      std::vector<float> want = NaiveBatched(a, b, c.out);
      double diff = 0, scale = 1e-6;
      for (size_t i = 0; i < want.size(); ++i) {
        diff = std::max(diff, std::abs(double(y->data<float>()[i]) - want[i]));
        scale = std::max(scale, std::abs(double(want[i])));
      }
      EXPECT_LT(diff / scale, 1e-5) << ShapeString(c.a) << " x " << ShapeString(c.b);
    }
  }
}

TEST(MatMulTest, PromotesVectors) {
  Tensor v = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{1, 2});
  Tensor m = Tensor::FromVector(DType::kF32, {2, 3}, std::vector<float>{1, 2, 3, 4, 5, 6});
  rt::Result<Tensor> y = MatMul(v, m);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3}));
  EXPECT_THAT(std::vector<float>(y->data<float>(), y->data<float>() + 3),
              ElementsAreArray({9.0f, 12.0f, 15.0f}));
  Tensor w = Tensor::FromVector(DType::kF32, {3}, std::vector<float>{1, 0, -1});
  y = MatMul(m, w);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2}));
  EXPECT_THAT(std::vector<float>(y->data<float>(), y->data<float>() + 2),
              ElementsAreArray({-2.0f, -2.0f}));
  y = MatMul(v, v);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), Shape{});
  EXPECT_EQ(y->data<float>()[0], 5.0f);
}

TEST(MatMulTest, Integers) {
  Tensor a =
      Tensor::FromVector(DType::kI32, {2, 2, 2}, std::vector<int32_t>{1, 2, 3, 4, 0, 1, 1, 0});
  Tensor b = Tensor::FromVector(DType::kI32, {2, 1}, std::vector<int32_t>{10, 100});
  rt::Result<Tensor> y = MatMul(a, b);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2, 2, 1}));
  EXPECT_THAT(std::vector<int32_t>(y->data<int32_t>(), y->data<int32_t>() + 4),
              ElementsAreArray({210, 430, 100, 10}));
}

TEST(MatMulTest, RejectsBadShapes) {
  rt::Result<Tensor> y = MatMul(Random({2, 3}, 1), Random({4, 2}, 2));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("inner dims"));
  y = MatMul(Random({2, 2, 3}, 1), Random({3, 3, 2}, 2));
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("broadcast"));
}

}  // namespace
}  // namespace kiln::ref
