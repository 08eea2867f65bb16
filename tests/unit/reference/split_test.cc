#include "runtime/reference/kernels/split.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(SplitTest, EqualSizesRoundUpAndShrinkTheLast) {
  EXPECT_EQ(*EqualSplitSizes(6, 3), (std::vector<int64_t>{2, 2, 2}));
  EXPECT_EQ(*EqualSplitSizes(7, 3), (std::vector<int64_t>{3, 3, 1}));
  EXPECT_FALSE(EqualSplitSizes(4, 0).ok());
}

TEST(SplitTest, ExplicitSizesAlongInnerAxis) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 3}, {1, 2, 3, 4, 5, 6});
  rt::Result<std::vector<Tensor>> parts = Split(x, -1, std::vector<int64_t>{1, 0, 2});
  ASSERT_TRUE(parts.ok()) << parts.status().message();
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].shape(), (Shape{2, 1}));
  EXPECT_EQ(Values<float>((*parts)[0]), (std::vector<float>{1, 4}));
  EXPECT_EQ((*parts)[1].shape(), (Shape{2, 0}));
  EXPECT_EQ(Values<float>((*parts)[2]), (std::vector<float>{2, 3, 5, 6}));
}

TEST(SplitTest, SizesMustCoverTheDim) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4});
  EXPECT_FALSE(Split(x, 0, std::vector<int64_t>{1, 2}).ok());
  EXPECT_FALSE(Split(x, 0, std::vector<int64_t>{5, -1}).ok());
  EXPECT_FALSE(Split(x, 1, std::vector<int64_t>{4}).ok());
}

}  // namespace
}  // namespace kiln::ref
