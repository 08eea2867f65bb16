#include "runtime/reference/kernels/cast.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "runtime/reference/kernels/fp16.h"

namespace kiln::ref {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

template <typename T>
std::vector<T> CastTo(const Tensor& x, DType to) {
  rt::Result<Tensor> y = Cast(x, to);
  EXPECT_TRUE(y.ok()) << y.status().message();
  if (!y.ok()) return {};
  EXPECT_EQ(y->dtype(), to);
  EXPECT_EQ(y->shape(), x.shape());
  return Values<T>(*y);
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(CastTest, FloatToIntegerTruncatesTowardZeroAndSaturates) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {8},
                                       {2.7f, -2.7f, 0.5f, -0.5f, 300.0f, -300.0f, kNaN, kInf});
  EXPECT_THAT(CastTo<int8_t>(x, DType::kI8), ElementsAre(2, -2, 0, 0, 127, -128, 0, 127));
  EXPECT_THAT(CastTo<uint8_t>(x, DType::kU8), ElementsAre(2, 0, 0, 0, 255, 0, 0, 255));
  EXPECT_THAT(CastTo<int32_t>(x, DType::kI32),
              ElementsAre(2, -2, 0, 0, 300, -300, 0, std::numeric_limits<int32_t>::max()));
  EXPECT_THAT(CastTo<int64_t>(x, DType::kI64),
              ElementsAre(2, -2, 0, 0, 300, -300, 0, std::numeric_limits<int64_t>::max()));
}

TEST(CastTest, IntegerToIntegerWraps) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {4}, {300, -1, 127, -129});
  EXPECT_THAT(CastTo<int8_t>(x, DType::kI8), ElementsAre(44, -1, 127, 127));
  EXPECT_THAT(CastTo<uint8_t>(x, DType::kU8), ElementsAre(44, 255, 127, 127));
  EXPECT_THAT(CastTo<int64_t>(x, DType::kI64), ElementsAre(300, -1, 127, -129));
  EXPECT_THAT(CastTo<int16_t>(x, DType::kI16), ElementsAre(300, -1, 127, -129));
  Tensor big = Tensor::FromVector<int64_t>(DType::kI64, {1}, {(int64_t{1} << 32) + 5});
  EXPECT_THAT(CastTo<int32_t>(big, DType::kI32), ElementsAre(5));
}

TEST(CastTest, ToAndFromBool) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {5}, {0.0f, -0.0f, 0.5f, -3.0f, kNaN});
  EXPECT_THAT(CastTo<uint8_t>(x, DType::kBool), ElementsAre(0, 0, 1, 1, 1));
  Tensor i = Tensor::FromVector<int64_t>(DType::kI64, {3}, {0, 7, -1});
  EXPECT_THAT(CastTo<uint8_t>(i, DType::kBool), ElementsAre(0, 1, 1));
  Tensor b = Tensor::FromVector<uint8_t>(DType::kBool, {2}, {1, 0});
  EXPECT_THAT(CastTo<float>(b, DType::kF32), ElementsAre(1.0f, 0.0f));
  EXPECT_THAT(CastTo<int32_t>(b, DType::kI32), ElementsAre(1, 0));
}

TEST(CastTest, HalfAndBFloat16RoundToNearestEven) {
  const float tie = 1.0f + std::ldexp(1.0f, -11);  // halfway between two halves
  Tensor x = Tensor::FromVector<float>(DType::kF32, {4}, {1.0f, tie, -2.5f, 1e6f});
  EXPECT_THAT(CastTo<uint16_t>(x, DType::kF16), ElementsAre(0x3c00, 0x3c00, 0xc100, 0x7c00));
  EXPECT_THAT(CastTo<uint16_t>(x, DType::kBF16),
              ElementsAre(FloatToBFloat16(1.0f), FloatToBFloat16(tie), FloatToBFloat16(-2.5f),
                          FloatToBFloat16(1e6f)));
  Tensor h = Tensor::FromVector<uint16_t>(DType::kF16, {3}, {0x3c00, 0xc100, 0x3555});
  EXPECT_THAT(CastTo<float>(h, DType::kF32), ElementsAre(1.0f, -2.5f, 0.333251953125f));
  // f16 -> bf16 goes through f32 exactly: 0.333251953125 rounds to bf16 0.333984375.
  EXPECT_THAT(CastTo<uint16_t>(h, DType::kBF16),
              ElementsAre(0x3f80, 0xc020, FloatToBFloat16(0.333251953125f)));
  // Half to integer truncates.
  EXPECT_THAT(CastTo<int32_t>(h, DType::kI32), ElementsAre(1, -2, 0));
}

