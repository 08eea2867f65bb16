#include "runtime/reference/kernels/where.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <vector>

#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(WhereTest, BroadcastsAllThreeOperands) {
  Tensor c = Tensor::FromVector<uint8_t>(DType::kBool, {2, 1}, {1, 0});
  Tensor x = Tensor::FromVector<float>(DType::kF32, {3}, {1, 2, 3});
  Tensor y = Tensor::FromVector<float>(DType::kF32, {}, {-1});
  rt::Result<Tensor> z = Where(c, x, y);
  ASSERT_TRUE(z.ok()) << z.status().message();
  EXPECT_EQ(z->shape(), (Shape{2, 3}));
  EXPECT_THAT(Values<float>(*z), ElementsAre(1, 2, 3, -1, -1, -1));
}

TEST(WhereTest, EveryElementWidth) {
  Tensor c = Tensor::FromVector<uint8_t>(DType::kBool, {4}, {1, 0, 0, 1});
  Tensor xf = Tensor::FromVector<float>(DType::kF32, {4}, {1, 2, 3, 4});
  Tensor yf = Tensor::FromVector<float>(DType::kF32, {4}, {-1, -2, -3, -4});
  for (DType t : {DType::kF32, DType::kF16, DType::kBF16, DType::kI8, DType::kU8, DType::kI4,
                  DType::kI16, DType::kI32, DType::kI64}) {
    rt::Result<Tensor> z = Where(c, *Cast(xf, t), *Cast(yf, t));
    ASSERT_TRUE(z.ok()) << rt::DTypeName(t);
    EXPECT_EQ(z->dtype(), t);
    const float expect_neg = t == DType::kU8 ? 0.0f : 1.0f;  // u8 saturates -k to 0
    EXPECT_THAT(Values<float>(*Cast(*z, DType::kF32)),
                ElementsAre(1, -2 * expect_neg, -3 * expect_neg, 4))
        << rt::DTypeName(t);
  }
}

TEST(WhereTest, Errors) {
  Tensor c = Tensor::FromVector<float>(DType::kF32, {1}, {1});
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  EXPECT_THAT(Where(c, x, x).status().message(), HasSubstr("condition must be bool"));
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {3}, {1, 0, 1});
  EXPECT_THAT(Where(b, x, x).status().message(), HasSubstr("does not broadcast"));
  Tensor i = Tensor::FromVector<int32_t>(DType::kI32, {2}, {1, 2});
  EXPECT_THAT(Where(b, x, i).status().message(), HasSubstr("x is f32 but y is i32"));
}

}  // namespace
}  // namespace kiln::ref
