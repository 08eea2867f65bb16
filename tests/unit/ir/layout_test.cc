// The `layout` attribute of conv and pooling ops (ir/layout.h): its accessors, and what the
// verifier accepts and rejects for NHWC ops (weights in XNNPACK's layouts, rank 4 only).
#include "ir/layout.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ir/parser.h"
#include "ir/verifier.h"

namespace kiln::ir {
namespace {

using ::testing::HasSubstr;

// The verifier's verdict on one graph in textual form ("" when it verifies).
std::string VerifyText(const std::string& kir) {
  Context ctx;
  Expected<std::unique_ptr<Graph>> g = ParseGraph(kir, "test.kir", ctx);
  if (!g) return "parse: " + g.error().message();
  Status s = VerifyGraph(**g);
  return s.ok() ? "" : s.message();
}

// One op `body` (reading %x and, unless `w` is empty, %w) in a graph with inputs `x` and `w`
// and output `y`. The weight is an input: the verifier needs only its type.
std::string OneOp(const std::string& x, const std::string& w, const std::string& body,
                  const std::string& y) {
  return "graph @g(%x: f32" + x + (w.empty() ? "" : ", %w: f32" + w) + ") -> (f32" + y +
         ") {\n  %y = " + body + " : f32" + y + "\n  return %y\n}\n";
}

TEST(LayoutTest, AttributeAccessors) {
  Context ctx;
  Expected<std::unique_ptr<Graph>> g = ParseGraph(
      "graph @g(%x: f32[1,4,4,3]) -> (f32[1,1,1,3]) {\n"
      "  %y = global_average_pool(%x) {layout=\"NHWC\"} : f32[1,1,1,3]\n  return %y\n}\n",
      "t.kir", ctx);
  ASSERT_TRUE(g.ok()) << g.error().message();
  Op* pool = *(*g)->ops().begin();
  EXPECT_TRUE(HasLayoutAttr(pool->kind()));
  EXPECT_FALSE(HasLayoutAttr(OpKind::kRelu));
  EXPECT_TRUE(IsChannelsLast(*pool));
  SetLayout(*pool, Layout::kNchw);
  EXPECT_FALSE(pool->attrs().Has("layout")) << "NCHW is the default, spelled by absence";
  EXPECT_EQ(*GetLayout(*pool), Layout::kNchw);
  SetLayout(*pool, Layout::kNhwc);
  EXPECT_EQ(pool->attrs().GetString("layout"), "NHWC");
  pool->attrs().Set("layout", std::string("NCWH"));
  EXPECT_FALSE(GetLayout(*pool).ok());
  EXPECT_FALSE(IsChannelsLast(*pool));

  EXPECT_EQ(NhwcConvWeightForm(1, 1), NhwcWeightForm::kOhwi);  // one output channel
  EXPECT_EQ(NhwcConvWeightForm(8, 1), NhwcWeightForm::kDepthwise);
  EXPECT_EQ(NhwcConvWeightForm(8, 16), NhwcWeightForm::kOhwi);  // grouped
  EXPECT_EQ(NhwcConvWeightForm(8, std::nullopt), NhwcWeightForm::kOhwi);
  EXPECT_EQ(ChannelAxis(Layout::kNhwc, 4), 3);
  EXPECT_EQ(ChannelAxis(Layout::kNchw, 4), 1);
}

TEST(LayoutTest, VerifierAcceptsNhwcConvs) {
  // Ordinary: OHWI [8, 3, 3, 4]; strided and padded.
  EXPECT_EQ(VerifyText(OneOp("[N,9,9,4]", "[8,3,3,4]",
                             "conv(%x, %w) {layout=\"NHWC\", pads=[1,1,1,1], strides=[2,2]}",
                             "[N,5,5,8]")),
            "");
  // Grouped: group 2, C_in 4, C_in/g 2, C_out 6.
  EXPECT_EQ(
      VerifyText(OneOp("[N,5,5,4]", "[6,3,3,2]",
                       "conv(%x, %w) {group=2, kernel_shape=[3,3], layout=\"NHWC\"}", "[N,3,3,6]")),
      "");
  // Depthwise with a channel multiplier of 2: [1, kh, kw, C_out].
  EXPECT_EQ(VerifyText(OneOp("[N,5,5,4]", "[1,3,3,8]", "conv(%x, %w) {group=4, layout=\"NHWC\"}",
                             "[N,3,3,8]")),
            "");
  // Depthwise also in the OHWI form [C_out, kh, kw, 1].
  EXPECT_EQ(VerifyText(OneOp("[N,5,5,4]", "[4,3,3,1]", "conv(%x, %w) {group=4, layout=\"NHWC\"}",
                             "[N,3,3,4]")),
            "");
  // A bias [C_out] and a residual of the result's (NHWC) type.
  EXPECT_EQ(VerifyText("graph @g(%x: f32[1,5,5,4], %r: f32[1,5,5,4], %w: f32[1,3,3,4], "
                       "%b: f32[4]) -> (f32[1,5,5,4]) {\n"
                       "  %y = conv(%x, %w, %b, %r) {activation=\"relu\", group=4, "
                       "layout=\"NHWC\", pads=[1,1,1,1]} : f32[1,5,5,4]\n  return %y\n}\n"),
            "");
}

TEST(LayoutTest, VerifierRejectsBadNhwcConvs) {
  // The NCHW reading of the same weight: C_in 3 x group 1 is not the input's 4 channels.
  EXPECT_THAT(
      VerifyText(OneOp("[N,5,5,4]", "[8,3,3,3]", "conv(%x, %w) {layout=\"NHWC\"}", "[N,3,3,8]")),
      HasSubstr("operand 1 has 3 input channels x group 1, but the input has 4"));
  // Depthwise weight, but group is not the input's channel count.
  EXPECT_THAT(VerifyText(OneOp("[N,5,5,4]", "[1,3,3,8]", "conv(%x, %w) {group=2, layout=\"NHWC\"}",
                               "[N,3,3,8]")),
              HasSubstr("depthwise weight"));
  // Output channels not a multiple of group.
  EXPECT_THAT(VerifyText(OneOp("[N,5,5,4]", "[3,3,3,2]", "conv(%x, %w) {group=2, layout=\"NHWC\"}",
                               "[N,3,3,3]")),
              HasSubstr("not a multiple of group 2"));
  // Result channels are last.
  EXPECT_THAT(
      VerifyText(OneOp("[N,5,5,4]", "[8,3,3,4]", "conv(%x, %w) {layout=\"NHWC\"}", "[N,8,3,3]")),
      HasSubstr("result 0 has 3 channels, but the weight gives 8"));
  EXPECT_THAT(VerifyText(OneOp("[N,5,5,4]", "[8,3,3,4]",
                               "conv(%x, %w) {kernel_shape=[2,2], layout=\"NHWC\"}", "[N,4,4,8]")),
              HasSubstr("kernel_shape [2,2] does not match"));
  // Rank 4 only.
  EXPECT_THAT(VerifyText(OneOp("[N,5,4]", "[8,3,4]", "conv(%x, %w) {layout=\"NHWC\"}", "[N,3,8]")),
              HasSubstr("layout \"NHWC\" takes [N,H,W,C] only"));
  // conv_transpose is NCHW only; unknown spellings are errors.
  EXPECT_THAT(VerifyText(OneOp("[N,5,5,4]", "[4,2,3,3]", "conv_transpose(%x, %w) {layout=\"NHWC\"}",
                               "[N,7,7,2]")),
              HasSubstr("not supported by conv_transpose"));
  EXPECT_THAT(
      VerifyText(OneOp("[N,4,5,5]", "[8,4,3,3]", "conv(%x, %w) {layout=\"nhwc\"}", "[N,8,3,3]")),
      HasSubstr("layout \"nhwc\" is not \"NCHW\" or \"NHWC\""));
}

TEST(LayoutTest, VerifierChecksPools) {
  EXPECT_EQ(VerifyText(OneOp("[N,6,6,4]", "",
                             "max_pool(%x) {kernel_shape=[3,3], layout=\"NHWC\", pads=[1,1,1,1], "
                             "strides=[2,2]}",
                             "[N,3,3,4]")),
            "");
  EXPECT_EQ(
      VerifyText(OneOp("[N,6,6,4]", "", "global_max_pool(%x) {layout=\"NHWC\"}", "[N,1,1,4]")), "");
  EXPECT_THAT(
      VerifyText(OneOp("[N,6,6,4]", "", "average_pool(%x) {kernel_shape=[2,2], layout=\"NHWC\"}",
                       "[N,4,5,5]")),
      HasSubstr("the input's channels give [N,6,6,4]"));
  EXPECT_THAT(
      VerifyText(OneOp("[N,6,6,4]", "", "global_average_pool(%x) {layout=\"NHWC\"}", "[N,1,4,1]")),
      HasSubstr("channels"));
  EXPECT_THAT(VerifyText(OneOp("[N,4,6,6]", "", "global_average_pool(%x)", "[N,4,2,1]")),
              HasSubstr("gives spatial dims of 1"));
  EXPECT_THAT(
      VerifyText(OneOp("[N,6,4]", "", "global_average_pool(%x) {layout=\"NHWC\"}", "[N,1,4]")),
      HasSubstr("takes [N,H,W,C] only"));
  // max_pool's indices are NCHW only.
  EXPECT_THAT(VerifyText("graph @g(%x: f32[1,4,4,2]) -> (f32[1,2,2,2]) {\n"
                         "  %y, %i = max_pool(%x) {kernel_shape=[2,2], layout=\"NHWC\", "
                         "strides=[2,2]} : f32[1,2,2,2], i64[1,2,2,2]\n  return %y\n}\n"),
              HasSubstr("indices"));
}

}  // namespace
}  // namespace kiln::ir
