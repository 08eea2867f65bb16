#include "passes/fusion/fuse_pad_conv.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::Kinds;
using testing::KindsAfter;
using testing::Values;

using testing::IsIdempotent;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;

// pad(%x [N,2,5,5]) with the `pad_operands` after %x and `pad_attrs`, giving `padded`; then
// conv(%p, %w [3,2,3,3]) with `conv_attrs`, giving `out`.
struct PadConv {
  std::string pad_operands = "%pads";
  std::string pads = "[0, 0, 1, 1, 0, 0, 1, 1]";
  int pads_count = 8;
  std::string pad_attrs;
  std::string padded = "f32[N,2,7,7]";
  std::string conv_attrs;
  std::string out = "f32[N,3,5,5]";
  std::string extra_lines;      // more constants
  std::string extra_constants;  // their pool entries

  std::string Kir() const {
    return "graph @g(%x: f32[N,2,5,5]) -> (" + out + ") {\n  %w = const @w : f32[3,2,3,3]\n" +
           "  %pads = const @pads : i64[" + std::to_string(pads_count) + "]\n" + extra_lines +
           "  %p = pad(%x, " + pad_operands + ") " + pad_attrs + " : " + padded +
           "\n  %y = conv(%p, %w) " + conv_attrs + " : " + out +
           "\n  return %y\n}\nconstants {\n  @w = " + Values(54, 1) + "\n  @pads = " + pads + "\n" +
           extra_constants + "}\n";
  }
};

TEST(FusePadConvTest, SymmetricPadding) {
  std::string kir = PadConv{}.Kir();
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-pad-conv", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, "fuse-pad-conv"));
  EXPECT_EQ(KindsAfter(kir, "fuse-pad-conv"), Kinds{"conv"});
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fuse-pad-conv").ok());
  const ir::Op* conv = *g->ops().begin();
  EXPECT_EQ(conv->attrs().GetInts("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(conv->operand(0), g->input(0));
}

TEST(FusePadConvTest, AddsToTheConvsOwnPadsAsymmetrically) {
  PadConv c;
  c.pads = "[0, 0, 1, 2, 0, 0, 0, 1]";  // H: 1 before, 0 after; W: 2 before, 1 after
  c.padded = "f32[N,2,6,8]";
  c.conv_attrs = "{pads=[1,0,0,1], strides=[2,1], dilations=[1,2]}";
  c.out = "f32[N,3,3,5]";
  std::string kir = c.Kir();
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-pad-conv", {.dims = {{"N", 2}}}));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fuse-pad-conv").ok());
  EXPECT_EQ((*g->ops().begin())->attrs().GetInts("pads"), (std::vector<int64_t>{2, 2, 0, 2}));
}

TEST(FusePadConvTest, ExplicitZeroValueAndAxes) {
  PadConv zero;
  zero.pad_operands = "%pads, %zero";
  zero.pad_attrs = "{mode=\"constant\"}";
  zero.extra_lines = "  %zero = const @zero : f32[]\n";
  zero.extra_constants = "  @zero = [0.0]\n";
  EXPECT_TRUE(PreservesNumerics(zero.Kir(), "fuse-pad-conv"));
  EXPECT_EQ(KindsAfter(zero.Kir(), "fuse-pad-conv"), Kinds{"conv"});

  PadConv axes;
  axes.pad_operands = "%pads, _, %axes";
  axes.pads = "[1, 2, 1, 0]";  // axes [-1, 2]: W 1 before, 0 after; H 2 before, 1 after
  axes.pads_count = 4;
  axes.padded = "f32[N,2,8,6]";
  axes.out = "f32[N,3,6,4]";
  axes.extra_lines = "  %axes = const @axes : i64[2]\n";
  axes.extra_constants = "  @axes = [-1, 2]\n";
  EXPECT_TRUE(PreservesNumerics(axes.Kir(), "fuse-pad-conv", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(axes.Kir(), "fuse-pad-conv"));
  EXPECT_EQ(KindsAfter(axes.Kir(), "fuse-pad-conv"), Kinds{"conv"});
}

TEST(FusePadConvTest, EveryConvReadingThePadChanges) {
  std::string kir =
      "graph @g(%x: f32[N,2,4,4]) -> (f32[N,3,4,4], f32[N,3,6,6]) {\n"
      "  %w = const @w : f32[3,2,3,3]\n  %w1 = const @w1 : f32[3,2,1,1]\n"
      "  %pads = const @pads : i64[8]\n"
      "  %p = pad(%x, %pads) : f32[N,2,6,6]\n"
      "  %a = conv(%p, %w) : f32[N,3,4,4]\n  %b = conv(%p, %w1) : f32[N,3,6,6]\n"
      "  return %a, %b\n}\nconstants {\n  @w = " +
      Values(54, 2) + "\n  @w1 = " + Values(6, 3) + "\n  @pads = [0, 0, 1, 1, 0, 0, 1, 1]\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-pad-conv"));
  EXPECT_EQ(KindsAfter(kir, "fuse-pad-conv"), (Kinds{"conv", "conv"}));
}

