// A fused op (linear, an activation carried by conv/gemm/matmul/linear) computes what its
// unfused spelling computes, on the reference runtime.
#include <gtest/gtest.h>

#include <string>

#include "ir/fused_activation.h"
#include "ir/parser.h"
#include "ir/verifier.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::SameOutputs;

std::string ConvGraph(std::string_view conv_attrs, std::string_view tail,
                      std::string_view extra_constants = "") {
  return "graph @g(%x: f32[N,1,5,5]) -> (f32[N,2,3,3]) {\n"
         "  %w = const @w : f32[2,1,3,3]\n"
         "  %b = const @b : f32[2]\n"
         "  %c = conv(%x, %w, %b) {" +
         std::string(conv_attrs) + "} : f32[N,2,3,3]\n" + std::string(tail) +
         "}\nconstants {\n"
         "  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, 0.5,\n"
         "        -1.5, 0.5, 2.0, -0.75, 1.0, 0.25]\n"
         "  @b = [0.1, -0.2]\n" +
         std::string(extra_constants) + "}\n";
}

struct ActivationCase {
  std::string fused_attrs;      // activation attributes on the conv
  std::string unfused;          // the same activation as separate ops of %c, then `return`
  std::string extra_constants;  // pool entries the unfused ops need
};

class FusedConvActivationTest : public ::testing::TestWithParam<ActivationCase> {};

TEST_P(FusedConvActivationTest, MatchesTheUnfusedOps) {
  const ActivationCase& c = GetParam();
  std::string fused = ConvGraph("kernel_shape=[3,3], " + c.fused_attrs, "  return %c\n");
  std::string unfused = ConvGraph("kernel_shape=[3,3]", c.unfused, c.extra_constants);
  EXPECT_TRUE(SameOutputs(fused, unfused, {.max_rel_error = 0, .min_cosine = 1}));
}

INSTANTIATE_TEST_SUITE_P(
    Activations, FusedConvActivationTest,
    ::testing::Values(
        ActivationCase{"activation=\"relu\"", "  %y = relu(%c) : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"leaky_relu\", activation_alpha=0.1",
                       "  %y = leaky_relu(%c) {alpha=0.1} : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"clip\", activation_alpha=0.0, activation_beta=6.0",
                       "  %lo = const @lo : f32[]\n  %hi = const @hi : f32[]\n"
                       "  %y = clip(%c, %lo, %hi) : f32[N,2,3,3]\n  return %y\n",
                       "  @lo = [0.0]\n  @hi = [6.0]\n"},
        ActivationCase{"activation=\"hard_sigmoid\", activation_alpha=0.25, activation_beta=0.4",
                       "  %y = hard_sigmoid(%c) {alpha=0.25, beta=0.4} : f32[N,2,3,3]\n"
                       "  return %y\n",
                       ""},
        ActivationCase{"activation=\"hard_swish\"",
                       "  %y = hard_swish(%c) : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"sigmoid\"", "  %y = sigmoid(%c) : f32[N,2,3,3]\n  return %y\n",
                       ""},
        ActivationCase{"activation=\"silu\"", "  %y = silu(%c) : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"gelu\"", "  %y = gelu(%c) : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"gelu_tanh\"",
                       "  %y = gelu(%c) {approximate=\"tanh\"} : f32[N,2,3,3]\n  return %y\n", ""},
        ActivationCase{"activation=\"tanh\"", "  %y = tanh(%c) : f32[N,2,3,3]\n  return %y\n",
                       ""}));

// ConvGraph with a second input %r of the conv's result type.
std::string ResidualConvGraph(std::string_view conv_operands, std::string_view conv_attrs,
                              std::string_view tail, std::string_view extra_constants = "") {
  return "graph @g(%x: f32[N,1,5,5], %r: f32[N,2,3,3]) -> (f32[N,2,3,3]) {\n"
         "  %w = const @w : f32[2,1,3,3]\n"
         "  %b = const @b : f32[2]\n"
         "  %c = conv(" +
         std::string(conv_operands) + ") {" + std::string(conv_attrs) + "} : f32[N,2,3,3]\n" +
         std::string(tail) +
         "}\nconstants {\n"
         "  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, 0.5,\n"
         "        -1.5, 0.5, 2.0, -0.75, 1.0, 0.25]\n"
         "  @b = [0.1, -0.2]\n" +
         std::string(extra_constants) + "}\n";
}

