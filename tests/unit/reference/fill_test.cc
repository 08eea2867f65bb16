#include "runtime/reference/kernels/fill.h"

#include <gtest/gtest.h>

#include <vector>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<T> Values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.num_elements());
}

TEST(FillTest, FloatAndIntegerTypes) {
  rt::Result<Tensor> y = Fill(DType::kF32, {2, 2}, 0.5);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<float>(*y), (std::vector<float>(4, 0.5f)));
  y = Fill(DType::kI64, {3}, 7.9);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(Values<int64_t>(*y), (std::vector<int64_t>(3, 7)));  // truncates toward zero
  y = Fill(DType::kI8, {1}, -1000);
  EXPECT_EQ(Values<int8_t>(*y), (std::vector<int8_t>{-128}));  // saturates
  y = Fill(DType::kBool, {2}, 2.0);
  EXPECT_EQ(Values<uint8_t>(*y), (std::vector<uint8_t>{1, 1}));
}

TEST(FillTest, HalfFloatBits) {
  rt::Result<Tensor> y = Fill(DType::kF16, {1}, 1.0);
  EXPECT_EQ(Values<uint16_t>(*y), (std::vector<uint16_t>{0x3c00}));
  y = Fill(DType::kBF16, {1}, 3.0);
  EXPECT_EQ(Values<uint16_t>(*y), (std::vector<uint16_t>{0x4040}));
}

TEST(FillTest, SubByteTypesArePacked) {
  rt::Result<Tensor> y = Fill(DType::kI4, {3}, -2);
  ASSERT_TRUE(y.ok());
  ASSERT_EQ(y->num_bytes(), 2);
  EXPECT_EQ(y->data<uint8_t>()[0], 0xee);
  EXPECT_EQ(y->data<uint8_t>()[1] & 0x0f, 0x0e);
}

TEST(FillTest, ScalarAndEmpty) {
  rt::Result<Tensor> y = Fill(DType::kI32, {}, 4);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->num_elements(), 1);
  EXPECT_EQ(*y->data<int32_t>(), 4);
  y = Fill(DType::kI32, {0, 5}, 4);
  ASSERT_TRUE(y.ok());
  EXPECT_EQ(y->num_elements(), 0);
}

}  // namespace
}  // namespace kiln::ref
