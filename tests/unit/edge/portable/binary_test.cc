#include "runtime/edge/portable/binary.h"

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

constexpr BinaryKind kKinds[] = {BinaryKind::kAdd, BinaryKind::kSub, BinaryKind::kMul,
                                 BinaryKind::kDiv, BinaryKind::kPow, BinaryKind::kMin,
                                 BinaryKind::kMax};

// One f32 operation per element, as the kernel does it: results must match bit for bit.
float Apply(BinaryKind kind, float a, float b) {
  switch (kind) {
    case BinaryKind::kAdd:
      return a + b;
    case BinaryKind::kSub:
      return a - b;
    case BinaryKind::kMul:
      return a * b;
    case BinaryKind::kDiv:
      return a / b;
    case BinaryKind::kPow:
      return std::pow(a, b);
    case BinaryKind::kMin:
      return std::isnan(a) || std::isnan(b) ? NAN : std::min(a, b);
    case BinaryKind::kMax:
      return std::isnan(a) || std::isnan(b) ? NAN : std::max(a, b);
  }
  return 0;
}

// Index by index: each output index read from a and b with their broadcast dims pinned to 0.
std::vector<float> NaiveBinary(BinaryKind kind, const std::vector<float>& a,
                               const std::vector<int64_t>& ad, const std::vector<float>& b,
                               const std::vector<int64_t>& bd, const std::vector<int64_t>& od) {
  auto operand_index = [&](const std::vector<int64_t>& out_index, const std::vector<int64_t>& d) {
    std::vector<int64_t> index(d.size());
    for (size_t i = 0; i < d.size(); ++i) {
      index[i] = d[i] == 1 ? 0 : out_index[i + od.size() - d.size()];
    }
    return Ravel(index, d);
  };
  std::vector<float> y(Count(od));
  for (int64_t o = 0; o < Count(od); ++o) {
    const std::vector<int64_t> index = Unravel(o, od);
    y[o] = Apply(kind, a[operand_index(index, ad)], b[operand_index(index, bd)]);
  }
  return y;
}

void ExpectBinaryMatches(const std::vector<int64_t>& ad, const std::vector<int64_t>& bd) {
  const std::optional<FixedDims> od = BroadcastDims(ad, bd);
  ASSERT_TRUE(od);
  const std::vector<int64_t> out_dims(od->begin(), od->end());
  // Positive bases keep pow real; both signs elsewhere.
  const std::vector<float> a = RandomFloats(Count(ad), 1, 0.5f, 2.0f);
  const std::vector<float> b = RandomFloats(Count(bd), 2, -2.0f, 2.0f);
  for (BinaryKind kind : kKinds) {
    std::vector<float> y(Count(out_dims) + 1, 42.0f);
    Binary(kind, a.data(), ad, b.data(), bd, out_dims, y.data());
    EXPECT_EQ(y.back(), 42.0f);
    y.pop_back();
    EXPECT_EQ(y, NaiveBinary(kind, a, ad, b, bd, out_dims))
        << BinaryKindName(kind) << " " << ::testing::PrintToString(ad) << " with "
        << ::testing::PrintToString(bd);
  }
}

TEST(BinaryTest, HandComputed) {
  const float a[] = {1, 2, 3, 4, 5, 6};  // [2, 3]
  const float b[] = {10, 20, 30};        // [3]
  const int64_t ad[] = {2, 3}, bd[] = {3};
  float y[6];
  Binary(BinaryKind::kAdd, a, ad, b, bd, ad, y);
  EXPECT_EQ(std::vector<float>(y, y + 6), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  Binary(BinaryKind::kDiv, b, bd, a, ad, ad, y);
  EXPECT_EQ(std::vector<float>(y, y + 6), (std::vector<float>{10, 10, 10, 2.5f, 4, 5}));
  const float two = 2, ten = 10;
  Binary(BinaryKind::kPow, &two, Dims{}, &ten, Dims{}, Dims{}, y);
  EXPECT_EQ(y[0], 1024.0f);
}

TEST(BinaryTest, SameShapeAndScalars) {
  ExpectBinaryMatches({4, 5, 6}, {4, 5, 6});
  ExpectBinaryMatches({4, 5, 6}, {});
  ExpectBinaryMatches({}, {4, 5, 6});
  ExpectBinaryMatches({4, 5, 6}, {1, 1, 1});
  ExpectBinaryMatches({}, {});
  ExpectBinaryMatches({1}, {});
}

TEST(BinaryTest, RowsColumnsAndBothSides) {
  ExpectBinaryMatches({7, 9}, {9});  // row broadcast
  ExpectBinaryMatches({9}, {7, 9});
  ExpectBinaryMatches({7, 9}, {7, 1});  // column broadcast
  ExpectBinaryMatches({7, 1}, {7, 9});
  ExpectBinaryMatches({7, 1}, {1, 9});           // both sides
  ExpectBinaryMatches({2, 8, 5, 5}, {8, 1, 1});  // per-channel
  ExpectBinaryMatches({2, 3, 4, 5}, {3, 1, 5});
  ExpectBinaryMatches({1, 3, 1, 5, 1, 2}, {2, 1, 4, 5, 3, 1});  // rank 6, alternating
}

TEST(BinaryTest, EmptyOutputWritesNothing) {
  ExpectBinaryMatches({0, 3}, {3});
  ExpectBinaryMatches({2, 0}, {1, 1});
}

TEST(BinaryTest, MinAndMaxPropagateNan) {
  const float a[] = {NAN, 1.0f, 2.0f}, b[] = {0.0f, NAN, 3.0f};
  const int64_t d[] = {3};
  float y[3];
  Binary(BinaryKind::kMin, a, d, b, d, d, y);
  EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1]));
  EXPECT_EQ(y[2], 2.0f);
  Binary(BinaryKind::kMax, a, d, b, d, d, y);
  EXPECT_TRUE(std::isnan(y[0]) && std::isnan(y[1]));
  EXPECT_EQ(y[2], 3.0f);
}

TEST(BinaryTest, InPlaceIntoEitherOperand) {
  const std::vector<int64_t> d = {3, 4}, row = {4};
  std::vector<float> a = RandomFloats(12, 3), b = RandomFloats(4, 4);
  const std::vector<float> want = NaiveBinary(BinaryKind::kSub, a, d, b, row, d);
  Binary(BinaryKind::kSub, a.data(), d, b.data(), row, d, a.data());
  EXPECT_EQ(a, want);
  std::vector<float> c = RandomFloats(12, 5);
  const std::vector<float> want2 = NaiveBinary(BinaryKind::kMul, b, row, c, d, d);
  Binary(BinaryKind::kMul, b.data(), row, c.data(), d, d, c.data());
  EXPECT_EQ(c, want2);
}

}  // namespace
}  // namespace kiln::edge::portable
