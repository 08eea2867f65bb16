#include "ir/number_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace kiln::ir {
namespace {

TEST(NumberFormatTest, FloatsAlwaysLookLikeFloats) {
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(-3.0), "-3.0");
  EXPECT_EQ(FormatDouble(1e-5), "1e-05");
  EXPECT_EQ(FormatFloat(0.1f), "0.1");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(FormatDouble(std::nan("")), "nan");
}

TEST(NumberFormatTest, DoublesRoundTripExactly) {
  for (double v : {0.1, 1.0 / 3.0, 6.02214076e23, -2.5e-300, 123456789.125, 0.0}) {
    auto parsed = ParseDouble(FormatDouble(v));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, v);
  }
}

TEST(NumberFormatTest, FloatsRoundTripExactlyThroughDouble) {
  for (float v : {0.1f, 1.0f / 3.0f, 3.4028235e38f, 1.17549435e-38f, 1e-45f}) {
    auto parsed = ParseDouble(FormatFloat(v));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(static_cast<float>(*parsed), v);
  }
}

TEST(NumberFormatTest, ParseRejectsGarbage) {
  EXPECT_FALSE(ParseDouble("").has_value());
  EXPECT_FALSE(ParseDouble("1.0x").has_value());
  EXPECT_FALSE(ParseDouble("abc").has_value());
  EXPECT_TRUE(std::isnan(*ParseDouble("nan")));
}

}  // namespace
}  // namespace kiln::ir
