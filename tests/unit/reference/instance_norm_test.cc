#include "runtime/reference/kernels/instance_norm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

TEST(InstanceNormTest, NormalizesEveryPlane) {
  const int64_t n = 2, c = 3, size = 10;
  std::mt19937 rng(5);
  std::normal_distribution<float> dist(3.0f, 2.0f);
  std::vector<float> xs(n * c * size);
  for (float& v : xs) v = dist(rng);
  Tensor x = Tensor::FromVector(DType::kF32, {n, c, 2, 5}, xs);
  Tensor scale = Tensor::FromVector(DType::kF32, {c}, std::vector<float>{1.0f, 2.0f, -0.5f});
  Tensor bias = Tensor::FromVector(DType::kF32, {c}, std::vector<float>{0.0f, 0.5f, 1.0f});
  rt::Result<Tensor> y = InstanceNorm(x, scale, bias, 1e-5f, 2);
  ASSERT_TRUE(y.ok()) << y.status().message();
  double diff = 0, mag = 1e-6;
  for (int64_t p = 0; p < n * c; ++p) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < size; ++i) mean += xs[p * size + i] / double(size);
    for (int64_t i = 0; i < size; ++i) var += std::pow(xs[p * size + i] - mean, 2) / double(size);
    for (int64_t i = 0; i < size; ++i) {
      const double want =
          (xs[p * size + i] - mean) / std::sqrt(var + 1e-5) * scale.data<float>()[p % c] +
          bias.data<float>()[p % c];
      diff = std::max(diff, std::abs(want - y->data<float>()[p * size + i]));
      mag = std::max(mag, std::abs(want));
    }
  }
  EXPECT_LT(diff / mag, 1e-6);
}

TEST(InstanceNormTest, RejectsWrongScale) {
  Tensor x = Tensor::FromVector(DType::kF32, {1, 2, 2}, std::vector<float>{1, 2, 3, 4});
  Tensor s = Tensor::FromVector(DType::kF32, {3}, std::vector<float>{1, 1, 1});
  EXPECT_FALSE(InstanceNorm(x, s, s, 1e-5f).ok());
}

}  // namespace
}  // namespace kiln::ref
