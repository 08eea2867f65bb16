#include "runtime/reference/kernels/expand.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(ExpandTest, BidirectionalBroadcast) {
  // ONNX's example: [3,1] expanded with shape [2,1,6] gives [2,3,6].
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3, 1}, {1, 2, 3});
  rt::Result<Tensor> y = Expand(x, {2, 1, 6});
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{2, 3, 6}));
  std::vector<float> v = Values<float>(*y);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 6; ++k) EXPECT_EQ(v[(i * 3 + j) * 6 + k], j + 1);
}

TEST(ExpandTest, SmallerShapeKeepsInput) {
  Tensor x = Tensor::FromVector<int64_t>(DType::kI64, {2, 2}, {1, 2, 3, 4});
  rt::Result<Tensor> y = Expand(x, {1});
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{2, 2}));
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>{1, 2, 3, 4}));
}

TEST(ExpandTest, IncompatibleShapeIsAnError) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  EXPECT_FALSE(Expand(x, {2}).ok());
}

}  // namespace
}  // namespace kiln::ref
