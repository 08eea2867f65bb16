#include "runtime/reference/kernels/lrn.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

// The ONNX formula evaluated directly for x [n, c, inner].
std::vector<double> Expected(const std::vector<float>& x, int64_t n, int64_t c, int64_t inner,
                             const LrnParams& p) {
  std::vector<double> y(x.size());
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t ch = 0; ch < c; ++ch) {
      for (int64_t i = 0; i < inner; ++i) {
        double sum = 0;
        const int64_t lo = ch - (p.size - 1) / 2;
        const int64_t hi = ch + (p.size - 1) - (p.size - 1) / 2;  // ceil((size-1)/2)
        for (int64_t k = std::max<int64_t>(lo, 0); k <= std::min(hi, c - 1); ++k) {
          sum += std::pow(x[(b * c + k) * inner + i], 2);
        }
        const int64_t at = (b * c + ch) * inner + i;
        y[at] = x[at] / std::pow(p.bias + p.alpha / p.size * sum, p.beta);
      }
    }
  }
  return y;
}

TEST(LrnTest, MatchesFormulaForOddAndEvenSizes) {
  const int64_t n = 2, c = 6, inner = 6;
  std::mt19937 rng(11);
  std::normal_distribution<float> dist(0.0f, 3.0f);
  std::vector<float> xs(n * c * inner);
  for (float& v : xs) v = dist(rng);
  Tensor x = Tensor::FromVector(DType::kF32, {n, c, 2, 3}, xs);
  for (int64_t size : {1, 3, 4, 7}) {
    // A large alpha makes the normalization matter.
    LrnParams p{.alpha = 0.5f, .beta = 0.75f, .bias = 2.0f, .size = size};
    rt::Result<Tensor> y = Lrn(x, p, 2);
    ASSERT_TRUE(y.ok()) << y.status().message();
    const std::vector<double> want = Expected(xs, n, c, inner, p);
    double diff = 0, mag = 0;
    for (size_t i = 0; i < want.size(); ++i) {
      diff = std::max(diff, std::abs(want[i] - y->data<float>()[i]));
      mag = std::max(mag, std::abs(want[i]));
    }
    EXPECT_LT(diff / mag, 1e-6) << "size " << size;
  }
}

TEST(LrnTest, DefaultsAndF64) {
  std::vector<double> xs = {1.0, -2.0, 3.0, 0.5};
  Tensor x = Tensor::FromVector(DType::kF64, {1, 4}, xs);
  rt::Result<Tensor> y = Lrn(x, {.size = 3});
  ASSERT_TRUE(y.ok());
  // Channel 1 sees channels 0..2: 1 + 4 + 9.
  const double want = -2.0 / std::pow(1.0 + 1e-4 / 3 * 14.0, 0.75);
  EXPECT_LT(std::abs(y->data<double>()[1] - want) / std::abs(want), 1e-7);
}

TEST(LrnTest, RejectsIntegersAndBadSize) {
  Tensor xi = Tensor::FromVector(DType::kI32, {1, 2}, std::vector<int32_t>{1, 2});
  EXPECT_FALSE(Lrn(xi, {.size = 1}).ok());
  Tensor x = Tensor::FromVector(DType::kF32, {1, 2}, std::vector<float>{1, 2});
  EXPECT_FALSE(Lrn(x, {.size = 0}).ok());
}

}  // namespace
}  // namespace kiln::ref
