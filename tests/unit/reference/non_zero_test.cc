#include "runtime/reference/kernels/non_zero.h"

#include <gtest/gtest.h>

#include <vector>

#include "runtime/reference/kernels/fp16.h"

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(NonZeroTest, CoordinatesInRowMajorOrder) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 3}, {0, 1.5f, 0, -2, 0, -0.0f});
  rt::Result<Tensor> y = NonZero(x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->dtype(), DType::kI64);
  EXPECT_EQ(y->shape(), (Shape{2, 2}));
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>{0, 1, 1, 0}));  // (0,1) and (1,0)
}

TEST(NonZeroTest, ThreeDimsAndHalfFloats) {
  std::vector<uint16_t> h = {0, FloatToHalf(3), 0x8000 /* -0 */, FloatToHalf(-1)};
  Tensor x = Tensor::FromVector<uint16_t>(DType::kF16, {2, 1, 2}, h);
  rt::Result<Tensor> y = NonZero(x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->shape(), (Shape{3, 2}));
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>{0, 1, 0, 0, 1, 1}));
}

TEST(NonZeroTest, ScalarsAndEmptyResults) {
  rt::Result<Tensor> y = NonZero(Tensor::FromVector<int32_t>(DType::kI32, {}, {4}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 1}));
  EXPECT_EQ(y->data<int64_t>()[0], 0);
  y = NonZero(Tensor::FromVector<int32_t>(DType::kI32, {3}, {0, 0, 0}));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{1, 0}));
}

}  // namespace
}  // namespace kiln::ref
