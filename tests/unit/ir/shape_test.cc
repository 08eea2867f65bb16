#include "ir/shape.h"

#include <gtest/gtest.h>

namespace kiln::ir {
namespace {

TEST(ShapeTest, StaticShape) {
  Shape s = Shape::Static({2, 3, 4});
  EXPECT_TRUE(s.is_static());
  EXPECT_EQ(s.rank(), 3);
  EXPECT_EQ(s.num_elements(), 24);
  EXPECT_EQ(s.ToString(), "[2,3,4]");
  EXPECT_EQ(s.static_sizes(), (std::vector<int64_t>{2, 3, 4}));
}

TEST(ShapeTest, SymbolicAndUnknownDims) {
  Shape s({Dim::Symbol("N"), Dim(3), Dim::Unknown()});
  EXPECT_FALSE(s.is_static());
  EXPECT_FALSE(s.num_elements().has_value());
  EXPECT_EQ(s.ToString(), "[N,3,?]");
  EXPECT_TRUE(s.dim(0).is_symbolic());
  EXPECT_TRUE(s.dim(2).is_unknown());
}

TEST(ShapeTest, ScalarAndUnranked) {
  EXPECT_EQ(Shape().ToString(), "[]");
  EXPECT_EQ(Shape().num_elements(), 1);
  Shape u = Shape::Unranked();
  EXPECT_FALSE(u.is_ranked());
  EXPECT_EQ(u.ToString(), "[*]");
  EXPECT_NE(u, Shape());
}

TEST(ShapeTest, Equality) {
  EXPECT_EQ(Shape({Dim::Symbol("N")}), Shape({Dim::Symbol("N")}));
  EXPECT_NE(Shape({Dim::Symbol("N")}), Shape({Dim::Symbol("M")}));
  EXPECT_NE(Shape::Static({1}), Shape({Dim::Unknown()}));
}

}  // namespace
}  // namespace kiln::ir
