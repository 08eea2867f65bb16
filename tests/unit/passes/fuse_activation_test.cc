#include "passes/fusion/fuse_activation.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ir/fused_activation.h"
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

// conv(%x [N,2,5,5], %w [3,2,3,3], %b) = %c, then the `activation` lines reading %c and
// defining %y (with constants `@lo`/`@hi` available as `extra` pool entries).
std::string ConvThen(std::string_view activation, std::string_view extra_constants = "") {
  return "graph @g(%x: f32[N,2,5,5]) -> (f32[N,3,3,3]) {\n"
         "  %w = const @w : f32[3,2,3,3]\n  %b = const @b : f32[3]\n"
         "  %c = conv(%x, %w, %b) : f32[N,3,3,3]\n" +
         std::string(activation) + "  return %y\n}\nconstants {\n  @w = " + Values(54, 1) +
         "\n  @b = " + Values(3, 2) + "\n" + std::string(extra_constants) + "}\n";
}

struct ActivationCase {
  std::string name;
  std::string lines;
  std::string constants;
};

class FuseEachActivationTest : public ::testing::TestWithParam<ActivationCase> {};

TEST_P(FuseEachActivationTest, IntoConv) {
  const ActivationCase& c = GetParam();
  std::string kir = ConvThen(c.lines, c.constants);
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-activation", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, "fuse-activation"));
  EXPECT_EQ(KindsAfter(kir, "fuse-activation"), Kinds{"conv"});
}