TEST(CastTest, Int4PacksLowNibbleFirstAndSaturates) {
  Tensor x = Tensor::FromVector<int32_t>(DType::kI32, {5}, {1, -2, 7, -8, 100});
  rt::Result<Tensor> p = Cast(x, DType::kI4);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->num_bytes(), 3);
  // [1, -2] -> 0xe1, [7, -8] -> 0x87, [100 -> 7, pad 0] -> 0x07.
  EXPECT_THAT(std::vector<uint8_t>(p->bytes().begin(), p->bytes().end()),
              ElementsAre(0xe1, 0x87, 0x07));
  EXPECT_THAT(CastTo<int8_t>(*p, DType::kI8), ElementsAre(1, -2, 7, -8, 7));
  EXPECT_THAT(CastTo<float>(*p, DType::kF32), ElementsAre(1.0f, -2.0f, 7.0f, -8.0f, 7.0f));

  Tensor f = Tensor::FromVector<float>(DType::kF32, {4}, {3.9f, -1.0f, 20.0f, 15.0f});
  rt::Result<Tensor> u = Cast(f, DType::kU4);
  ASSERT_TRUE(u.ok());
  EXPECT_THAT(std::vector<uint8_t>(u->bytes().begin(), u->bytes().end()), ElementsAre(0x03, 0xff));
  EXPECT_THAT(CastTo<uint8_t>(*u, DType::kU8), ElementsAre(3, 0, 15, 15));
  // u4 -> i4 saturates 15 to 7.
  EXPECT_THAT(CastTo<int8_t>(*Cast(*u, DType::kI4), DType::kI8), ElementsAre(3, 0, 7, 7));
}

TEST(CastTest, EveryPairOfDTypesRoundTripsSmallIntegers) {
  // 0..5 is exact in every dtype except bool, so a cast there and back is the identity.
  const std::vector<float> values = {0, 1, 2, 3, 4, 5};
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2, 3}, values);
  const DType all[] = {DType::kF32, DType::kF16, DType::kBF16, DType::kI8,  DType::kU8,
                       DType::kI4,  DType::kU4,  DType::kI16,  DType::kI32, DType::kI64};
  for (DType a : all) {
    rt::Result<Tensor> xa = Cast(x, a);
    ASSERT_TRUE(xa.ok());
    for (DType b : all) {
      rt::Result<Tensor> xb = Cast(*xa, b);
      ASSERT_TRUE(xb.ok());
      EXPECT_THAT(CastTo<float>(*xb, DType::kF32), ElementsAreArray(values))
          << rt::DTypeName(a) << " -> " << rt::DTypeName(b);
    }
  }
}

TEST(CastTest, SameDTypeSharesStorage) {
  Tensor x = Tensor::FromVector<float>(DType::kF32, {2}, {1, 2});
  rt::Result<Tensor> y = Cast(x, DType::kF32);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->raw(), x.raw());
}

TEST(CastTest, WidenedDTypes) {
  EXPECT_EQ(WidenedDType(DType::kF16), DType::kF32);
  EXPECT_EQ(WidenedDType(DType::kBF16), DType::kF32);
  EXPECT_EQ(WidenedDType(DType::kI4), DType::kI8);
  EXPECT_EQ(WidenedDType(DType::kU4), DType::kU8);
  EXPECT_EQ(WidenedDType(DType::kI16), DType::kI16);
  EXPECT_EQ(WidenedDType(DType::kBool), DType::kBool);
}

}  // namespace
}  // namespace kiln::ref