// The residual is added before the activation: activation(conv + r), bit for bit what
// conv -> add -> activation computes.
TEST_P(FusedConvActivationTest, WithAResidualMatchesConvAddActivation) {
  const ActivationCase& c = GetParam();
  std::string fused =
      ResidualConvGraph("%x, %w, %b, %r", "kernel_shape=[3,3], " + c.fused_attrs, "  return %c\n");
  std::string unfused_tail = c.unfused;
  for (size_t at = unfused_tail.find("(%c"); at != std::string::npos;
       at = unfused_tail.find("(%c", at)) {
    unfused_tail.replace(at, 3, "(%s");
  }
  std::string unfused =
      ResidualConvGraph("%x, %w, %b", "kernel_shape=[3,3]",
                        "  %s = add(%c, %r) : f32[N,2,3,3]\n" + unfused_tail, c.extra_constants);
  EXPECT_TRUE(SameOutputs(fused, unfused, {.max_rel_error = 0, .min_cosine = 1}));
}

TEST(FusedOpsTest, ConvResidualWithoutBiasOrActivationIsConvPlusResidual) {
  std::string fused = ResidualConvGraph("%x, %w, _, %r", "kernel_shape=[3,3]", "  return %c\n");
  // The residual on either side of the add: float addition commutes exactly.
  for (std::string_view add : {"add(%c, %r)", "add(%r, %c)"}) {
    std::string unfused =
        ResidualConvGraph("%x, %w", "kernel_shape=[3,3]",
                          "  %y = " + std::string(add) + " : f32[N,2,3,3]\n  return %y\n");
    EXPECT_TRUE(SameOutputs(fused, unfused, {.max_rel_error = 0, .min_cosine = 1})) << add;
  }
}

constexpr std::string_view kLinearConstants = R"(
constants {
  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, 0.5]
  @b = [0.1, -0.2, 0.3]
}
)";

TEST(FusedOpsTest, LinearIsMatMulPlusBias) {
  std::string linear =
      "graph @g(%x: f32[N,5,4]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
      "  %y = linear(%x, %w, %b) {activation=\"relu\"} : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kLinearConstants);
  std::string unfused =
      "graph @g(%x: f32[N,5,4]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
      "  %m = matmul(%x, %w) : f32[N,5,3]\n  %a = add(%m, %b) : f32[N,5,3]\n"
      "  %y = relu(%a) : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kLinearConstants);
  EXPECT_TRUE(SameOutputs(linear, unfused, {.max_rel_error = 0, .min_cosine = 1}));
}

TEST(FusedOpsTest, LinearWithResidualIsMatMulPlusBiasPlusResidual) {
  std::string linear =
      "graph @g(%x: f32[N,5,4], %r: f32[N,5,3]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
      "  %y = linear(%x, %w, %b, %r) {activation=\"gelu\"} : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kLinearConstants);
  std::string unfused =
      "graph @g(%x: f32[N,5,4], %r: f32[N,5,3]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
      "  %m = matmul(%x, %w) : f32[N,5,3]\n  %a = add(%m, %b) : f32[N,5,3]\n"
      "  %s = add(%r, %a) : f32[N,5,3]\n  %y = gelu(%s) : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kLinearConstants);
  EXPECT_TRUE(SameOutputs(linear, unfused, {.max_rel_error = 0, .min_cosine = 1}));
  // Without a bias: `_` in its place.
  constexpr std::string_view kWeightOnly =
      "constants {\n  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, "
      "0.5]\n}\n";
  std::string no_bias =
      "graph @g(%x: f32[N,5,4], %r: f32[N,5,3]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n"
      "  %y = linear(%x, %w, _, %r) : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kWeightOnly);
  std::string no_bias_unfused =
      "graph @g(%x: f32[N,5,4], %r: f32[N,5,3]) -> (f32[N,5,3]) {\n"
      "  %w = const @w : f32[4,3]\n"
      "  %m = matmul(%x, %w) : f32[N,5,3]\n  %y = add(%m, %r) : f32[N,5,3]\n  return %y\n}\n" +
      std::string(kWeightOnly);
  EXPECT_TRUE(SameOutputs(no_bias, no_bias_unfused, {.max_rel_error = 0, .min_cosine = 1}));
}

