#include "passes/fusion/fuse_linear.h"

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

// matmul(%x, %w [4,3]) then add with %b of `b_shape` (`b_first`: bias is operand 0).
std::string MatMulAdd(std::string_view x_type, std::string_view y_type, std::string_view b_shape,
                      int b_count, bool b_first = false, std::string_view mm_attrs = "") {
  return "graph @g(%x: " + std::string(x_type) + ") -> (" + std::string(y_type) +
         ") {\n  %w = const @w : f32[4,3]\n  %b = const @b : f32" + std::string(b_shape) +
         "\n  %m = matmul(%x, %w) " + std::string(mm_attrs) + " : " + std::string(y_type) +
         "\n  %y = " + (b_first ? "add(%b, %m)" : "add(%m, %b)") + " : " + std::string(y_type) +
         "\n  return %y\n}\nconstants {\n  @w = " + Values(12, 1) +
         "\n  @b = " + Values(b_count, 2) + "\n}\n";
}

TEST(FuseLinearTest, BiasOnEitherSide) {
  for (bool b_first : {false, true}) {
    std::string kir = MatMulAdd("f32[N,5,4]", "f32[N,5,3]", "[3]", 3, b_first);
    EXPECT_TRUE(PreservesNumerics(kir, "fuse-linear", {.dims = {{"N", 3}}}));
    EXPECT_TRUE(IsIdempotent(kir, "fuse-linear"));
    EXPECT_EQ(KindsAfter(kir, "fuse-linear"), Kinds{"linear"});
  }
}

TEST(FuseLinearTest, BiasWithLeadingOnesBecomesN) {
  for (std::string_view shape : {"[1,3]", "[1,1,3]"}) {
    std::string kir = MatMulAdd("f32[N,5,4]", "f32[N,5,3]", shape, 3, true);
    EXPECT_TRUE(PreservesNumerics(kir, "fuse-linear")) << shape;
    ir::Context ctx;
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    ASSERT_TRUE(RunPipelineOn(*g, "fuse-linear").ok());
    ASSERT_EQ(g->num_ops(), 1u);
    const ir::Op* linear = *g->ops().begin();
    EXPECT_EQ(linear->operand(2)->type()->shape(), ir::Shape::Static({3})) << shape;
    EXPECT_EQ(linear->result(0)->name(), "y");
    EXPECT_EQ(g->output(0), linear->result(0));
  }
}

TEST(FuseLinearTest, RanksOneAndTwoAndAScalarBias) {
  std::string vec = MatMulAdd("f32[4]", "f32[3]", "[3]", 3);
  EXPECT_TRUE(PreservesNumerics(vec, "fuse-linear"));
  EXPECT_EQ(KindsAfter(vec, "fuse-linear"), Kinds{"linear"});
  std::string rows = MatMulAdd("f32[N,4]", "f32[N,3]", "[1,3]", 3);
  EXPECT_TRUE(PreservesNumerics(rows, "fuse-linear", {.dims = {{"N", 7}}}));
  std::string scalar = MatMulAdd("f32[N,4]", "f32[N,3]", "[]", 1, true);
  EXPECT_TRUE(PreservesNumerics(scalar, "fuse-linear"));
  EXPECT_EQ(KindsAfter(scalar, "fuse-linear"), Kinds{"linear"});
}

TEST(FuseLinearTest, LeavesOtherMatMulsAlone) {
  struct Case {
    std::string name, kir;
  };
  const std::vector<Case> cases = {
      // The bias varies along another dim.
      {"rows_bias", MatMulAdd("f32[2,5,4]", "f32[2,5,3]", "[5,1]", 5)},
      {"full_bias", MatMulAdd("f32[2,5,4]", "f32[2,5,3]", "[5,3]", 15)},
      {"activation", MatMulAdd("f32[N,4]", "f32[N,3]", "[3]", 3, false, "{activation=\"relu\"}")},
      {"two_users",
       "graph @g(%x: f32[N,4]) -> (f32[N,3], f32[N,3]) {\n"
       "  %w = const @w : f32[4,3]\n  %b = const @b : f32[3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = add(%m, %b) : f32[N,3]\n  return %y, %m\n}\n"
       "constants {\n  @w = " +
           Values(12, 1) + "\n  @b = " + Values(3, 2) + "\n}\n"},
      {"weight_input",
       "graph @g(%x: f32[N,4], %w: f32[4,3]) -> (f32[N,3]) {\n  %b = const @b : f32[3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = add(%m, %b) : f32[N,3]\n  return %y\n}\n"
       "constants {\n  @b = " +
           Values(3, 2) + "\n}\n"},
      {"bias_input",
       "graph @g(%x: f32[N,4], %b: f32[3]) -> (f32[N,3]) {\n  %w = const @w : f32[4,3]\n"
       "  %m = matmul(%x, %w) : f32[N,3]\n  %y = add(%b, %m) : f32[N,3]\n  return %y\n}\n"
       "constants {\n  @w = " +
           Values(12, 1) + "\n}\n"},
      // A batched weight [B, K, N] is not a linear.
      {"batched_weight",
       "graph @g(%x: f32[2,5,4]) -> (f32[2,5,3]) {\n"
       "  %w = const @w : f32[2,4,3]\n  %b = const @b : f32[3]\n"
       "  %m = matmul(%x, %w) : f32[2,5,3]\n  %y = add(%m, %b) : f32[2,5,3]\n  return %y\n}\n"
       "constants {\n  @w = " +
           Values(24, 1) + "\n  @b = " + Values(3, 2) + "\n}\n"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(PreservesNumerics(c.kir, "fuse-linear", {.expect_change = false})) << c.name;
    EXPECT_EQ(KindsAfter(c.kir, "fuse-linear"), (Kinds{"matmul", "add"})) << c.name;
  }
  // The bias would raise the rank.
  std::string rank_grows =
      "graph @g(%x: f32[N,4]) -> (f32[1,N,3]) {\n  %w = const @w : f32[4,3]\n"
      "  %b = const @b : f32[1,1,3]\n  %m = matmul(%x, %w) : f32[N,3]\n"
      "  %y = add(%m, %b) : f32[1,N,3]\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(12, 1) + "\n  @b = " + Values(3, 2) + "\n}\n";
  EXPECT_TRUE(PreservesNumerics(rank_grows, "fuse-linear", {.expect_change = false}));
  EXPECT_EQ(KindsAfter(rank_grows, "fuse-linear"), (Kinds{"matmul", "add"}));
}

}  // namespace
}  // namespace kiln
