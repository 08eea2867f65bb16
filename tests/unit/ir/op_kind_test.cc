#include "ir/op_kind.h"

#include <gtest/gtest.h>

#include <set>

namespace kiln::ir {
namespace {

TEST(OpKindTest, EveryNameParsesBackToItsKind) {
  std::set<std::string_view> names;
  for (int i = 0; i < kNumOpKinds; ++i) {
    auto kind = static_cast<OpKind>(i);
    std::string_view name = OpKindName(kind);
    EXPECT_TRUE(names.insert(name).second) << "duplicate op name " << name;
    EXPECT_EQ(ParseOpKind(name), kind) << name;
  }
  EXPECT_FALSE(ParseOpKind("convv").has_value());
  EXPECT_FALSE(ParseOpKind("").has_value());
}

TEST(OpKindTest, SchemasAreConsistent) {
  for (int i = 0; i < kNumOpKinds; ++i) {
    const OpSchema& s = GetOpSchema(static_cast<OpKind>(i));
    EXPECT_GE(s.min_operands, 0) << s.name;
    EXPECT_TRUE(s.max_operands == -1 || s.max_operands >= s.min_operands) << s.name;
    EXPECT_TRUE(s.max_results == -1 || s.max_results >= s.min_results) << s.name;
    std::set<std::string_view> attrs;
    for (const AttrSchema& a : s.attrs) {
      EXPECT_FALSE(a.name.empty()) << s.name;
      EXPECT_TRUE(attrs.insert(a.name).second) << s.name << "." << a.name;
    }
  }
}

TEST(OpKindTest, SchemaDetails) {
  const OpSchema& conv = GetOpSchema(OpKind::kConv);
  EXPECT_EQ(conv.name, "conv");
  EXPECT_EQ(conv.min_operands, 2);
  EXPECT_EQ(conv.max_operands, 4);  // x, w, bias?, residual?
  ASSERT_NE(conv.FindAttr("strides"), nullptr);
  EXPECT_EQ(conv.FindAttr("strides")->kind, AttrKind::kInts);
  EXPECT_EQ(conv.FindAttr("stride"), nullptr);
  EXPECT_TRUE(GetOpSchema(OpKind::kAdd).has(kCommutative));
  EXPECT_TRUE(GetOpSchema(OpKind::kRelu).has(kShapePreserving));
  EXPECT_FALSE(GetOpSchema(OpKind::kSoftmax).has(kUnaryElementwise));
  EXPECT_EQ(GetOpSchema(OpKind::kIf).num_regions, 2);
  EXPECT_EQ(GetOpSchema(OpKind::kConcat).max_operands, -1);
  EXPECT_TRUE(GetOpSchema(OpKind::kMaxPool).FindAttr("kernel_shape")->required);
}

}  // namespace
}  // namespace kiln::ir
