#include "runtime/reference/kernels/broadcast.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Shape Broadcast(std::vector<Shape> shapes) {
  rt::Result<Shape> s = BroadcastShapes(shapes);
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? *s : Shape{-1};
}

TEST(BroadcastShapesTest, Numpy) {
  EXPECT_EQ(Broadcast({{2, 3}, {3}}), (Shape{2, 3}));
  EXPECT_EQ(Broadcast({{2, 1, 4}, {3, 1}}), (Shape{2, 3, 4}));
  EXPECT_EQ(Broadcast({{}, {5}}), (Shape{5}));
  EXPECT_EQ(Broadcast({{}, {}}), (Shape{}));
  EXPECT_EQ(Broadcast({{1}, {1, 1}}), (Shape{1, 1}));
  EXPECT_EQ(Broadcast({{4, 1}, {3}, {}}), (Shape{4, 3}));
  EXPECT_EQ(Broadcast({{0, 3}, {1, 3}}), (Shape{0, 3}));
}

TEST(BroadcastShapesTest, IncompatibleShapesNameBothOperands) {
  std::vector<Shape> shapes = {{2, 3}, {4}};
  rt::Result<Shape> s = BroadcastShapes(shapes);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().message(),
            "operand 1 has shape [4], which does not broadcast with "
            "operand 0's [2,3]");
  std::vector<Shape> zero = {{0}, {3}};
  EXPECT_FALSE(BroadcastShapes(zero).ok());
}

TEST(CheckBroadcastsToTest, Unidirectional) {
  EXPECT_TRUE(CheckBroadcastsTo({3, 1, 1}, {2, 3, 4, 5}).ok());
  EXPECT_TRUE(CheckBroadcastsTo({}, {2}).ok());
  EXPECT_TRUE(CheckBroadcastsTo({2, 3}, {2, 3}).ok());
  // [2,3] would need x to grow.
  rt::Status s = CheckBroadcastsTo({2, 3}, {3});
  EXPECT_THAT(s.message(), HasSubstr("shape [2,3] does not broadcast to [3]"));
  EXPECT_FALSE(CheckBroadcastsTo({4}, {2, 3}).ok());
}

TEST(BroadcastLayoutTest, SameShapeCollapsesToOneRun) {
  std::vector<Shape> in = {{2, 3, 4}, {2, 3, 4}};
  BroadcastLayout l = MakeBroadcastLayout({2, 3, 4}, in);
  EXPECT_THAT(l.dims, ElementsAre(24));
  EXPECT_THAT(l.strides[0], ElementsAre(1));
  EXPECT_THAT(l.strides[1], ElementsAre(1));
}

TEST(BroadcastLayoutTest, ScalarHasStrideZero) {
  std::vector<Shape> in = {{2, 3}, {}};
  BroadcastLayout l = MakeBroadcastLayout({2, 3}, in);
  EXPECT_THAT(l.dims, ElementsAre(6));
  EXPECT_THAT(l.strides[1], ElementsAre(0));
}

TEST(BroadcastLayoutTest, ChannelBiasKeepsThreeDims) {
  // NCHW + [C,1,1]: batch and spatial dims stay apart from the channel dim.
  std::vector<Shape> in = {{2, 3, 4, 5}, {3, 1, 1}};
  BroadcastLayout l = MakeBroadcastLayout({2, 3, 4, 5}, in);
  EXPECT_THAT(l.dims, ElementsAre(2, 3, 20));
  EXPECT_THAT(l.strides[0], ElementsAre(60, 20, 1));
  EXPECT_THAT(l.strides[1], ElementsAre(0, 1, 0));
}

// Every output element is visited once, with the operand offsets numpy indexing gives.
void CheckWalk(const Shape& a, const Shape& b, int threads) {
  std::vector<Shape> in = {a, b};
  rt::Result<Shape> out = BroadcastShapes(in);
  ASSERT_TRUE(out.ok());
  const int64_t n = NumElements(*out);
  BroadcastLayout l = MakeBroadcastLayout(*out, in);
  std::vector<int64_t> seen_a(n, -1), seen_b(n, -1);
  ForEachBroadcastRun(l, threads, [&](const BroadcastRun& r) {
    for (int64_t i = 0; i < r.length; ++i) {
      seen_a[r.out + i] = r.in[0] + i * r.step[0];
      seen_b[r.out + i] = r.in[1] + i * r.step[1];
    }
  });
  const int rank = static_cast<int>(out->size());
  for (int64_t flat = 0; flat < n; ++flat) {
    std::vector<int64_t> index(rank);
    for (int64_t f = flat, d = rank - 1; d >= 0; --d) {
      index[d] = f % (*out)[d];
      f /= (*out)[d];
    }
    auto offset = [&](const Shape& s) {
      int64_t off = 0;
      for (size_t d = 0; d < s.size(); ++d) {
        const int64_t i = s[d] == 1 ? 0 : index[rank - s.size() + d];
        off = off * s[d] + i;
      }
      return off;
    };
    ASSERT_EQ(seen_a[flat], offset(a)) << "element " << flat;
    ASSERT_EQ(seen_b[flat], offset(b)) << "element " << flat;
  }
}

TEST(ForEachBroadcastRunTest, MatchesNumpyIndexing) {
  CheckWalk({2, 3, 4}, {3, 1}, 1);
  CheckWalk({1, 5}, {4, 1}, 1);
  CheckWalk({7}, {}, 1);
  CheckWalk({}, {}, 1);
  CheckWalk({2, 1, 3, 1}, {1, 4, 1, 5}, 1);
  // Long rows are split into blocks; many short rows are grouped into chunks.
  CheckWalk({3, 20000}, {20000}, 1);
  CheckWalk({50000, 3}, {3}, 1);
}

TEST(ForEachBroadcastRunTest, ParallelWalkCoversEveryElement) {
  CheckWalk({3, 20000}, {3, 1}, 4);
  CheckWalk({50000, 3}, {50000, 1}, 4);
  CheckWalk({64, 1024}, {64, 1024}, 3);
}

TEST(ForEachBroadcastRunTest, EmptyOutputCallsNothing) {
  std::vector<Shape> in = {{0, 3}, {3}};
  BroadcastLayout l = MakeBroadcastLayout({0, 3}, in);
  int calls = 0;
  ForEachBroadcastRun(l, 1, [&](const BroadcastRun&) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace kiln::ref
