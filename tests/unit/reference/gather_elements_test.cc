#include "runtime/reference/kernels/gather_elements.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

// ONNX's documented examples.
TEST(GatherElementsTest, Axis1) {
  Tensor data = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4});
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2, 2}, {0, 0, 1, 0});
  rt::Result<Tensor> y = GatherElements(data, idx, 1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1, 1, 4, 3}));
}

TEST(GatherElementsTest, Axis0WithSmallerIndicesAndNegatives) {
  Tensor data = Tensor::FromVector<int32_t>(DType::kI32, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Tensor idx = Tensor::FromVector<int32_t>(DType::kI32, {2, 3}, {1, 2, 0, 2, 0, -3});
  rt::Result<Tensor> y = GatherElements(data, idx, 0);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 3}));
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{4, 8, 3, 7, 2, 3}));
}

TEST(GatherElementsTest, Errors) {
  Tensor data = Tensor::FromVector<float>(DType::kF32, {2, 2}, {1, 2, 3, 4});
  EXPECT_FALSE(GatherElements(data, Tensor::FromVector<int64_t>(DType::kI64, {2}, {0, 0}), 0).ok());
  EXPECT_FALSE(GatherElements(data, Tensor::FromVector<int64_t>(DType::kI64, {1, 1}, {2}), 0).ok());
  EXPECT_FALSE(
      GatherElements(data, Tensor::FromVector<int64_t>(DType::kI64, {1, 3}, {0, 0, 0}), 0).ok());
}

}  // namespace
}  // namespace kiln::ref
