#include "runtime/reference/kernels/layer_norm.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

Tensor Random(const Shape& shape, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(NumElements(shape)));
  for (float& f : v) f = dist(rng);
  return Tensor::FromVector(DType::kF32, shape, v);
}

TEST(LayerNormTest, NormalizesTrailingDimsForEveryAxis) {
  const Shape shape = {2, 3, 4};
  Tensor x = Random(shape, 1);
  for (int64_t axis : {-3, -2, -1, 0, 1, 2}) {
    const int64_t a = axis < 0 ? axis + 3 : axis;
    const Shape norm(shape.begin() + a, shape.end());
    Tensor scale = Random(norm, 2), bias = Random(norm, 3);
    rt::Result<LayerNormResult> r = LayerNorm(x, scale, &bias, axis, 1e-3f, true, 2);
    ASSERT_TRUE(r.ok()) << r.status().message();
    const int64_t inner = NumElements(norm), outer = 24 / inner;
    Shape stats(shape.begin(), shape.begin() + a);
    stats.resize(3, 1);
    EXPECT_EQ(r->mean.shape(), stats);
    double diff = 0, mag = 1e-6;
    for (int64_t o = 0; o < outer; ++o) {
      double mean = 0, var = 0;
      for (int64_t i = 0; i < inner; ++i) mean += x.data<float>()[o * inner + i] / double(inner);
      for (int64_t i = 0; i < inner; ++i)
        var += std::pow(x.data<float>()[o * inner + i] - mean, 2) / double(inner);
      const double inv = 1.0 / std::sqrt(var + 1e-3);
      for (int64_t i = 0; i < inner; ++i) {
        const double want = (x.data<float>()[o * inner + i] - mean) * inv * scale.data<float>()[i] +
                            bias.data<float>()[i];
        diff = std::max(diff, std::abs(want - r->y.data<float>()[o * inner + i]));
        mag = std::max(mag, std::abs(want));
      }
      EXPECT_NEAR(r->mean.data<float>()[o], mean, 1e-6 * std::max(1.0, std::abs(mean)));
      EXPECT_NEAR(r->inv_std_dev.data<float>()[o], inv, 1e-6 * inv);
    }
    EXPECT_LT(diff / mag, 1e-6) << "axis " << axis;
  }
}

TEST(LayerNormTest, BroadcastsScaleWithoutBias) {
  Tensor x = Random({3, 2, 4}, 4);
  Tensor scale = Tensor::FromVector(DType::kF32, {1, 4}, std::vector<float>{1, 2, 3, 4});
  rt::Result<LayerNormResult> r = LayerNorm(x, scale, nullptr, 1, 1e-5f, false);
  ASSERT_TRUE(r.ok()) << r.status().message();
  Tensor full = Tensor::FromVector(DType::kF32, {2, 4}, std::vector<float>{1, 2, 3, 4, 1, 2, 3, 4});
  rt::Result<LayerNormResult> want = LayerNorm(x, full, nullptr, 1, 1e-5f, false);
  ASSERT_TRUE(want.ok());
  for (int i = 0; i < 24; ++i) EXPECT_EQ(r->y.data<float>()[i], want->y.data<float>()[i]);
}

TEST(LayerNormTest, RejectsBadAxisAndScale) {
  Tensor x = Random({2, 4}, 5);
  rt::Result<LayerNormResult> r = LayerNorm(x, Random({4}, 6), nullptr, 2, 1e-5f, false);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("axis"));
  r = LayerNorm(x, Random({3}, 6), nullptr, -1, 1e-5f, false);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("broadcast"));
}

}  // namespace
}  // namespace kiln::ref
