#include "passes/fusion/fuse_residual_add.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/fused_activation.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::IsIdempotent;
using testing::Kinds;
using testing::KindsAfter;
using testing::ParseOrDie;
using testing::PreservesNumerics;
using testing::RunPipelineOn;
using testing::Values;

constexpr std::string_view kPass = "fuse-residual-add";
constexpr std::string_view kThenActivation = "fuse-residual-add,fuse-activation";

// A resnet basic block after -O2: conv+relu, conv, add of the block's input, relu.
std::string ResNetBlock(std::string_view add = "add(%c2, %x)") {
  return "graph @g(%x: f32[N,3,5,5]) -> (f32[N,3,5,5]) {\n"
         "  %w1 = const @w1 : f32[3,3,3,3]\n  %b1 = const @b1 : f32[3]\n"
         "  %w2 = const @w2 : f32[3,3,3,3]\n  %b2 = const @b2 : f32[3]\n"
         "  %c1 = conv(%x, %w1, %b1) {activation=\"relu\", pads=[1,1,1,1]} : f32[N,3,5,5]\n"
         "  %c2 = conv(%c1, %w2, %b2) {pads=[1,1,1,1]} : f32[N,3,5,5]\n"
         "  %s = " +
         std::string(add) +
         " : f32[N,3,5,5]\n"
         "  %y = relu(%s) : f32[N,3,5,5]\n  return %y\n}\n"
         "constants {\n  @w1 = " +
         Values(81, 1) + "\n  @b1 = " + Values(3, 2) + "\n  @w2 = " + Values(81, 3) +
         "\n  @b2 = " + Values(3, 4) + "\n}\n";
}

// A resnet downsample block: the main branch's conv and a 1x1 conv of the block's input.
std::string DownsampleBlock(std::string_view add) {
  return "graph @g(%x: f32[N,2,4,4]) -> (f32[N,3,2,2]) {\n"
         "  %w1 = const @w1 : f32[3,2,3,3]\n  %w2 = const @w2 : f32[3,2,1,1]\n"
         "  %b = const @b : f32[3]\n"
         "  %c1 = conv(%x, %w1, %b) {pads=[1,1,1,1], strides=[2,2]} : f32[N,3,2,2]\n"
         "  %c2 = conv(%x, %w2) {strides=[2,2]} : f32[N,3,2,2]\n"
         "  %s = " +
         std::string(add) +
         " : f32[N,3,2,2]\n  %y = relu(%s) : f32[N,3,2,2]\n  return %y\n}\n"
         "constants {\n  @w1 = " +
         Values(54, 5) + "\n  @w2 = " + Values(6, 6) + "\n  @b = " + Values(3, 7) + "\n}\n";
}

// A transformer block's two residuals, as -O2 leaves them (linears, layer norms, gelu).
std::string TransformerBlock() {
  return "graph @g(%x: f32[N,S,4]) -> (f32[N,S,4]) {\n"
         "  %g = const @g : f32[4]\n"
         "  %wo = const @wo : f32[4,4]\n  %bo = const @bo : f32[4]\n"
         "  %w1 = const @w1 : f32[4,8]\n  %b1 = const @b1 : f32[8]\n"
         "  %w2 = const @w2 : f32[8,4]\n  %b2 = const @b2 : f32[4]\n"
         "  %n1 = layer_norm(%x, %g) {axis=-1, epsilon=1e-05} : f32[N,S,4]\n"
         "  %a = linear(%n1, %wo, %bo) : f32[N,S,4]\n"
         "  %h = add(%x, %a) : f32[N,S,4]\n"
         "  %n2 = layer_norm(%h, %g) {axis=-1, epsilon=1e-05} : f32[N,S,4]\n"
         "  %m = linear(%n2, %w1, %b1) {activation=\"gelu\"} : f32[N,S,8]\n"
         "  %o = linear(%m, %w2, %b2) : f32[N,S,4]\n"
         "  %y = add(%h, %o) : f32[N,S,4]\n  return %y\n}\n"
         "constants {\n  @g = " +
         Values(4, 8, 0.5, 1.5) + "\n  @wo = " + Values(16, 9) + "\n  @bo = " + Values(4, 10) +
         "\n  @w1 = " + Values(32, 11) + "\n  @b1 = " + Values(8, 12) +
         "\n  @w2 = " + Values(32, 13) + "\n  @b2 = " + Values(4, 14) + "\n}\n";
}

