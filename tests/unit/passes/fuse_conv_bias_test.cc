#include "passes/fusion/fuse_conv_bias.h"

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

// conv(%x [N,3,5,5], %w [4,3,3,3], bias?) then add with constant %d of `d_shape`
// (`d_first`: the constant is the add's operand 0).
std::string ConvAdd(std::string_view d_shape, int d_count, bool with_bias, bool d_first = false,
                    std::string_view conv_attrs = "") {
  const std::string add = d_first ? "add(%d, %c)" : "add(%c, %d)";
  return "graph @g(%x: f32[N,3,5,5]) -> (f32[N,4,3,3]) {\n"
         "  %w = const @w : f32[4,3,3,3]\n" +
         std::string(with_bias ? "  %b = const @b : f32[4]\n" : "") + "  %d = const @d : f32" +
         std::string(d_shape) + "\n  %c = conv(%x, %w" + (with_bias ? ", %b" : "") + ") " +
         std::string(conv_attrs) + " : f32[N,4,3,3]\n  %y = " + add +
         " : f32[N,4,3,3]\n  return %y\n}\n" + "constants {\n  @w = " + Values(108, 1) + "\n" +
         (with_bias ? "  @b = " + Values(4, 2) + "\n" : "") + "  @d = " + Values(d_count, 3) +
         "\n}\n";
}

TEST(FuseConvBiasTest, PerChannelShapes) {
  for (std::string_view shape : {"[4,1,1]", "[1,4,1,1]"}) {
    for (bool with_bias : {false, true}) {
      for (bool d_first : {false, true}) {
        std::string kir = ConvAdd(shape, 4, with_bias, d_first);
        EXPECT_TRUE(PreservesNumerics(kir, "fuse-conv-bias", {.dims = {{"N", 3}}})) << kir;
        EXPECT_TRUE(IsIdempotent(kir, "fuse-conv-bias"));
        EXPECT_EQ(KindsAfter(kir, "fuse-conv-bias"), Kinds{"conv"}) << kir;
      }
    }
  }
}

TEST(FuseConvBiasTest, ScalarConstantGoesToEveryChannel) {
  for (std::string_view shape : {"[]", "[1]", "[1,1,1,1]"}) {
    std::string kir = ConvAdd(shape, 1, true);
    EXPECT_TRUE(PreservesNumerics(kir, "fuse-conv-bias")) << shape;
    EXPECT_EQ(KindsAfter(kir, "fuse-conv-bias"), Kinds{"conv"}) << shape;
  }
}

TEST(FuseConvBiasTest, ResultKeepsTheAddsNameAndGraphOutput) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(ConvAdd("[4,1,1]", 4, true), ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fuse-conv-bias").ok());
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* conv = *g->ops().begin();
  EXPECT_EQ(g->output(0), conv->result(0));
  EXPECT_EQ(conv->result(0)->name(), "y");
  EXPECT_EQ(conv->operand(2)->type()->shape(), ir::Shape::Static({4}));
}

TEST(FuseConvBiasTest, ConvTransposeAndConv1d) {
  std::string transpose =
      "graph @g(%x: f32[N,4,3,3]) -> (f32[N,6,4,4]) {\n"
      "  %w = const @w : f32[4,3,2,2]\n  %d = const @d : f32[6,1,1]\n"
      "  %c = conv_transpose(%x, %w) {group=2} : f32[N,6,4,4]\n"
      "  %y = add(%d, %c) : f32[N,6,4,4]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(48, 4) + "\n  @d = " + Values(6, 5) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(transpose, "fuse-conv-bias", {.dims = {{"N", 3}}}));
  EXPECT_EQ(KindsAfter(transpose, "fuse-conv-bias"), Kinds{"conv_transpose"});
  std::string conv1d =
      "graph @g(%x: f32[N,2,6]) -> (f32[N,3,4]) {\n"
      "  %w = const @w : f32[3,2,3]\n  %d = const @d : f32[3,1]\n"
      "  %c = conv(%x, %w) : f32[N,3,4]\n  %y = add(%c, %d) : f32[N,3,4]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(18, 6) + "\n  @d = " + Values(3, 7) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(conv1d, "fuse-conv-bias"));
  EXPECT_EQ(KindsAfter(conv1d, "fuse-conv-bias"), Kinds{"conv"});
}

std::string GemmAdd(std::string_view gemm_operands, std::string_view attrs,
                    std::string_view w_shape, std::string_view c_line, std::string_view d_shape,
                    int d_count, std::string_view extra_constants) {
  return "graph @g(%x: f32[N,4]) -> (f32[N,3]) {\n  %w = const @w : f32" + std::string(w_shape) +
         "\n" + std::string(c_line) + "  %d = const @d : f32" + std::string(d_shape) +
         "\n  %p = gemm(" + std::string(gemm_operands) + ") " + std::string(attrs) +
         " : f32[N,3]\n  %y = add(%p, %d) : f32[N,3]\n  return %y\n}\n" +
         "constants {\n  @w = " + Values(12, 8) + "\n  @d = " + Values(d_count, 9) + "\n" +
         std::string(extra_constants) + "}\n";
}

