#include "runtime/reference/kernels/window.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kiln::ref {
namespace {

using ::testing::HasSubstr;

TEST(WindowTest, ParsesAutoPadInAnyCase) {
  EXPECT_EQ(*ParseAutoPad(""), AutoPad::kNotSet);
  EXPECT_EQ(*ParseAutoPad("NOTSET"), AutoPad::kNotSet);
  EXPECT_EQ(*ParseAutoPad("same_upper"), AutoPad::kSameUpper);
  EXPECT_EQ(*ParseAutoPad("SAME_LOWER"), AutoPad::kSameLower);
  EXPECT_EQ(*ParseAutoPad("Valid"), AutoPad::kValid);
  EXPECT_FALSE(ParseAutoPad("same").ok());
}

TEST(WindowTest, NormalizesToThreeDims) {
  WindowParams p;
  p.kernel = {3, 3};
  p.strides = {2, 2};
  p.pads = {1, 1, 1, 1};
  rt::Result<WindowGeometry> g = ResolveWindow({224, 224}, p);
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->spatial_rank, 2);
  EXPECT_EQ(g->out, (WindowGeometry::Dims{1, 112, 112}));
  EXPECT_EQ(g->out_shape(), (Shape{112, 112}));
  EXPECT_EQ(g->kernel_size(), 9);
}

TEST(WindowTest, SamePadsSplitTheOddPad) {
  WindowParams p;
  p.kernel = {4};
  p.auto_pad = AutoPad::kSameUpper;
  rt::Result<WindowGeometry> g = ResolveWindow({5}, p);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->out[2], 5);
  EXPECT_EQ(g->pad_begin[2], 1);
  EXPECT_EQ(g->pad_end[2], 2);
  p.auto_pad = AutoPad::kSameLower;
  g = ResolveWindow({5}, p);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->pad_begin[2], 2);
  EXPECT_EQ(g->pad_end[2], 1);
}

TEST(WindowTest, RejectsBadAttributes) {
  WindowParams p;
  p.kernel = {3, 3};
  p.pads = {1, 1};
  rt::Result<WindowGeometry> g = ResolveWindow({8, 8}, p);
  ASSERT_FALSE(g.ok());
  EXPECT_THAT(g.status().message(), HasSubstr("pads"));
  p.pads = {};
  p.strides = {0, 1};
  EXPECT_FALSE(ResolveWindow({8, 8}, p).ok());
  p.strides = {};
  EXPECT_FALSE(ResolveWindow({8, 8, 8, 8}, p).ok());
}

}  // namespace
}  // namespace kiln::ref
