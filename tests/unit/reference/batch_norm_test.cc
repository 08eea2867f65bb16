#include "runtime/reference/kernels/batch_norm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

Tensor F32(const Shape& shape, std::vector<float> v) {
  return Tensor::FromVector(DType::kF32, shape, v);
}

TEST(BatchNormTest, NormalizesPerChannel) {
  // ONNX backend test test_batchnorm_example's formula on a [2, 3, 1, 2] input.
  std::vector<float> xs = {-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  Tensor x = F32({2, 3, 1, 2}, xs);
  Tensor scale = F32({3}, {1.0f, 1.5f, -2.0f}), bias = F32({3}, {0.0f, 1.0f, 0.5f});
  Tensor mean = F32({3}, {0.0f, 3.0f, -1.0f}), var = F32({3}, {1.0f, 1.5f, 0.25f});
  rt::Result<Tensor> y = BatchNorm(x, scale, bias, mean, var, 1e-2f, 2);
  ASSERT_TRUE(y.ok()) << y.status().message();
  double diff = 0, mag = 1e-6;
  for (int i = 0; i < 12; ++i) {
    const int c = (i / 2) % 3;
    const double want = (xs[i] - mean.data<float>()[c]) /
                            std::sqrt(double(var.data<float>()[c]) + 1e-2) *
                            scale.data<float>()[c] +
                        bias.data<float>()[c];
    diff = std::max(diff, std::abs(want - y->data<float>()[i]));
    mag = std::max(mag, std::abs(want));
  }
  EXPECT_LT(diff / mag, 1e-6);
}

TEST(BatchNormTest, RejectsWrongChannelCount) {
  Tensor x = F32({1, 2, 2}, {1, 2, 3, 4});
  Tensor ok = F32({2}, {1, 1}), bad = F32({3}, {1, 1, 1});
  rt::Result<Tensor> y = BatchNorm(x, ok, ok, bad, ok, 1e-5f);
  ASSERT_FALSE(y.ok());
  EXPECT_THAT(y.status().message(), HasSubstr("mean"));
}

}  // namespace
}  // namespace kiln::ref
