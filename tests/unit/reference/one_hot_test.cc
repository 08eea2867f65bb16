#include "runtime/reference/kernels/one_hot.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

const Tensor kOffOn = Tensor::FromVector<float>(DType::kF32, {2}, {-1, 5});

TEST(OneHotTest, LastAxisWithNegativeAndOutOfRangeIndices) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {4}, {0, 2, -1, 3});
  Tensor depth = Tensor::FromVector<int64_t>(DType::kI64, {}, {3});
  rt::Result<Tensor> y = OneHot(idx, depth, kOffOn, -1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{4, 3}));
  EXPECT_EQ(Values<float>(*y), (std::vector<float>{5, -1, -1,      // 0
                                                   -1, -1, 5,      // 2
                                                   -1, -1, 5,      // -1 is depth-1
                                                   -1, -1, -1}));  // 3 is out of range
}

// out[i, j, k] = on iff idx[i, k] == j, for axis 1 of a [2, 3] index tensor.
TEST(OneHotTest, InnerAxisWithFloatIndicesAndDepth) {
  std::vector<float> iv = {1, 0, 3, 2, 2, 0};
  Tensor idx = Tensor::FromVector<float>(DType::kF32, {2, 3}, iv);
  Tensor depth = Tensor::FromVector<float>(DType::kF32, {1}, {4});
  Tensor values = Tensor::FromVector<int32_t>(DType::kI32, {2}, {0, 1});
  rt::Result<Tensor> y = OneHot(idx, depth, values, 1);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{2, 4, 3}));
  EXPECT_EQ(y->dtype(), DType::kI32);
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 4; ++j) {
      for (int k = 0; k < 3; ++k) {
        int expected = static_cast<int>(iv[i * 3 + k]) == j ? 1 : 0;
        EXPECT_EQ(y->data<int32_t>()[(i * 4 + j) * 3 + k], expected) << i << j << k;
      }
    }
  }
  rt::Result<Tensor> first = OneHot(idx, depth, values, -3);  // same as axis 0
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->shape(), (Shape{4, 2, 3}));
}

TEST(OneHotTest, Errors) {
  Tensor idx = Tensor::FromVector<int64_t>(DType::kI64, {2}, {0, 1});
  Tensor depth = Tensor::FromVector<int64_t>(DType::kI64, {}, {3});
  EXPECT_FALSE(OneHot(idx, depth, kOffOn, 2).ok());
  EXPECT_FALSE(OneHot(idx, Tensor::FromVector<int64_t>(DType::kI64, {}, {0}), kOffOn, -1).ok());
  EXPECT_FALSE(OneHot(idx, depth, Tensor::FromVector<float>(DType::kF32, {1}, {1}), -1).ok());
}

}  // namespace
}  // namespace kiln::ref