TEST(FusedOpsTest, LinearWithoutBias) {
  std::string linear =
      "graph @g(%x: f32[3,4]) -> (f32[3,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %y = linear(%x, %w) : f32[3,3]\n  return %y\n}\n"
      "constants {\n  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, "
      "0.5]\n}\n";
  std::string unfused =
      "graph @g(%x: f32[3,4]) -> (f32[3,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %y = matmul(%x, %w) : f32[3,3]\n  return %y\n}\n"
      "constants {\n  @w = [0.5, -1.0, 0.25, 2.0, -0.5, 1.5, 0.75, -2.0, 1.0, 0.125, -0.25, "
      "0.5]\n}\n";
  EXPECT_TRUE(SameOutputs(linear, unfused, {.max_rel_error = 0, .min_cosine = 1}));
}

Status Verify(std::string_view kir) {
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> g = ir::ParseGraph(kir, "t.kir", ctx);
  if (!g) return g.error();
  return ir::VerifyGraph(**g);
}

TEST(FusedOpsTest, VerifierRejectsAnUnknownActivation) {
  Status s = Verify(
      "graph @g(%x: f32[2,4], %w: f32[4,3]) -> (f32[2,3]) {\n"
      "  %y = matmul(%x, %w) {activation=\"swish\"} : f32[2,3]\n  return %y\n}\n");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("unknown activation 'swish'"), std::string::npos) << s.message();
}

TEST(FusedOpsTest, VerifierChecksLinearShapes) {
  EXPECT_TRUE(Verify("graph @g(%x: f32[N,2,4], %w: f32[4,3], %b: f32[3]) -> (f32[N,2,3]) {\n"
                     "  %y = linear(%x, %w, %b) : f32[N,2,3]\n  return %y\n}\n")
                  .ok());
  Status inner = Verify(
      "graph @g(%x: f32[2,5], %w: f32[4,3]) -> (f32[2,3]) {\n"
      "  %y = linear(%x, %w) : f32[2,3]\n  return %y\n}\n");
  EXPECT_NE(inner.message().find("inner dim 5, but operand 1 has 4"), std::string::npos)
      << inner.message();
  Status bias = Verify(
      "graph @g(%x: f32[2,4], %w: f32[4,3], %b: f32[2]) -> (f32[2,3]) {\n"
      "  %y = linear(%x, %w, %b) : f32[2,3]\n  return %y\n}\n");
  EXPECT_NE(bias.message().find("the bias must be [3]"), std::string::npos) << bias.message();
}

TEST(FusedActivationTest, SetAndGetRoundTripAndDropUnusedParameters) {
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> g = ir::ParseGraph(
      "graph @g(%x: f32[2,4], %w: f32[4,3]) -> (f32[2,3]) {\n"
      "  %y = matmul(%x, %w) : f32[2,3]\n  return %y\n}\n",
      "t.kir", ctx);
  ASSERT_TRUE(g.ok());
  ir::Op* mm = *(*g)->ops().begin();
  ir::SetFusedActivation(*mm, {.kind = ir::ActivationKind::kClip, .alpha = 0, .beta = 6});
  Expected<ir::FusedActivation> a = ir::GetFusedActivation(*mm);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, (ir::FusedActivation{.kind = ir::ActivationKind::kClip, .alpha = 0, .beta = 6}));
  ir::SetFusedActivation(*mm, {.kind = ir::ActivationKind::kRelu, .alpha = 3});
  EXPECT_EQ(mm->attrs().size(), 1u);  // relu has no parameters
  ir::SetFusedActivation(*mm, {});
  EXPECT_TRUE(mm->attrs().empty());
}

}  // namespace
}  // namespace kiln
