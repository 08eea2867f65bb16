#include "runtime/reference/kernels/cum_sum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(CumSumTest, ExclusiveAndReverseOnIntegers) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {3}, {1, 2, 3});
  auto run = [&](bool exclusive, bool reverse) {
    rt::Result<Tensor> y = CumSum(x, 0, exclusive, reverse);
    EXPECT_TRUE(y.ok()) << y.status().message();
    return y.ok() ? Values<int32_t>(*y) : std::vector<int32_t>{};
  };
  EXPECT_EQ(run(false, false), (std::vector<int32_t>{1, 3, 6}));
  EXPECT_EQ(run(true, false), (std::vector<int32_t>{0, 1, 3}));
  EXPECT_EQ(run(false, true), (std::vector<int32_t>{6, 5, 3}));
  EXPECT_EQ(run(true, true), (std::vector<int32_t>{5, 3, 0}));
}

// Along the middle axis of a random [2, 5, 3] tensor, against sums in double; the float sums
// agree to a relative 1e-5 (the values are positive, so no cancellation).
TEST(CumSumTest, MiddleAxisMatchesDoubleSums) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(0.5f, 2.0f);
  std::vector<float> v(30);
  for (float& f : v) f = dist(rng);
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 5, 3}, v);
  for (int64_t axis : {1, -2}) {
    rt::Result<Tensor> y = CumSum(x, axis, false, true);
    ASSERT_TRUE(y.ok()) << y.status().message();
    for (int o = 0; o < 2; ++o) {
      for (int i = 0; i < 3; ++i) {
        for (int n = 0; n < 5; ++n) {
          double expected = 0;
          for (int m = n; m < 5; ++m) expected += v[(o * 5 + m) * 3 + i];
          double got = y->data<float>()[(o * 5 + n) * 3 + i];
          EXPECT_LE(std::abs(got - expected), 1e-5 * std::abs(expected)) << o << n << i;
        }
      }
    }
  }
}

TEST(CumSumTest, Errors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  EXPECT_FALSE(CumSum(x, 1, false, false).ok());
  Tensor b = *Tensor::Zeros(DType::kBool, {2});
  EXPECT_FALSE(CumSum(b, 0, false, false).ok());
}

}  // namespace
}  // namespace kiln::ref
