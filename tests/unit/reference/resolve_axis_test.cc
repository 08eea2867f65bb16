#include "runtime/reference/kernels/resolve_axis.h"

#include <gtest/gtest.h>

namespace kiln::ref {
namespace {

TEST(ResolveAxisTest, NegativeAxesCountFromTheEnd) {
  EXPECT_EQ(*ResolveAxis(-1, 4, "t"), 3);
  EXPECT_EQ(*ResolveAxis(-4, 4, "t"), 0);
  EXPECT_EQ(*ResolveAxis(2, 4, "t"), 2);
}

TEST(ResolveAxisTest, OutOfRangeIsAnError) {
  EXPECT_FALSE(ResolveAxis(4, 4, "t").ok());
  EXPECT_FALSE(ResolveAxis(-5, 4, "t").ok());
  EXPECT_FALSE(ResolveAxis(0, 0, "t").ok());
}

TEST(ResolveAxisTest, RepeatedAxesAreAnError) {
  EXPECT_EQ(*ResolveAxes(std::vector<int64_t>{0, -1}, 3, "t"), (std::vector<int>{0, 2}));
  rt::Result<std::vector<int>> r = ResolveAxes(std::vector<int64_t>{2, -1}, 3, "squeeze");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("repeated"), std::string::npos);
}

}  // namespace
}  // namespace kiln::ref