TEST(FusePadConvTest, Conv1dAnd3d) {
  std::string conv1d =
      "graph @g(%x: f32[N,2,6]) -> (f32[N,3,7]) {\n"
      "  %w = const @w : f32[3,2,3]\n  %pads = const @pads : i64[6]\n"
      "  %p = pad(%x, %pads) : f32[N,2,9]\n  %y = conv(%p, %w) : f32[N,3,7]\n"
      "  return %y\n}\nconstants {\n  @w = " +
      Values(18, 4) + "\n  @pads = [0, 0, 2, 0, 0, 1]\n}\n";
  EXPECT_TRUE(PreservesNumerics(conv1d, "fuse-pad-conv", {.dims = {{"N", 3}}}));
  EXPECT_EQ(KindsAfter(conv1d, "fuse-pad-conv"), Kinds{"conv"});
  std::string conv3d =
      "graph @g(%x: f32[1,1,2,2,2]) -> (f32[1,1,3,3,3]) {\n"
      "  %w = const @w : f32[1,1,2,2,2]\n  %pads = const @pads : i64[10]\n"
      "  %p = pad(%x, %pads) : f32[1,1,4,4,4]\n  %y = conv(%p, %w) : f32[1,1,3,3,3]\n"
      "  return %y\n}\nconstants {\n  @w = " +
      Values(8, 5) + "\n  @pads = [0, 0, 1, 1, 1, 0, 0, 1, 1, 1]\n}\n";
  EXPECT_TRUE(PreservesNumerics(conv3d, "fuse-pad-conv"));
  EXPECT_EQ(KindsAfter(conv3d, "fuse-pad-conv"), Kinds{"conv"});
}

TEST(FusePadConvTest, LeavesOtherPadsAlone) {
  std::vector<std::pair<std::string, PadConv>> cases;
  PadConv reflect;
  reflect.pad_attrs = "{mode=\"reflect\"}";
  cases.emplace_back("reflect", reflect);
  PadConv one;
  one.pad_operands = "%pads, %one";
  one.extra_lines = "  %one = const @one : f32[]\n";
  one.extra_constants = "  @one = [1.0]\n";
  cases.emplace_back("nonzero_value", one);
  PadConv crop;
  crop.pads = "[0, 0, -1, 0, 0, 0, 0, 0]";
  crop.padded = "f32[N,2,4,5]";
  crop.out = "f32[N,3,2,3]";
  cases.emplace_back("negative", crop);
  PadConv same;
  same.conv_attrs = "{auto_pad=\"SAME_UPPER\"}";
  same.out = "f32[N,3,7,7]";
  cases.emplace_back("auto_pad", same);
  for (const auto& [name, c] : cases) {
    EXPECT_TRUE(PreservesNumerics(c.Kir(), "fuse-pad-conv", {.expect_change = false})) << name;
    EXPECT_EQ(KindsAfter(c.Kir(), "fuse-pad-conv"), (Kinds{"pad", "conv"})) << name;
  }
  // Another user that is not a conv (an average pool would count the pads as zeros).
  std::string pool =
      "graph @g(%x: f32[N,2,5,5]) -> (f32[N,3,5,5], f32[N,2,5,5]) {\n"
      "  %w = const @w : f32[3,2,3,3]\n  %pads = const @pads : i64[8]\n"
      "  %p = pad(%x, %pads) : f32[N,2,7,7]\n  %y = conv(%p, %w) : f32[N,3,5,5]\n"
      "  %a = average_pool(%p) {kernel_shape=[3,3]} : f32[N,2,5,5]\n"
      "  return %y, %a\n}\nconstants {\n  @w = " +
      Values(54, 1) + "\n  @pads = [0, 0, 1, 1, 0, 0, 1, 1]\n}\n";
  EXPECT_TRUE(PreservesNumerics(pool, "fuse-pad-conv", {.expect_change = false}));
  EXPECT_EQ(KindsAfter(pool, "fuse-pad-conv"), (Kinds{"pad", "conv", "average_pool"}));
}

}  // namespace
}  // namespace kiln