TEST(FuseResidualAddTest, ResNetBlock) {
  for (std::string_view add : {"add(%c2, %x)", "add(%x, %c2)"}) {
    SCOPED_TRACE(add);
    const std::string kir = ResNetBlock(add);
    EXPECT_TRUE(PreservesNumerics(kir, kPass, {.dims = {{"N", 3}}}));
    EXPECT_TRUE(IsIdempotent(kir, kPass));
    EXPECT_EQ(KindsAfter(kir, kPass), (Kinds{"conv", "conv", "relu"}));
    // fuse-activation then takes the relu after the residual add into the conv.
    EXPECT_TRUE(PreservesNumerics(kir, kThenActivation, {.dims = {{"N", 3}}}));
    EXPECT_TRUE(IsIdempotent(kir, kThenActivation));
    EXPECT_EQ(KindsAfter(kir, kThenActivation), (Kinds{"conv", "conv"}));
  }
}

TEST(FuseResidualAddTest, TheConvTakesOverTheAddsResultAndTheResidualIsOperand3) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(ResNetBlock("add(%x, %c2)"), ctx);
  ASSERT_TRUE(RunPipelineOn(*g, kThenActivation).ok());
  ASSERT_EQ(g->num_ops(), 2u);
  const ir::Op* conv = *std::next(g->ops().begin());
  EXPECT_EQ(g->output(0), conv->result(0));
  EXPECT_EQ(conv->result(0)->name(), "y");
  ASSERT_EQ(conv->num_operands(), 4);
  EXPECT_EQ(ir::ResidualOf(*conv), g->input(0));
  Expected<ir::FusedActivation> a = ir::GetFusedActivation(*conv);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->kind, ir::ActivationKind::kRelu);
}

TEST(FuseResidualAddTest, TwoConvsTheLaterTakesTheEarlierAsResidual) {
  for (std::string_view add : {"add(%c1, %c2)", "add(%c2, %c1)"}) {
    SCOPED_TRACE(add);
    const std::string kir = DownsampleBlock(add);
    EXPECT_TRUE(PreservesNumerics(kir, kThenActivation, {.dims = {{"N", 2}}}));
    EXPECT_TRUE(IsIdempotent(kir, kPass));
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    ASSERT_TRUE(RunPipelineOn(*g, kPass).ok());
    ASSERT_EQ(g->num_ops(), 3u);
    const ir::Op* first = *g->ops().begin();
    const ir::Op* second = *std::next(g->ops().begin());
    EXPECT_EQ(ir::ResidualOf(*first), nullptr);
    EXPECT_EQ(ir::ResidualOf(*second), first->result(0));
    EXPECT_EQ(second->operand(2), nullptr);  // the 1x1 conv has no bias: `_`
  }
}

TEST(FuseResidualAddTest, TransformerLinears) {
  const std::string kir = TransformerBlock();
  const testing::NumericsOptions o{.dims = {{"N", 2}, {"S", 3}}};
  EXPECT_TRUE(PreservesNumerics(kir, kPass, o));
  EXPECT_TRUE(PreservesNumerics(kir, kThenActivation, o));
  EXPECT_TRUE(IsIdempotent(kir, kPass));
  EXPECT_EQ(KindsAfter(kir, kPass),
            (Kinds{"layer_norm", "linear", "layer_norm", "linear", "linear"}));
}

