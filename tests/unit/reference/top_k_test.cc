#include "runtime/reference/kernels/top_k.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(TopKTest, TiesKeepTheLowerIndexFirst) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {1, 6}, {3, 7, 3, 7, 1, 3});
  rt::Result<TopKResult> big = TopK(x, 4, -1, true);
  ASSERT_TRUE(big.ok()) << big.status().message();
  EXPECT_EQ(Values<int32_t>(big->values), (std::vector<int32_t>{7, 7, 3, 3}));
  EXPECT_EQ(Values<int64_t>(big->indices), (std::vector<int64_t>{1, 3, 0, 2}));
  rt::Result<TopKResult> small = TopK(x, 3, 1, false);
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(Values<int32_t>(small->values), (std::vector<int32_t>{1, 3, 3}));
  EXPECT_EQ(Values<int64_t>(small->indices), (std::vector<int64_t>{4, 0, 2}));
}

// Along axis 0 of a random [6, 4] tensor, against sorting each column independently.
TEST(TopKTest, LeadingAxisMatchesSortedColumns) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(24);
  for (float& f : v) f = dist(rng);
  Tensor x = Tensor::FromVector<float>(DType::kF32, {6, 4}, v);
  rt::Result<TopKResult> r = TopK(x, 2, 0, true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->values.shape(), (Shape{2, 4}));
  for (int c = 0; c < 4; ++c) {
    std::vector<int64_t> rows = {0, 1, 2, 3, 4, 5};
    std::sort(rows.begin(), rows.end(),
              [&](int64_t a, int64_t b) { return v[a * 4 + c] > v[b * 4 + c]; });
    for (int n = 0; n < 2; ++n) {
      EXPECT_EQ(r->indices.data<int64_t>()[n * 4 + c], rows[n]);
      EXPECT_EQ(r->values.data<float>()[n * 4 + c], v[rows[n] * 4 + c]);
    }
  }
}

TEST(TopKTest, NaNIsLargestAndErrors) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3}, {1, nan, 2});
  rt::Result<TopKResult> r = TopK(x, 2, 0, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Values<int64_t>(r->indices), (std::vector<int64_t>{1, 2}));
  EXPECT_TRUE(std::isnan(r->values.data<float>()[0]));
  rt::Result<TopKResult> none = TopK(x, 0, 0, true);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->values.shape(), (Shape{0}));
  EXPECT_FALSE(TopK(x, 4, 0, true).ok());
  EXPECT_FALSE(TopK(x, 1, 1, true).ok());
}

}  // namespace
}  // namespace kiln::ref
