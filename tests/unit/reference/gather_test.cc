#include "runtime/reference/kernels/gather.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

const Tensor kData = Tensor::FromVector<float>(DType::kF32, {3, 2}, {1, 2, 3, 4, 5, 6});

TEST(GatherTest, RowsWithNegativeIndices) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2, 2}, {0, -1, 1, 2});
  rt::Result<Tensor> y = Gather(kData, idx, 0);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{2, 2, 2}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{1, 2, 5, 6, 3, 4, 5, 6}));
}

TEST(GatherTest, InnerAxisWithScalarIndexDropsTheAxis) {
  Tensor idx = Tensor::FromVector<int32_t>(DType::kI32, {}, {1});
  rt::Result<Tensor> y = Gather(kData, idx, -1);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{3}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{2, 4, 6}));
}

TEST(GatherTest, OutOfRangeIndexIsAnError) {
  EXPECT_FALSE(Gather(kData, Tensor::FromVector<int64_t>(DType::kI64, {1}, {3}), 0).ok());
  EXPECT_FALSE(Gather(kData, Tensor::FromVector<int64_t>(DType::kI64, {1}, {-4}), 0).ok());
  EXPECT_FALSE(Gather(kData, Tensor::FromVector<float>(DType::kF32, {1}, {0}), 0).ok());
  EXPECT_FALSE(Gather(kData, Tensor::FromVector<int64_t>(DType::kI64, {1}, {0}), 2).ok());
}

}  // namespace
}  // namespace kiln::ref
