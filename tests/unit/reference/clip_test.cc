#include "runtime/reference/kernels/clip.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename T>
std::vector<T> Values(const rt::Result<Tensor>& t) {
  EXPECT_TRUE(t.ok()) << t.status().message();
  if (!t.ok()) return {};
  return std::vector<T>(t->data<T>(), t->data<T>() + t->num_elements());
}

TEST(ClipTest, BothBoundsOneBoundOrNone) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {5}, {-3, -0.5f, 2, 6, 9});
  Tensor lo = Tensor::FromVector<float>(DType::kF32, {}, {0});
  Tensor hi = Tensor::FromVector<float>(DType::kF32, {}, {6});
  EXPECT_THAT(Values<float>(Clip(x, &lo, &hi)), ElementsAre(0, 0, 2, 6, 6));
  EXPECT_THAT(Values<float>(Clip(x, nullptr, &hi)), ElementsAre(-3, -0.5f, 2, 6, 6));
  EXPECT_THAT(Values<float>(Clip(x, &lo, nullptr)), ElementsAre(0, 0, 2, 6, 9));
  EXPECT_THAT(Values<float>(Clip(x, nullptr, nullptr)), ElementsAre(-3, -0.5f, 2, 6, 9));
  // min > max: everything becomes max, as ONNX specifies.
  EXPECT_THAT(Values<float>(Clip(x, &hi, &lo)), ElementsAre(0, 0, 0, 0, 0));
}

TEST(ClipTest, NaNPassesThrough) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {1}, {std::numeric_limits<float>::quiet_NaN()});
  Tensor lo = Tensor::FromVector<float>(DType::kF32, {1}, {0});
  EXPECT_TRUE(std::isnan(Values<float>(Clip(x, &lo, &lo))[0]));
}

TEST(ClipTest, IntegersAndHalf) {
  Tensor x = Tensor::FromVector<int8_t>(DType::kI8, {4}, {-128, -5, 5, 127});
  Tensor lo = Tensor::FromVector<int8_t>(DType::kI8, {1}, {-10});
  Tensor hi = Tensor::FromVector<int8_t>(DType::kI8, {1}, {10});
  EXPECT_THAT(Values<int8_t>(Clip(x, &lo, &hi)), ElementsAre(-10, -5, 5, 10));
  Tensor xh = *Cast(Tensor::FromVector<float>(DType::kF32, {3}, {-1, 0.5f, 2}), DType::kF16);
  Tensor hh = *Cast(Tensor::FromVector<float>(DType::kF32, {}, {1}), DType::kF16);
  rt::Result<Tensor> y = Clip(xh, nullptr, &hh);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->dtype(), DType::kF16);
  EXPECT_THAT(Values<float>(Cast(*y, DType::kF32)), ElementsAre(-1, 0.5f, 1));
}

TEST(ClipTest, Errors) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  Tensor two = Tensor::FromVector<float>(DType::kF32, {2}, {0, 1});
  EXPECT_THAT(Clip(x, &two, nullptr).status().message(),
              HasSubstr("min must have one element, got shape [2]"));
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {}, {0});
  EXPECT_THAT(Clip(x, &i, nullptr).status().message(), HasSubstr("bound is i32 but x is f32"));
}

}  // namespace
}  // namespace kiln::ref
