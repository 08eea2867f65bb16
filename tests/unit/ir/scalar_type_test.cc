#include "ir/scalar_type.h"

#include <gtest/gtest.h>

namespace kiln::ir {
namespace {

TEST(ScalarTypeTest, NamesRoundTrip) {
  for (int i = 0; i < kNumScalarTypes; ++i) {
    auto t = static_cast<ScalarType>(i);
    EXPECT_EQ(ParseScalarType(ScalarTypeName(t)), t) << ScalarTypeName(t);
  }
  EXPECT_FALSE(ParseScalarType("f33").has_value());
  EXPECT_FALSE(ParseScalarType("").has_value());
}

TEST(ScalarTypeTest, Properties) {
  EXPECT_EQ(BitWidth(ScalarType::kI4), 4);
  EXPECT_EQ(BitWidth(ScalarType::kBF16), 16);
  EXPECT_TRUE(IsFloat(ScalarType::kF16));
  EXPECT_FALSE(IsFloat(ScalarType::kI8));
  EXPECT_TRUE(IsSigned(ScalarType::kI4));
  EXPECT_FALSE(IsSigned(ScalarType::kU4));
  EXPECT_TRUE(IsInteger(ScalarType::kU8));
  EXPECT_FALSE(IsInteger(ScalarType::kBool));
}

TEST(ScalarTypeTest, StorageBytesPacksSubByteTypes) {
  EXPECT_EQ(StorageBytes(ScalarType::kI4, 3), 2);
  EXPECT_EQ(StorageBytes(ScalarType::kU4, 4), 2);
  EXPECT_EQ(StorageBytes(ScalarType::kF32, 5), 20);
  EXPECT_EQ(StorageBytes(ScalarType::kBool, 3), 3);
  EXPECT_EQ(StorageBytes(ScalarType::kI64, 0), 0);
}

}  // namespace
}  // namespace kiln::ir
