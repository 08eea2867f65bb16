#include "runtime/reference/kernels/unique.h"

#include <gtest/gtest.h>

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

using I = std::vector<int64_t>;

// ONNX's documented example, sorted and in order of first occurrence.
TEST(UniqueTest, FlattenedSortedAndUnsorted) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {6}, {2, 1, 1, 3, 4, 3});
  rt::Result<UniqueResult> s = Unique(x, std::nullopt, true);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Values<float>(s->y), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(Values<int64_t>(s->indices), (I{1, 0, 3, 4}));
  EXPECT_EQ(Values<int64_t>(s->inverse_indices), (I{1, 0, 0, 2, 3, 2}));
  EXPECT_EQ(Values<int64_t>(s->counts), (I{2, 1, 2, 1}));
  rt::Result<UniqueResult> u = Unique(x, std::nullopt, false);
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(Values<float>(u->y), (std::vector<float>{2, 1, 3, 4}));
  EXPECT_EQ(Values<int64_t>(u->indices), (I{0, 1, 3, 4}));
  EXPECT_EQ(Values<int64_t>(u->inverse_indices), (I{0, 1, 1, 2, 3, 2}));
  EXPECT_EQ(Values<int64_t>(u->counts), (I{1, 2, 2, 1}));
}

// ONNX's documented example: distinct rows, then distinct columns of a 2-D input.
TEST(UniqueTest, AlongAnAxis) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {3, 3}, {1, 0, 0, 1, 0, 0, 2, 3, 4});
  rt::Result<UniqueResult> r = Unique(x, 0, true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->y.shape(), (Shape{2, 3}));
  EXPECT_EQ(Values<int32_t>(r->y), (std::vector<int32_t>{1, 0, 0, 2, 3, 4}));
  EXPECT_EQ(Values<int64_t>(r->indices), (I{0, 2}));
  EXPECT_EQ(Values<int64_t>(r->inverse_indices), (I{0, 0, 1}));
  EXPECT_EQ(Values<int64_t>(r->counts), (I{2, 1}));
  // Columns [1,1,2], [0,0,3], [0,0,4]: sorted lexicographically the last two come first.
  rt::Result<UniqueResult> c = Unique(x, -1, true);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->y.shape(), (Shape{3, 3}));
  EXPECT_EQ(Values<int32_t>(c->y), (std::vector<int32_t>{0, 0, 1, 0, 0, 1, 3, 4, 2}));
  EXPECT_EQ(Values<int64_t>(c->inverse_indices), (I{2, 0, 1}));
}

// The defining properties on random data: y is strictly increasing, y[inverse[k]] == x[k],
// indices name each value's first occurrence and counts add up.
TEST(UniqueTest, RandomDataSatisfiesTheDefinition) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dist(-5, 5);
  std::vector<int64_t> xv(50);
  for (int64_t& v : xv) v = dist(rng);
  Tensor x = Tensor::FromVector<int64_t>(DType::kI64, {5, 10}, xv);
  rt::Result<UniqueResult> r = Unique(x, std::nullopt, true);
  ASSERT_TRUE(r.ok());
  std::vector<int64_t> y = Values<int64_t>(r->y);
  std::vector<int64_t> idx = Values<int64_t>(r->indices);
  std::vector<int64_t> inv = Values<int64_t>(r->inverse_indices);
  std::vector<int64_t> cnt = Values<int64_t>(r->counts);
  ASSERT_EQ(inv.size(), xv.size());
  for (size_t g = 1; g < y.size(); ++g) EXPECT_LT(y[g - 1], y[g]);
  for (size_t k = 0; k < xv.size(); ++k) EXPECT_EQ(y[inv[k]], xv[k]);
  int64_t total = 0;
  for (size_t g = 0; g < y.size(); ++g) {
    EXPECT_EQ(xv[idx[g]], y[g]);
    for (int64_t k = 0; k < idx[g]; ++k) EXPECT_NE(xv[k], y[g]);
    int64_t n = 0;
    for (int64_t v : xv) n += v == y[g];
    EXPECT_EQ(cnt[g], n);
    total += cnt[g];
  }
  EXPECT_EQ(total, 50);
}

TEST(UniqueTest, NaNsSortLastAndAxisErrors) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  Tensor x = Tensor::FromVector<float>(DType::kF32, {4}, {nan, 1, nan, -1});
  rt::Result<UniqueResult> r = Unique(x, std::nullopt, true);
  ASSERT_TRUE(r.ok());
  std::vector<float> y = Values<float>(r->y);
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0], -1);
  EXPECT_EQ(y[1], 1);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_FALSE(Unique(x, 1, true).ok());
}

TEST(UniqueTest, EmptyInputHasEmptyResults) {
  rt::Result<UniqueResult> r = Unique(*Tensor::Empty(DType::kF32, {0, 3}), 0, true);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->y.shape(), (Shape{0, 3}));
  EXPECT_EQ(r->counts.shape(), (Shape{0}));
  EXPECT_EQ(r->inverse_indices.shape(), (Shape{0}));
}

}  // namespace
}  // namespace kiln::ref
