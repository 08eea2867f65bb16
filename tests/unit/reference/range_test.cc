#include "runtime/reference/kernels/range.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
Tensor Scalar(DType dtype, T v) {
  return Tensor::FromVector<T>(dtype, {}, {v});
}

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(RangeTest, IntegersPositiveAndNegativeDelta) {
  rt::Result<Tensor> y = Range(Scalar<int64_t>(DType::kI64, 3), Scalar<int64_t>(DType::kI64, 10),
                               Scalar<int64_t>(DType::kI64, 3));
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>{3, 6, 9}));
  y = Range(Scalar<int32_t>(DType::kI32, 10), Scalar<int32_t>(DType::kI32, 4),
            Scalar<int32_t>(DType::kI32, -3));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int32_t>(*y), (std::vector<int32_t>{10, 7}));
}

TEST(RangeTest, FloatCountIsCeil) {
  rt::Result<Tensor> y =
      Range(Scalar(DType::kF32, 0.0f), Scalar(DType::kF32, 1.0f), Scalar(DType::kF32, 0.25f));
  ASSERT_TRUE(y.ok());
  std::vector<float> v = Values<float>(*y);
  ASSERT_EQ(v.size(), 4u);
  for (size_t i = 0; i < v.size(); ++i) EXPECT_FLOAT_EQ(v[i], 0.25f * static_cast<float>(i));
}

TEST(RangeTest, EmptyWhenLimitIsBehindStart) {
  rt::Result<Tensor> y = Range(Scalar<int64_t>(DType::kI64, 5), Scalar<int64_t>(DType::kI64, 1),
                               Scalar<int64_t>(DType::kI64, 2));
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->shape(), (Shape{0}));
}

TEST(RangeTest, Errors) {
  EXPECT_FALSE(Range(Scalar<int64_t>(DType::kI64, 0), Scalar<int64_t>(DType::kI64, 1),
                     Scalar<int64_t>(DType::kI64, 0))
                   .ok());
  EXPECT_FALSE(Range(Scalar<int64_t>(DType::kI64, 0), Scalar<int32_t>(DType::kI32, 1),
                     Scalar<int64_t>(DType::kI64, 1))
                   .ok());
}

}  // namespace
}  // namespace kiln::ref