TEST(FuseResidualAddTest, LeavesOtherAddsAlone) {
  const std::string w = "\nconstants {\n  @w = " + Values(9, 3) + "\n}\n";
  struct Case {
    std::string name, kir;
  };
  const std::vector<Case> cases = {
      {"two_users",
       "graph @g(%x: f32[N,2,3], %r: f32[N,2,3]) -> (f32[N,2,3], f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[N,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y, %l\n}" +
           w},
      {"activation_before_the_add",
       "graph @g(%x: f32[N,2,3], %r: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) {activation=\"relu\"} : f32[N,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"already_a_residual",
       "graph @g(%x: f32[N,2,3], %r: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w, _, %r) : f32[N,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"broadcast_residual",
       "graph @g(%x: f32[N,2,3], %r: f32[3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[N,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"broadcast_linear",
       "graph @g(%x: f32[1,2,3], %r: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[1,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"residual_defined_later",
       "graph @g(%x: f32[N,2,3], %r: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[N,2,3]\n"
       "  %e = exp(%r) : f32[N,2,3]\n  %y = add(%l, %e) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"not_conv_or_linear",
       "graph @g(%x: f32[N,2,3], %r: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = matmul(%x, %w) : f32[N,2,3]\n"
       "  %y = add(%l, %r) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"same_value_twice",
       "graph @g(%x: f32[N,2,3]) -> (f32[N,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[N,2,3]\n"
       "  %y = add(%l, %l) : f32[N,2,3]\n  return %y\n}" +
           w},
      {"unranked",
       "graph @g(%x: f32[N,2,3], %r: f32[*]) -> (f32[*]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[*]\n"
       "  %y = add(%l, %r) : f32[*]\n  return %y\n}" +
           w},
      {"unknown_dims",  // ? may be 1 in one value and 2 in the other
       "graph @g(%x: f32[?,2,3], %r: f32[?,2,3]) -> (f32[?,2,3]) {\n"
       "  %w = const @w : f32[3,3]\n  %l = linear(%x, %w) : f32[?,2,3]\n"
       "  %y = add(%l, %r) : f32[?,2,3]\n  return %y\n}" +
           w},
  };
  for (const Case& c : cases) {
    if (c.name == "unknown_dims") {  // random inputs need sizes for `?`
      EXPECT_EQ(KindsAfter(c.kir, kPass), (Kinds{"linear", "add"}));
      continue;
    }
    EXPECT_TRUE(PreservesNumerics(c.kir, kPass, {.expect_change = false})) << c.name;
    EXPECT_EQ(KindsAfter(c.kir, kPass).back(), "add") << c.name;
  }
}

TEST(FuseResidualAddTest, QuantizedAndOtherDTypesAreLeftAlone) {
  // Not run (random inputs are f32/i64/bool only): the op kinds say nothing changed.
  const std::vector<std::string> kirs = {
      "graph @g(%x: f16[2,3], %w: f16[3,3], %r: f16[2,3]) -> (f16[2,3]) {\n"
      "  %l = linear(%x, %w) : f16[2,3]\n  %y = add(%l, %r) : f16[2,3]\n  return %y\n}\n",
      "graph @g(%x: i8<per_tensor scale=0.5>[2,3], %w: i8<per_tensor scale=0.5>[3,3], "
      "%r: i8<per_tensor scale=0.1>[2,3]) -> (i8<per_tensor scale=0.1>[2,3]) {\n"
      "  %l = linear(%x, %w) : i8<per_tensor scale=0.1>[2,3]\n"
      "  %y = add(%l, %r) : i8<per_tensor scale=0.1>[2,3]\n  return %y\n}\n",
  };
  for (const std::string& kir : kirs) {
    EXPECT_EQ(KindsAfter(kir, kPass), (Kinds{"linear", "add"})) << kir;
  }
}

