#include "runtime/reference/kernels/max_unpool.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

TEST(MaxUnpoolTest, ScattersToIndicesInDefaultShape) {
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 2, 2}, std::vector<float>{5, 6, 7, 8});
  Tensor idx = Tensor::FromVector(DType::kI64, {1, 1, 2, 2}, std::vector<int64_t>{5, 3, 8, 15});
  rt::Result<Tensor> y = MaxUnpool(x, idx, nullptr, {.kernel_shape = {2, 2}, .strides = {2, 2}});
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->shape(), (Shape{1, 1, 4, 4}));
  std::vector<float> want(16, 0.0f);
  want[5] = 5;
  want[3] = 6;
  want[8] = 7;
  want[15] = 8;
  EXPECT_EQ(std::vector<float>(y->data<float>(), y->data<float>() + 16), want);
}

TEST(MaxUnpoolTest, OutputShapeOperandAndPads) {
  Tensor x = Tensor::FromVector(DType::kI32, {1, 2, 2}, std::vector<int32_t>{1, 2, 3, 4});
  Tensor idx = Tensor::FromVector(DType::kI64, {1, 2, 2}, std::vector<int64_t>{0, 3, 5, 6});
  const MaxUnpoolParams p{.kernel_shape = {3}, .pads = {1, 0}, .strides = {2}};
  // Default: (2 - 1) * 2 + 3 - (1 + 0) = 4 per channel.
  rt::Result<Shape> s = MaxUnpoolOutputShape({1, 2, 2}, p);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (Shape{1, 2, 4}));
  // The indices address [1, 2, 4]; a longer output keeps each channel's values in place.
  const Shape out = {1, 2, 5};
  rt::Result<Tensor> y = MaxUnpool(x, idx, &out, p);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), out);
  EXPECT_EQ(std::vector<int32_t>(y->data<int32_t>(), y->data<int32_t>() + 10),
            (std::vector<int32_t>{1, 0, 0, 2, 0, 0, 3, 4, 0, 0}));
  const Shape smaller = {1, 2, 3};
  EXPECT_FALSE(MaxUnpool(x, idx, &smaller, p).ok());
}

TEST(MaxUnpoolTest, RejectsOutOfRangeIndex) {
  Tensor x = Tensor::FromVector(DType::kF32, {1, 1, 1}, std::vector<float>{1});
  Tensor idx = Tensor::FromVector(DType::kI64, {1, 1, 1}, std::vector<int64_t>{2});
  EXPECT_FALSE(MaxUnpool(x, idx, nullptr, {.kernel_shape = {2}}).ok());
  Tensor neg = Tensor::FromVector(DType::kI64, {1, 1, 1}, std::vector<int64_t>{-1});
  EXPECT_FALSE(MaxUnpool(x, neg, nullptr, {.kernel_shape = {2}}).ok());
}

}  // namespace
}  // namespace kiln::ref
