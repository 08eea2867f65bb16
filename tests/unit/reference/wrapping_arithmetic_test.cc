#include "runtime/reference/kernels/wrapping_arithmetic.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace kiln::ref {
namespace {

TEST(WrappingArithmeticTest, IntegersWrapAroundTheirWidth) {
  EXPECT_EQ(WrappingAdd<int32_t>(std::numeric_limits<int32_t>::max(), 1),
            std::numeric_limits<int32_t>::min());
  EXPECT_EQ(WrappingAdd<int64_t>(std::numeric_limits<int64_t>::min(), -1),
            std::numeric_limits<int64_t>::max());
  EXPECT_EQ(WrappingAdd<int8_t>(100, 100), static_cast<int8_t>(-56));
  EXPECT_EQ(WrappingAdd<uint8_t>(200, 100), 44);
  EXPECT_EQ(WrappingMul<int16_t>(300, 300), static_cast<int16_t>(90000 - 65536 * 1));
  EXPECT_EQ(WrappingMul<int64_t>(int64_t{1} << 62, 4), 0);
  EXPECT_EQ(WrappingMul<int32_t>(-7, 6), -42);
}

TEST(WrappingArithmeticTest, FloatsAndBools) {
  EXPECT_EQ(WrappingAdd(1.5f, 2.25f), 3.75f);
  EXPECT_EQ(WrappingMul(1.5f, -2.0f), -3.0f);
  EXPECT_TRUE(WrappingAdd(true, false));
  EXPECT_FALSE(WrappingMul(true, false));
  EXPECT_TRUE(WrappingMul(true, true));
}

}  // namespace
}  // namespace kiln::ref
