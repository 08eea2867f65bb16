#include "runtime/reference/kernels/concat.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(ConcatTest, InnerAxis) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {2, 1}, {1, 2});
  Tensor b = Tensor::FromVector<float>(DType::kF32, {2, 2}, {3, 4, 5, 6});
  rt::Result<Tensor> y = Concat(std::vector<Tensor>{a, b}, -1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2, 3}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1, 3, 4, 2, 5, 6}));
}

TEST(ConcatTest, OuterAxisWithEmptyInput) {
  Tensor a = Tensor::FromVector<uint8_t>(DType::kU8, {1, 2}, {1, 2});
  Tensor e = Tensor::FromVector<uint8_t>(DType::kU8, {0, 2}, {});
  Tensor b = Tensor::FromVector<uint8_t>(DType::kU8, {2, 2}, {3, 4, 5, 6});
  rt::Result<Tensor> y = Concat(std::vector<Tensor>{a, e, b}, 0);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_EQ(Values<uint8_t>(*y), (std::vector<uint8_t>{1, 2, 3, 4, 5, 6}));
}

TEST(ConcatTest, MismatchesAreErrors) {
  Tensor a = Tensor::FromVector<float>(DType::kF32, {2, 1}, {1, 2});
  Tensor b = Tensor::FromVector<float>(DType::kF32, {3, 1}, {1, 2, 3});
  Tensor c = Tensor::FromVector<int32_t>(DType::kI32, {2, 1}, {1, 2});
  EXPECT_FALSE(Concat(std::vector<Tensor>{a, b}, 1).ok());
  EXPECT_FALSE(Concat(std::vector<Tensor>{a, c}, 0).ok());
  EXPECT_FALSE(Concat(std::vector<Tensor>{a}, 2).ok());
  EXPECT_FALSE(Concat(std::vector<Tensor>{}, 0).ok());
}

}  // namespace
}  // namespace kiln::ref