TEST(FuseResidualAddTest, InsideARegionButNotAcrossOne) {
  std::string kir =
      "graph @g(%p: bool[], %x: f32[N,4], %r: f32[N,3]) -> (f32[N,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %outer = linear(%x, %w) : f32[N,3]\n"
      "  %y = if(%p) : f32[N,3] {\n"
      "    graph @then() -> (f32[N,3]) {\n      %m = linear(%x, %w) : f32[N,3]\n"
      "      %s = add(%m, %r) : f32[N,3]\n      return %s\n    }\n"
      "    graph @else() -> (f32[N,3]) {\n"
      "      %s2 = add(%r, %outer) : f32[N,3]\n      return %s2\n    }\n  }\n"
      "  return %y\n}\nconstants {\n  @w = " +
      Values(12, 3) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, kPass));
  EXPECT_TRUE(IsIdempotent(kir, kPass));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, kPass).ok());
  const ir::Op* if_op = *std::next(g->ops().begin());
  EXPECT_EQ(if_op->region(0).num_ops(), 1u);  // the linear took the add's place
  EXPECT_EQ(if_op->region(1).num_ops(), 1u);  // the add stays: the linear is outside
}

// After the fusion, the other fusions must respect the residual: fuse-activation puts the
// activation after it (correct: y = act(conv + r)) unless the conv has one already;
// fuse-conv-bias and fold-batchnorm leave a conv with a residual alone (a batch_norm would have
// to scale the residual; rebuilding the operands would drop it).
TEST(FuseResidualAddTest, OtherFusionsRespectTheResidual) {
  const std::string head =
      "graph @g(%x: f32[N,2,3,3], %r: f32[N,2,3,3]) -> (f32[N,2,3,3]) {\n"
      "  %w = const @w : f32[2,2,1,1]\n  %d = const @d : f32[2,1,1]\n"
      "  %s = const @s : f32[2]\n  %b = const @b : f32[2]\n  %m = const @m : f32[2]\n"
      "  %v = const @v : f32[2]\n";
  const std::string tail = "  return %y\n}\nconstants {\n  @w = " + Values(4, 1) +
                           "\n  @d = [0.5, -0.25]\n  @s = [2.0, 0.5]\n  @b = [0.1, -0.3]\n"
                           "  @m = [0.2, 0.4]\n  @v = [1.5, 0.25]\n}\n";
  const std::string relu = head +
                           "  %c = conv(%x, %w, _, %r) : f32[N,2,3,3]\n"
                           "  %y = leaky_relu(%c) {alpha=0.2} : f32[N,2,3,3]\n" +
                           tail;
  EXPECT_TRUE(PreservesNumerics(relu, "fuse-activation"));
  EXPECT_EQ(KindsAfter(relu, "fuse-activation"), Kinds{"conv"});

  const std::string twice = head +
                            "  %c = conv(%x, %w, _, %r) {activation=\"relu\"} : f32[N,2,3,3]\n"
                            "  %y = tanh(%c) : f32[N,2,3,3]\n" +
                            tail;
  EXPECT_TRUE(PreservesNumerics(twice, "fuse-activation", {.expect_change = false}));

  const std::string bias = head +
                           "  %c = conv(%x, %w, _, %r) : f32[N,2,3,3]\n"
                           "  %y = add(%c, %d) : f32[N,2,3,3]\n" +
                           tail;
  EXPECT_TRUE(PreservesNumerics(bias, "fuse-conv-bias", {.expect_change = false}));

  const std::string bn = head +
                         "  %c = conv(%x, %w, _, %r) : f32[N,2,3,3]\n"
                         "  %y = batch_norm(%c, %s, %b, %m, %v) : f32[N,2,3,3]\n" +
                         tail;
  // Not folded into the conv: decomposed into mul + add like any other batch_norm.
  EXPECT_TRUE(PreservesNumerics(bn, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(bn, "fold-batchnorm"), (Kinds{"conv", "mul", "add"}));
}

}  // namespace
}  // namespace kiln
