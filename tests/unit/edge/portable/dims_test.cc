#include "runtime/edge/portable/dims.h"

#include <gtest/gtest.h>

#include <vector>

#include "runtime/edge/portable/strided_counter.h"

namespace kiln::edge::portable {
namespace {

std::vector<int64_t> V(const FixedDims& d) { return {d.begin(), d.end()}; }

TEST(DimsTest, NumElementsOfScalarEmptyAndDense) {
  EXPECT_EQ(NumElements(Dims{}), 1);
  const int64_t empty[] = {3, 0, 2}, dense[] = {2, 3, 4};
  EXPECT_EQ(NumElements(empty), 0);
  EXPECT_EQ(NumElements(dense), 24);
  EXPECT_EQ(DimProduct(dense, 1, 3), 12);
  EXPECT_EQ(DimProduct(dense, 2, 2), 1);
}

TEST(DimsTest, FixedDimsHoldsItsDimsAndConvertsToDims) {
  const int64_t raw[] = {5, 1, 7};
  FixedDims d(raw);
  ASSERT_EQ(d.size(), 3u);
  d.push_back(2);
  const Dims view = d;
  EXPECT_EQ(std::vector<int64_t>(view.begin(), view.end()), (std::vector<int64_t>{5, 1, 7, 2}));
  EXPECT_EQ(d, FixedDims(view));
  EXPECT_FALSE(d == FixedDims(raw));
}

TEST(DimsTest, BroadcastAlignsOnTheRightAndStretchesOnes) {
  const int64_t a[] = {8, 1, 16}, b[] = {4, 1}, c[] = {2, 8, 4, 16};
  ASSERT_TRUE(BroadcastDims(a, b));
  EXPECT_EQ(V(*BroadcastDims(a, b)), (std::vector<int64_t>{8, 4, 16}));
  EXPECT_EQ(V(*BroadcastDims(b, a)), (std::vector<int64_t>{8, 4, 16}));
  EXPECT_EQ(V(*BroadcastDims(a, c)), (std::vector<int64_t>{2, 8, 4, 16}));
  EXPECT_EQ(V(*BroadcastDims(Dims{}, b)), (std::vector<int64_t>{4, 1}));
  EXPECT_EQ(BroadcastDims(Dims{}, Dims{})->size(), 0u);
}

TEST(DimsTest, BroadcastKeepsZeroAgainstOneAndRejectsMismatches) {
  const int64_t zero[] = {0, 3}, one[] = {1, 3}, two[] = {2, 3}, three[] = {3};
  EXPECT_EQ(V(*BroadcastDims(zero, one)), (std::vector<int64_t>{0, 3}));
  EXPECT_FALSE(BroadcastDims(zero, two));
  EXPECT_FALSE(BroadcastDims(two, std::vector<int64_t>{2}));
  EXPECT_TRUE(BroadcastDims(two, three));
  const int64_t rank7[] = {1, 1, 1, 1, 1, 1, 1};
  EXPECT_FALSE(BroadcastDims(rank7, three));
}

TEST(StridedCounterTest, WalksRowMajorWithEachOperandsStrides) {
  const int64_t dims[] = {2, 3}, s0[] = {3, 1}, s1[] = {0, 10};
  StridedCounter it(dims, s0, s1);
  std::vector<int64_t> off0, off1;
  for (int i = 0; i < 7; ++i, it.Next()) {
    off0.push_back(it.offset0());
    off1.push_back(it.offset1());
  }
  EXPECT_EQ(off0, (std::vector<int64_t>{0, 1, 2, 3, 4, 5, 0}));  // wraps after the last
  EXPECT_EQ(off1, (std::vector<int64_t>{0, 10, 20, 0, 10, 20, 0}));
}

TEST(StridedCounterTest, RankZeroStaysAtOffsetZero) {
  StridedCounter it(Dims{}, Dims{});
  it.Next();
  EXPECT_EQ(it.offset0(), 0);
  EXPECT_EQ(it.offset1(), 0);
}

}  // namespace
}  // namespace kiln::edge::portable