INSTANTIATE_TEST_SUITE_P(
    Activations, FuseEachActivationTest,
    ::testing::Values(
        ActivationCase{"relu", "  %y = relu(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"leaky_relu", "  %y = leaky_relu(%c) {alpha=0.2} : f32[N,3,3,3]\n", ""},
        ActivationCase{"leaky_relu_default", "  %y = leaky_relu(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"relu6",
                       "  %lo = const @lo : f32[]\n  %hi = const @hi : f32[]\n"
                       "  %y = clip(%c, %lo, %hi) : f32[N,3,3,3]\n",
                       "  @lo = [0.0]\n  @hi = [0.5]\n"},
        ActivationCase{"clip_min_only",
                       "  %lo = const @lo : f32[]\n  %y = clip(%c, %lo) : f32[N,3,3,3]\n",
                       "  @lo = [-0.25]\n"},
        ActivationCase{"clip_max_only",
                       "  %hi = const @hi : f32[]\n  %y = clip(%c, _, %hi) : f32[N,3,3,3]\n",
                       "  @hi = [0.25]\n"},
        ActivationCase{"clip_unbounded", "  %y = clip(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"hard_sigmoid",
                       "  %y = hard_sigmoid(%c) {alpha=0.3, beta=0.4} : f32[N,3,3,3]\n", ""},
        ActivationCase{"hard_sigmoid_default", "  %y = hard_sigmoid(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"hard_swish", "  %y = hard_swish(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"sigmoid", "  %y = sigmoid(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"silu", "  %y = silu(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"gelu", "  %y = gelu(%c) : f32[N,3,3,3]\n", ""},
        ActivationCase{"gelu_none", "  %y = gelu(%c) {approximate=\"none\"} : f32[N,3,3,3]\n", ""},
        ActivationCase{"gelu_tanh", "  %y = gelu(%c) {approximate=\"tanh\"} : f32[N,3,3,3]\n", ""},
        ActivationCase{"tanh", "  %y = tanh(%c) : f32[N,3,3,3]\n", ""}),
    [](const ::testing::TestParamInfo<ActivationCase>& info) { return info.param.name; });

TEST(FuseActivationTest, EveryOpKindThatCarriesOne) {
  const std::string w = "\nconstants {\n  @w = " + Values(12, 3) + "\n}\n";
  const std::vector<std::string> kirs = {
      "graph @g(%x: f32[N,4]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %m = gemm(%x, %w) : f32[N,3]\n  %y = relu(%m) : f32[N,3]\n  return %y\n}" +
          w,
      "graph @g(%x: f32[N,5,4]) -> (f32[N,5,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %m = matmul(%x, %w) : f32[N,5,3]\n  %y = silu(%m) : f32[N,5,3]\n  return %y\n}" +
          w,
      "graph @g(%x: f32[N,5,4]) -> (f32[N,5,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %m = linear(%x, %w) : f32[N,5,3]\n  %y = gelu(%m) : f32[N,5,3]\n  return %y\n}" +
          w,
      "graph @g(%x: f32[N,4,2,2]) -> (f32[N,3,2,2]) {\n  %w = const @w : f32[4,3,1,1]\n"
      "  %m = conv_transpose(%x, %w) : f32[N,3,2,2]\n  %y = tanh(%m) : f32[N,3,2,2]\n"
      "  return %y\n}" +
          w,
  };
  for (const std::string& kir : kirs) {
    EXPECT_TRUE(PreservesNumerics(kir, "fuse-activation", {.dims = {{"N", 3}}})) << kir;
    EXPECT_TRUE(IsIdempotent(kir, "fuse-activation")) << kir;
    EXPECT_EQ(KindsAfter(kir, "fuse-activation").size(), 1u) << kir;
  }
}

TEST(FuseActivationTest, TheOpTakesOverTheActivationsResult) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g =
      ParseOrDie(ConvThen("  %lo = const @lo : f32[]\n  %hi = const @hi : f32[]\n"
                          "  %y = clip(%c, %lo, %hi) : f32[N,3,3,3]\n",
                          "  @lo = [0.0]\n  @hi = [6.0]\n"),
                 ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fuse-activation").ok());
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* conv = *g->ops().begin();
  EXPECT_EQ(g->output(0), conv->result(0));
  EXPECT_EQ(conv->result(0)->name(), "y");
  Expected<ir::FusedActivation> a = ir::GetFusedActivation(*conv);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (ir::FusedActivation{.kind = ir::ActivationKind::kClip, .alpha = 0, .beta = 6}));
}

TEST(FuseActivationTest, LeavesOtherActivationsAlone) {
  struct Case {
    std::string name, kir;
  };
  const std::vector<Case> cases = {
      {"already_fused",
       "graph @g(%x: f32[N,4]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
       "  %m = matmul(%x, %w) {activation=\"tanh\"} : f32[N,3]\n  %y = relu(%m) : f32[N,3]\n"
       "  return %y\n}\nconstants {\n  @w = " +
           Values(12, 3) + "\n}\n"},
      {"two_users",
       "graph @g(%x: f32[N,4]) -> (f32[N,3], f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = relu(%m) : f32[N,3]\n"
       "  return %y, %m\n}\nconstants {\n  @w = " +
           Values(12, 3) + "\n}\n"},
      {"clip_bound_input",
       "graph @g(%x: f32[N,4], %hi: f32[]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = clip(%m, _, %hi) : f32[N,3]\n"
       "  return %y\n}\nconstants {\n  @w = " +
           Values(12, 3) + "\n}\n"},
      {"not_an_activation",
       "graph @g(%x: f32[N,4]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = elu(%m) : f32[N,3]\n"
       "  return %y\n}\nconstants {\n  @w = " +
           Values(12, 3) + "\n}\n"},
      {"not_a_fusable_op",
       "graph @g(%x: f32[N,4]) -> (f32[N,4]) {\n"
       "  %m = add(%x, %x) : f32[N,4]\n  %y = relu(%m) : f32[N,4]\n  return %y\n}\n"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(PreservesNumerics(c.kir, "fuse-activation", {.expect_change = false})) << c.name;
    EXPECT_EQ(KindsAfter(c.kir, "fuse-activation").size(), 2u) << c.name;
  }
}

TEST(FuseActivationTest, InsideARegion) {
  std::string kir =
      "graph @g(%c: bool[], %x: f32[N,4]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %y = if(%c) : f32[N,3] {\n"
      "    graph @then() -> (f32[N,3]) {\n      %m = matmul(%x, %w) : f32[N,3]\n"
      "      %r = relu(%m) : f32[N,3]\n      return %r\n    }\n"
      "    graph @else() -> (f32[N,3]) {\n      %m2 = matmul(%x, %w) : f32[N,3]\n"
      "      %r2 = sigmoid(%m2) : f32[N,3]\n      return %r2\n    }\n  }\n"
      "  return %y\n}\nconstants {\n  @w = " +
      Values(12, 3) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-activation"));
  EXPECT_TRUE(IsIdempotent(kir, "fuse-activation"));
}

// The five fusions in the order the optimize pipeline runs them, on the chains real models
// have: conv -> batch_norm -> relu6 (mobilenet_v2), pad -> conv -> batch_norm -> relu
// (resnet stems exported with explicit pads), matmul -> add -> gelu (a transformer MLP).
constexpr std::string_view kAllFusions =
    "fold-batchnorm,fuse-pad-conv,fuse-conv-bias,fuse-linear,fuse-activation";

std::string BnConstants(int c) {
  return "  @s = " + Values(c, 11) + "\n  @b = " + Values(c, 12) + "\n  @m = " + Values(c, 13) +
         "\n  @v = [0.5, 1.5, 2.0, 0.25]\n";
}

TEST(FusionSequenceTest, ConvBatchNormRelu6) {
  std::string kir =
      "graph @g(%x: f32[N,3,6,6]) -> (f32[N,4,6,6]) {\n"
      "  %w = const @w : f32[4,3,3,3]\n"
      "  %s = const @s : f32[4]\n  %b = const @b : f32[4]\n  %m = const @m : f32[4]\n"
      "  %v = const @v : f32[4]\n  %lo = const @lo : f32[]\n  %hi = const @hi : f32[]\n"
      "  %c = conv(%x, %w) {pads=[1,1,1,1]} : f32[N,4,6,6]\n"
      "  %n = batch_norm(%c, %s, %b, %m, %v) : f32[N,4,6,6]\n"
      "  %y = clip(%n, %lo, %hi) : f32[N,4,6,6]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(108, 1) + "\n" + BnConstants(4) + "  @lo = [0.0]\n  @hi = [1.0]\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, kAllFusions, {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, kAllFusions));
  EXPECT_EQ(KindsAfter(kir, kAllFusions), Kinds{"conv"});
}

TEST(FusionSequenceTest, PadConvBatchNormRelu) {
  std::string kir =
      "graph @g(%x: f32[N,3,6,6]) -> (f32[N,4,6,6]) {\n"
      "  %w = const @w : f32[4,3,3,3]\n  %pads = const @pads : i64[8]\n"
      "  %s = const @s : f32[4]\n  %b = const @b : f32[4]\n  %m = const @m : f32[4]\n"
      "  %v = const @v : f32[4]\n"
      "  %p = pad(%x, %pads) : f32[N,3,8,8]\n"
      "  %c = conv(%p, %w) : f32[N,4,6,6]\n"
      "  %n = batch_norm(%c, %s, %b, %m, %v) : f32[N,4,6,6]\n"
      "  %y = relu(%n) : f32[N,4,6,6]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(108, 2) + "\n  @pads = [0, 0, 1, 1, 0, 0, 1, 1]\n" + BnConstants(4) + "}\n";
  EXPECT_TRUE(PreservesNumerics(kir, kAllFusions, {.dims = {{"N", 2}}}));
  EXPECT_TRUE(IsIdempotent(kir, kAllFusions));
  EXPECT_EQ(KindsAfter(kir, kAllFusions), Kinds{"conv"});
}

TEST(FusionSequenceTest, MatMulAddGelu) {
  std::string kir =
      "graph @g(%x: f32[N,5,4]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
      "  %m = matmul(%x, %w) : f32[N,5,3]\n  %a = add(%b, %m) : f32[N,5,3]\n"
      "  %y = gelu(%a) : f32[N,5,3]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(12, 4) + "\n  @b = " + Values(3, 5) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, kAllFusions, {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, kAllFusions));
  EXPECT_EQ(KindsAfter(kir, kAllFusions), Kinds{"linear"});
}

}  // namespace
}  // namespace kiln
