#include "runtime/reference/kernels/tile.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(TileTest, RepeatsEachAxis) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {2, 2}, {1, 2, 3, 4});
  rt::Result<Tensor> y = Tile(x, std::vector<int64_t>{2, 3});
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{4, 6}));
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                       1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
}

TEST(TileTest, ZeroRepeatGivesEmpty) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  rt::Result<Tensor> y = Tile(x, std::vector<int64_t>{0});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{0}));
}

TEST(TileTest, Errors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  EXPECT_FALSE(Tile(x, std::vector<int64_t>{1, 1}).ok());
  EXPECT_FALSE(Tile(x, std::vector<int64_t>{-1}).ok());
}

}  // namespace
}  // namespace kiln::ref
