#include "runtime/edge/portable/reduce.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "tests/unit/edge/portable/test_tensors.h"

namespace kiln::edge::portable {
namespace {

using testing::Count;
using testing::RandomFloats;
using testing::Ravel;
using testing::Unravel;

constexpr ReduceKind kKinds[] = {ReduceKind::kSum, ReduceKind::kMean, ReduceKind::kMax,
                                 ReduceKind::kMin};

// Every x element folded into the y element with the reduced indices set to 0, in double;
// `magnitude` is the same fold of |x| for sum and mean (the scale of their rounding error).
std::vector<double> NaiveReduce(ReduceKind kind, const std::vector<float>& x,
                                const std::vector<int64_t>& dims, const std::vector<int64_t>& axes,
                                std::vector<double>* magnitude) {
  std::vector<int64_t> y_dims = dims;
  for (int64_t a : axes) y_dims[a] = 1;
  const double init = kind == ReduceKind::kMax   ? -INFINITY
                      : kind == ReduceKind::kMin ? INFINITY
                                                 : 0.0;
  std::vector<double> y(Count(y_dims), init);
  magnitude->assign(y.size(), 0.0);
  for (int64_t i = 0; i < Count(dims); ++i) {
    std::vector<int64_t> index = Unravel(i, dims);
    for (int64_t a : axes) index[a] = 0;
    const int64_t o = Ravel(index, y_dims);
    const double v = x[i];
    if (kind == ReduceKind::kMax) {
      y[o] = std::max(y[o], v);
    } else if (kind == ReduceKind::kMin) {
      y[o] = std::min(y[o], v);
    } else {
      y[o] += v;
      (*magnitude)[o] += std::fabs(v);
    }
  }
  if (kind == ReduceKind::kMean) {
    const double group = static_cast<double>(Count(dims)) / Count(y_dims);
    for (size_t o = 0; o < y.size(); ++o) {
      y[o] /= group;
      (*magnitude)[o] /= group;
    }
  }
  return y;
}

// Sum and mean accumulate in float along kept axes (double along a reduced line), in any
// order: the error stays within 1e-6 of sum |x| for the sizes here (the worst-case bound,
// n * 6e-8 * sum |x|, is 60 times looser at n = 1000). Max and min are exact.
constexpr double kSumTolerance = 1e-6;

void ExpectReduceMatches(const std::vector<int64_t>& dims, const std::vector<int64_t>& axes) {
  const std::vector<float> x = RandomFloats(Count(dims), 3);
  for (ReduceKind kind : kKinds) {
    std::vector<double> magnitude;
    const std::vector<double> want = NaiveReduce(kind, x, dims, axes, &magnitude);
    std::vector<float> y(want.size() + 1, 42.0f);
    Reduce(kind, x.data(), dims, axes, y.data());
    EXPECT_EQ(y.back(), 42.0f);
    for (size_t o = 0; o < want.size(); ++o) {
      ASSERT_LE(std::fabs(y[o] - want[o]), kSumTolerance * magnitude[o])
          << ReduceKindName(kind) << " element " << o << " dims " << ::testing::PrintToString(dims)
          << " axes " << ::testing::PrintToString(axes);
    }
  }
}

TEST(ReduceTest, HandComputed) {
  const float x[] = {1, 5, 3, -2, 4, 0};  // [2, 3]
  const int64_t dims[] = {2, 3}, rows[] = {1}, cols[] = {0};
  float y[3];
  Reduce(ReduceKind::kSum, x, dims, rows, y);
  EXPECT_EQ(std::vector<float>(y, y + 2), (std::vector<float>{9, 2}));
  Reduce(ReduceKind::kMean, x, dims, cols, y);
  EXPECT_EQ(std::vector<float>(y, y + 3), (std::vector<float>{-0.5f, 4.5f, 1.5f}));
  Reduce(ReduceKind::kMax, x, dims, cols, y);
  EXPECT_EQ(std::vector<float>(y, y + 3), (std::vector<float>{1, 5, 3}));
  Reduce(ReduceKind::kMin, x, dims, rows, y);
  EXPECT_EQ(std::vector<float>(y, y + 2), (std::vector<float>{1, -2}));
}

TEST(ReduceTest, EverySubsetOfAxesOfRankFour) {
  const std::vector<int64_t> dims = {3, 4, 5, 6};
  for (int mask = 0; mask < 16; ++mask) {
    std::vector<int64_t> axes;
    for (int a = 0; a < 4; ++a) {
      if (mask & (1 << a)) axes.push_back(a);
    }
    ExpectReduceMatches(dims, axes);
  }
}

TEST(ReduceTest, SizeOneDimsAndLongLines) {
  ExpectReduceMatches({2, 1, 3, 1}, {1, 2});
  ExpectReduceMatches({1, 1}, {0, 1});
  ExpectReduceMatches({3, 1000}, {1});
  ExpectReduceMatches({1000, 3}, {0});
  ExpectReduceMatches({7}, {0});
  ExpectReduceMatches({2, 3, 2, 3, 2, 3}, {0, 2, 3, 5});
}

TEST(ReduceTest, RankZeroAndEmptyAxesCopy) {
  const float x = -3.5f;
  float y = 0.0f;
  Reduce(ReduceKind::kMean, &x, Dims{}, Dims{}, &y);
  EXPECT_EQ(y, -3.5f);
  ExpectReduceMatches({3, 4}, {});
}

TEST(ReduceTest, EmptyGroupsGiveTheIdentity) {
  const int64_t dims[] = {2, 0, 3}, axes[] = {1};
  float y[6];
  Reduce(ReduceKind::kSum, nullptr, dims, axes, y);
  for (float v : y) EXPECT_EQ(v, 0.0f);
  Reduce(ReduceKind::kMean, nullptr, dims, axes, y);
  for (float v : y) EXPECT_TRUE(std::isnan(v));
  Reduce(ReduceKind::kMax, nullptr, dims, axes, y);
  for (float v : y) EXPECT_EQ(v, -std::numeric_limits<float>::infinity());
  Reduce(ReduceKind::kMin, nullptr, dims, axes, y);
  for (float v : y) EXPECT_EQ(v, std::numeric_limits<float>::infinity());
}

TEST(ReduceTest, EmptyOutputWritesNothing) {
  const int64_t dims[] = {0, 4}, axes[] = {1};
  float y[1] = {42.0f};
  Reduce(ReduceKind::kSum, nullptr, dims, axes, y);
  EXPECT_EQ(y[0], 42.0f);
}

TEST(ReduceTest, NamesComeFromTheList) {
  EXPECT_EQ(ReduceKindName(ReduceKind::kSum), "sum");
  EXPECT_EQ(ReduceKindName(ReduceKind::kMin), "min");
}

}  // namespace
}  // namespace kiln::edge::portable
