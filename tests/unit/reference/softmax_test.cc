#include "runtime/reference/kernels/softmax.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

TEST(SoftmaxTest, NormalizesOnlyTheAxis) {
  const Shape shape = {2, 3, 4};
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> dist(-3.0f, 3.0f);
  std::vector<float> xs(24);
  for (float& v : xs) v = dist(rng);
  Tensor x = Tensor::FromVector(DType::kF32, shape, xs);
  const int64_t strides[] = {12, 4, 1};
  for (int64_t axis : {0, 1, 2, -1, -2}) {
    const int a = static_cast<int>(axis < 0 ? axis + 3 : axis);
    for (bool log : {false, true}) {
      rt::Result<Tensor> y = Softmax(x, axis, log, 2);
      ASSERT_TRUE(y.ok()) << y.status().message();
      for (int64_t i = 0; i < 24; ++i) {
        // Sum of exp over the elements that differ from i only along `a`.
        const int64_t base = i - (i / strides[a]) % shape[a] * strides[a];
        double sum = 0;
        for (int64_t j = 0; j < shape[a]; ++j) sum += std::exp(double(xs[base + j * strides[a]]));
        const double want = log ? xs[i] - std::log(sum) : std::exp(double(xs[i])) / sum;
        EXPECT_NEAR(y->data<float>()[i], want, 1e-6 * std::max(1.0, std::abs(want)))
            << "axis " << axis << " log " << log;
      }
    }
  }
}

TEST(SoftmaxTest, LargeInputsStayFinite) {
  Tensor x = Tensor::FromVector(DType::kF32, {3}, std::vector<float>{1000.0f, 1001.0f, 1002.0f});
  rt::Result<Tensor> y = Softmax(x, -1, false);
  ASSERT_TRUE(y.ok());
  // exp(-2), exp(-1), exp(0) normalized: ONNX test_softmax_large_number's row.
  EXPECT_NEAR(y->data<float>()[0], 0.09003057, 1e-6);
  EXPECT_NEAR(y->data<float>()[2], 0.66524096, 1e-6);
  rt::Result<Tensor> z = Softmax(x, -1, true);
  ASSERT_TRUE(z.ok());
  EXPECT_NEAR(z->data<float>()[0], -2.4076059, 1e-5);
}

TEST(SoftmaxTest, RejectsBadAxis) {
  Tensor x = Tensor::FromVector(DType::kF32, {2}, std::vector<float>{1, 2});
  EXPECT_FALSE(Softmax(x, 1, false).ok());
  EXPECT_FALSE(Softmax(x, -2, true).ok());
}

TEST(HardmaxTest, MarksTheFirstMaximumAlongTheAxis) {
  // Small integers as floats give many ties; the first index of the maximum wins.
  const Shape shape = {3, 4, 5};
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> dist(0, 3);
  std::vector<float> xs(60);
  for (float& v : xs) v = static_cast<float>(dist(rng));
  Tensor x = Tensor::FromVector(DType::kF32, shape, xs);
  const int64_t strides[] = {20, 5, 1};
  for (int64_t axis : {0, 1, 2, -1, -3}) {
    const int a = static_cast<int>(axis < 0 ? axis + 3 : axis);
    rt::Result<Tensor> y = Hardmax(x, axis);
    ASSERT_TRUE(y.ok()) << y.status().message();
    ASSERT_EQ(y->shape(), shape);
    for (int64_t i = 0; i < 60; ++i) {
      const int64_t pos = (i / strides[a]) % shape[a];
      const int64_t base = i - pos * strides[a];
      int64_t first_max = 0;
      for (int64_t j = 1; j < shape[a]; ++j) {
        if (xs[base + j * strides[a]] > xs[base + first_max * strides[a]]) first_max = j;
      }
      EXPECT_EQ(y->data<float>()[i], pos == first_max ? 1.0f : 0.0f) << "axis " << axis;
    }
  }
}

TEST(HardmaxTest, IntegersAndBadAxis) {
  Tensor x = Tensor::FromVector(DType::kI32, {2, 3}, std::vector<int32_t>{-5, -1, -3, 7, 7, 2});
  rt::Result<Tensor> y = Hardmax(x, 1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(std::vector<int32_t>(y->data<int32_t>(), y->data<int32_t>() + 6),
            (std::vector<int32_t>{0, 1, 0, 1, 0, 0}));
  EXPECT_FALSE(Hardmax(x, 2).ok());
  Tensor scalar = Tensor::FromVector(DType::kF32, {}, std::vector<float>{1});
  EXPECT_FALSE(Hardmax(scalar, 0).ok());
}

}  // namespace
}  // namespace kiln::ref
