#include "runtime/reference/kernels/reshape.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

using V = std::vector<int64_t>;

TEST(ReshapeTest, ZeroCopiesAndMinusOneInfers) {
  EXPECT_EQ(*ReshapeShape({2, 3, 4}, V{0, -1}, false), (Shape{2, 12}));
  EXPECT_EQ(*ReshapeShape({2, 3, 4}, V{4, 0, 2}, false), (Shape{4, 3, 2}));
  EXPECT_EQ(*ReshapeShape({2, 3, 4}, V{-1}, false), (Shape{24}));
  EXPECT_EQ(*ReshapeShape({1}, V{}, false), (Shape{}));
}

TEST(ReshapeTest, AllowZeroKeepsRealZeros) {
  EXPECT_EQ(*ReshapeShape({0, 3}, V{3, 0}, true), (Shape{3, 0}));
  EXPECT_FALSE(ReshapeShape({0, 3}, V{0, -1}, true).ok());
}

TEST(ReshapeTest, Errors) {
  EXPECT_FALSE(ReshapeShape({2, 3}, V{-1, -1}, false).ok());
  EXPECT_FALSE(ReshapeShape({2, 3}, V{4, -1}, false).ok());
  EXPECT_FALSE(ReshapeShape({2, 3}, V{7}, false).ok());
  EXPECT_FALSE(ReshapeShape({2, 3}, V{-2, 3}, false).ok());
  EXPECT_FALSE(ReshapeShape({6}, V{1, 0}, false).ok());  // no input dim 1 to copy
}

TEST(ReshapeTest, Flatten) {
  EXPECT_EQ(*FlattenShape({2, 3, 4}, 1), (Shape{2, 12}));
  EXPECT_EQ(*FlattenShape({2, 3, 4}, 0), (Shape{1, 24}));
  EXPECT_EQ(*FlattenShape({2, 3, 4}, 3), (Shape{24, 1}));
  EXPECT_EQ(*FlattenShape({2, 3, 4}, -1), (Shape{6, 4}));
  EXPECT_FALSE(FlattenShape({2, 3}, 3).ok());
}

TEST(ReshapeTest, SqueezeAndUnsqueeze) {
  EXPECT_EQ(*SqueezeShape({1, 3, 1, 2}, {}), (Shape{3, 2}));
  EXPECT_EQ(*SqueezeShape({1, 3, 1, 2}, V{-2}), (Shape{1, 3, 2}));
  EXPECT_FALSE(SqueezeShape({1, 3}, V{1}).ok());
  EXPECT_EQ(*UnsqueezeShape({3, 4}, V{0, -1}), (Shape{1, 3, 4, 1}));
  EXPECT_EQ(*UnsqueezeShape({3, 4}, V{1, 3}), (Shape{3, 1, 4, 1}));
  EXPECT_EQ(*UnsqueezeShape({}, V{0}), (Shape{1}));
  EXPECT_FALSE(UnsqueezeShape({3}, V{0, 0}).ok());
  EXPECT_FALSE(UnsqueezeShape({3}, V{2}).ok());
}

}  // namespace
}  // namespace kiln::ref
