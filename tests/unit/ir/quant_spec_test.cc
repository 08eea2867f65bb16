#include "ir/quant_spec.h"

#include <gtest/gtest.h>

namespace kiln::ir {
namespace {

TEST(QuantSpecTest, PerTensorText) {
  EXPECT_EQ(QuantSpec::PerTensor(0.5f, 3).ToString(), "per_tensor scale=0.5 zero_point=3");
  EXPECT_EQ(QuantSpec::PerTensor(0.1f).ToString(), "per_tensor scale=0.1");
}

TEST(QuantSpecTest, PerAxisDropsZeroZeroPoints) {
  QuantSpec q = QuantSpec::PerAxis(0, {0.5f, 0.25f}, {0, 0});
  EXPECT_TRUE(q.zero_points.empty());
  EXPECT_EQ(q.ToString(), "per_axis axis=0 scales=[0.5,0.25]");
  EXPECT_EQ(q, QuantSpec::PerAxis(0, {0.5f, 0.25f}, {}));
}

TEST(QuantSpecTest, PerBlockText) {
  QuantSpec q = QuantSpec::PerBlock(1, 32, {1.0f, 2.0f}, {1, -1});
  EXPECT_EQ(q.ToString(), "per_block axis=1 block_size=32 scales=[1.0,2.0] zero_points=[1,-1]");
}

TEST(QuantSpecTest, ExpectedScaleCount) {
  Shape w = Shape::Static({8, 64});
  EXPECT_EQ(QuantSpec::PerTensor(1.0f).ExpectedScaleCount(w), 1);
  EXPECT_EQ(QuantSpec::PerAxis(0, {}, {}).ExpectedScaleCount(w), 8);
  EXPECT_EQ(QuantSpec::PerBlock(1, 32, {}, {}).ExpectedScaleCount(w), 16);
  EXPECT_EQ(QuantSpec::PerBlock(1, 48, {}, {}).ExpectedScaleCount(w), 16);  // 64/48 rounds up
  EXPECT_FALSE(QuantSpec::PerAxis(2, {}, {}).ExpectedScaleCount(w).has_value());
  EXPECT_FALSE(
      QuantSpec::PerAxis(0, {}, {}).ExpectedScaleCount(Shape({Dim::Symbol("N")})).has_value());
}

}  // namespace
}  // namespace kiln::ir
