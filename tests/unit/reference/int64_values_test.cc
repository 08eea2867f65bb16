#include "runtime/reference/kernels/int64_values.h"

#include <gtest/gtest.h>

namespace kiln::ref {
namespace {

TEST(Int64ValuesTest, WidensEveryIntegerType) {
  EXPECT_EQ(*ReadInt64Values(Tensor::FromVector<int32_t>(DType::kI32, {3}, {1, -2, 3}), "x"),
            (std::vector<int64_t>{1, -2, 3}));
  EXPECT_EQ(*ReadInt64Values(Tensor::FromVector<int64_t>(DType::kI64, {1}, {INT64_MAX}), "x"),
            (std::vector<int64_t>{INT64_MAX}));
  EXPECT_EQ(*ReadInt64Values(Tensor::FromVector<uint8_t>(DType::kU8, {2}, {255, 0}), "x"),
            (std::vector<int64_t>{255, 0}));
  EXPECT_TRUE(ReadInt64Values(Tensor::FromVector<int64_t>(DType::kI64, {0}, {}), "x")->empty());
}

TEST(Int64ValuesTest, RejectsFloats) {
  rt::Result<std::vector<int64_t>> r =
      ReadInt64Values(Tensor::FromVector<float>(DType::kF32, {1}, {1.0f}), "reshape shape");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("reshape shape"), std::string::npos);
}

}  // namespace
}  // namespace kiln::ref
