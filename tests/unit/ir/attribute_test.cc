#include "ir/attribute.h"

#include <gtest/gtest.h>

namespace kiln::ir {
namespace {

TEST(AttrMapTest, KeepsEntriesSortedByName) {
  AttrMap m;
  m.Set("strides", std::vector<int64_t>{2, 2});
  m.Set("group", int64_t{1});
  m.Set("auto_pad", std::string("SAME_UPPER"));
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m.entries()[0].first, "auto_pad");
  EXPECT_EQ(m.entries()[1].first, "group");
  EXPECT_EQ(m.entries()[2].first, "strides");
}

TEST(AttrMapTest, SetReplacesAndRemoveDeletes) {
  AttrMap m;
  m.Set("alpha", 0.5);
  m.Set("alpha", 0.25);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.GetFloat("alpha"), 0.25);
  EXPECT_TRUE(m.Remove("alpha"));
  EXPECT_FALSE(m.Remove("alpha"));
  EXPECT_TRUE(m.empty());
}

TEST(AttrMapTest, TypedGettersFallBackOnKindMismatch) {
  AttrMap m;
  m.Set("axis", int64_t{3});
  EXPECT_EQ(m.GetInt("axis"), 3);
  EXPECT_EQ(m.GetFloat("axis", -1.0), -1.0);
  EXPECT_EQ(m.GetInts("missing", {7}), (std::vector<int64_t>{7}));
}

TEST(AttrValueTest, TextForm) {
  EXPECT_EQ(FormatAttrValue(int64_t{-4}), "-4");
  EXPECT_EQ(FormatAttrValue(1e-5), "1e-05");
  EXPECT_EQ(FormatAttrValue(std::string("a\"b\n")), "\"a\\\"b\\n\"");
  EXPECT_EQ(FormatAttrValue(std::vector<int64_t>{1, 2}), "[1,2]");
  EXPECT_EQ(FormatAttrValue(std::vector<double>{0.5, 1.0}), "[0.5,1.0]");
  EXPECT_EQ(FormatAttrValue(std::vector<std::string>{"x"}), "[\"x\"]");
  EXPECT_EQ(FormatAttrValue(std::vector<int64_t>{}), "[]");
}

TEST(AttrValueTest, QuoteEscapesControlBytes) {
  EXPECT_EQ(QuoteString(std::string("\x01\\", 2)), "\"\\x01\\\\\"");
}

}  // namespace
}  // namespace kiln::ir