TEST(FuseConvBiasTest, GemmBias) {
  std::string no_c = GemmAdd("%x, %w", "", "[4,3]", "", "[3]", 3, "");
  EXPECT_TRUE(PreservesNumerics(no_c, "fuse-conv-bias", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(no_c, "fuse-conv-bias"));
  EXPECT_EQ(KindsAfter(no_c, "fuse-conv-bias"), Kinds{"gemm"});
  // C present, beta != 1, trans_b, and the addend as [1, N].
  std::string with_c =
      GemmAdd("%x, %w, %c", "{alpha=0.5, beta=2.0, trans_b=1}", "[3,4]",
              "  %c = const @c : f32[3]\n", "[1,3]", 3, "  @c = " + Values(3, 10) + "\n");
  EXPECT_TRUE(PreservesNumerics(with_c, "fuse-conv-bias", {.dims = {{"N", 3}}}));
  EXPECT_EQ(KindsAfter(with_c, "fuse-conv-bias"), Kinds{"gemm"});
  std::string scalar = GemmAdd("%x, %w", "{beta=0.5}", "[4,3]", "", "[]", 1, "");
  EXPECT_TRUE(PreservesNumerics(scalar, "fuse-conv-bias"));
}

TEST(FuseConvBiasTest, GemmWithFullC) {
  std::string kir =
      "graph @g(%x: f32[2,4]) -> (f32[2,3]) {\n"
      "  %w = const @w : f32[4,3]\n  %c = const @c : f32[2,3]\n  %d = const @d : f32[3]\n"
      "  %p = gemm(%x, %w, %c) {beta=-1.5} : f32[2,3]\n  %y = add(%p, %d) : f32[2,3]\n"
      "  return %y\n}\nconstants {\n  @w = " +
      Values(12, 11) + "\n  @c = " + Values(6, 12) + "\n  @d = " + Values(3, 13) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "fuse-conv-bias"));
  EXPECT_EQ(KindsAfter(kir, "fuse-conv-bias"), Kinds{"gemm"});
}

TEST(FuseConvBiasTest, LeavesOtherAddsAlone) {
  struct Case {
    std::string name, kir;
  };
  const std::vector<Case> cases = {
      // Varies along a spatial dim.
      {"spatial", ConvAdd("[1,1,1,3]", 3, true)},
      // Would broadcast the result to a higher rank.
      {"rank_grows",
       "graph @g(%x: f32[N,3,5,5]) -> (f32[1,N,4,3,3]) {\n"
       "  %w = const @w : f32[4,3,3,3]\n  %d = const @d : f32[1,1,4,1,1]\n"
       "  %c = conv(%x, %w) : f32[N,4,3,3]\n  %y = add(%c, %d) : f32[1,N,4,3,3]\n"
       "  return %y\n}\nconstants {\n  @w = " +
           Values(108, 1) + "\n  @d = " + Values(4, 2) + "\n}\n"},
      // An activation is already fused.
      {"activation", ConvAdd("[4,1,1]", 4, true, false, "{activation=\"relu\"}")},
      // The conv's result has a second user.
      {"two_users",
       "graph @g(%x: f32[N,3,5,5]) -> (f32[N,4,3,3], f32[N,4,3,3]) {\n"
       "  %w = const @w : f32[4,3,3,3]\n  %d = const @d : f32[4,1,1]\n"
       "  %c = conv(%x, %w) : f32[N,4,3,3]\n  %y = add(%c, %d) : f32[N,4,3,3]\n"
       "  return %y, %c\n}\nconstants {\n  @w = " +
           Values(108, 1) + "\n  @d = " + Values(4, 2) + "\n}\n"},
      // The addend is not a constant.
      {"input",
       "graph @g(%x: f32[N,3,5,5], %d: f32[4,1,1]) -> (f32[N,4,3,3]) {\n"
       "  %w = const @w : f32[4,3,3,3]\n"
       "  %c = conv(%x, %w) : f32[N,4,3,3]\n  %y = add(%c, %d) : f32[N,4,3,3]\n"
       "  return %y\n}\nconstants {\n  @w = " +
           Values(108, 1) + "\n}\n"},
      // Gemm's C is not a constant.
      {"gemm_c",
       "graph @g(%x: f32[N,4], %c: f32[3]) -> (f32[N,3]) {\n"
       "  %w = const @w : f32[4,3]\n  %d = const @d : f32[3]\n"
       "  %p = gemm(%x, %w, %c) : f32[N,3]\n  %y = add(%p, %d) : f32[N,3]\n  return %y\n}\n"
       "constants {\n  @w = " +
           Values(12, 1) + "\n  @d = " + Values(3, 2) + "\n}\n"},
      // An addend [N, 1] varies along M.
      {"gemm_rows",
       "graph @g(%x: f32[3,4]) -> (f32[3,3]) {\n"
       "  %w = const @w : f32[4,3]\n  %d = const @d : f32[3,1]\n"
       "  %p = gemm(%x, %w) : f32[3,3]\n  %y = add(%p, %d) : f32[3,3]\n  return %y\n}\n"
       "constants {\n  @w = " +
           Values(12, 1) + "\n  @d = " + Values(3, 2) + "\n}\n"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(PreservesNumerics(c.kir, "fuse-conv-bias", {.expect_change = false})) << c.name;
    Kinds kinds = KindsAfter(c.kir, "fuse-conv-bias");
    EXPECT_EQ(kinds.size(), 2u) << c.name;
  }
}

}  // namespace
}  // namespace kiln
