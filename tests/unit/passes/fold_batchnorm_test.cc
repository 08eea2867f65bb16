#include "passes/fusion/fold_batchnorm.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ir/printer.h"
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

// Batch-norm constants for `c` channels, as pool entries @s, @b, @m, @v.
std::string BnConstants(int c) {
  return "  @s = " + Values(c, 11, 0.5, 2.0) + "\n  @b = " + Values(c, 12) +
         "\n  @m = " + Values(c, 13) + "\n  @v = " + Values(c, 14, 0.1, 3.0) + "\n";
}

// A graph with input `x` of `x_type`, the producer lines `body` defining %p, then
// batch_norm(%p) over `c` channels returned as %y of `y_type`.
std::string Graph(std::string_view x_type, std::string_view body, std::string_view y_type, int c,
                  std::string_view constants, std::string_view bn_attrs = "{epsilon=1e-3}") {
  const std::string cs = "f32[" + std::to_string(c) + "]";
  return "graph @g(%x: " + std::string(x_type) + ") -> (" + std::string(y_type) + ") {\n" +
         std::string(body) + "  %s = const @s : " + cs + "\n  %b = const @b : " + cs +
         "\n  %m = const @m : " + cs + "\n  %v = const @v : " + cs +
         "\n  %y = batch_norm(%p, %s, %b, %m, %v) " + std::string(bn_attrs) + " : " +
         std::string(y_type) + "\n  return %y\n}\nconstants {\n" + std::string(constants) +
         BnConstants(c) + "}\n";
}

TEST(FoldBatchNormTest, ConvWithBias) {
  std::string kir =
      Graph("f32[N,3,6,6]",
            "  %w = const @w : f32[4,3,3,3]\n  %cb = const @cb : f32[4]\n"
            "  %p = conv(%x, %w, %cb) {pads=[1,1,1,1]} : f32[N,4,6,6]\n",
            "f32[N,4,6,6]", 4, "  @w = " + Values(108, 1) + "\n  @cb = " + Values(4, 2) + "\n");
  EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm"));
  EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm", {.dims = {{"N", 3}}}));
  EXPECT_TRUE(IsIdempotent(kir, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(kir, "fold-batchnorm"), Kinds{"conv"});
}

TEST(FoldBatchNormTest, ConvWithoutBiasGetsOne) {
  std::string kir = Graph("f32[N,2,5,5]",
                          "  %w = const @w : f32[3,2,3,3]\n"
                          "  %p = conv(%x, %w) {strides=[2,2]} : f32[N,3,2,2]\n",
                          "f32[N,3,2,2]", 3, "  @w = " + Values(54, 3) + "\n");
  EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm"));
  EXPECT_TRUE(IsIdempotent(kir, "fold-batchnorm"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fold-batchnorm").ok());
  ASSERT_EQ(g->num_ops(), 1u);
  const ir::Op* conv = *g->ops().begin();
  ASSERT_EQ(conv->num_operands(), 3);
  EXPECT_EQ(conv->operand(2)->type()->shape(), ir::Shape::Static({3}));
  EXPECT_EQ(g->output(0), conv->result(0));
  EXPECT_EQ(conv->result(0)->name(), "y");
}

TEST(FoldBatchNormTest, GroupedAndDepthwiseConv) {
  std::string grouped = Graph("f32[N,4,5,5]",
                              "  %w = const @w : f32[6,2,3,3]\n"
                              "  %p = conv(%x, %w) {group=2} : f32[N,6,3,3]\n",
                              "f32[N,6,3,3]", 6, "  @w = " + Values(108, 4) + "\n");
  EXPECT_TRUE(PreservesNumerics(grouped, "fold-batchnorm"));
  std::string depthwise =
      Graph("f32[N,3,4,4]",
            "  %w = const @w : f32[3,1,3,3]\n  %cb = const @cb : f32[3]\n"
            "  %p = conv(%x, %w, %cb) {group=3, pads=[1,1,1,1]} : "
            "f32[N,3,4,4]\n",
            "f32[N,3,4,4]", 3, "  @w = " + Values(27, 5) + "\n  @cb = " + Values(3, 6) + "\n");
  EXPECT_TRUE(PreservesNumerics(depthwise, "fold-batchnorm", {.dims = {{"N", 3}}}));
  EXPECT_EQ(KindsAfter(depthwise, "fold-batchnorm"), Kinds{"conv"});
}

TEST(FoldBatchNormTest, Conv1dAnd3d) {
  std::string conv1d = Graph("f32[N,2,7]",
                             "  %w = const @w : f32[3,2,3]\n"
                             "  %p = conv(%x, %w) : f32[N,3,5]\n",
                             "f32[N,3,5]", 3, "  @w = " + Values(18, 7) + "\n");
  EXPECT_TRUE(PreservesNumerics(conv1d, "fold-batchnorm"));
  std::string conv3d = Graph("f32[1,2,3,3,3]",
                             "  %w = const @w : f32[2,2,2,2,2]\n"
                             "  %p = conv(%x, %w) : f32[1,2,2,2,2]\n",
                             "f32[1,2,2,2,2]", 2, "  @w = " + Values(32, 8) + "\n");
  EXPECT_TRUE(PreservesNumerics(conv3d, "fold-batchnorm"));
}

TEST(FoldBatchNormTest, ConvTranspose) {
  std::string plain =
      Graph("f32[N,3,3,3]",
            "  %w = const @w : f32[3,2,3,3]\n  %cb = const @cb : f32[2]\n"
            "  %p = conv_transpose(%x, %w, %cb) {strides=[2,2]} : f32[N,2,7,7]\n",
            "f32[N,2,7,7]", 2, "  @w = " + Values(54, 9) + "\n  @cb = " + Values(2, 10) + "\n");
  EXPECT_TRUE(PreservesNumerics(plain, "fold-batchnorm"));
  EXPECT_TRUE(IsIdempotent(plain, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(plain, "fold-batchnorm"), Kinds{"conv_transpose"});
  // Groups: weight [I=4, O/g=3], group 2 -> 6 output channels; output channel g*3 + j.
  std::string grouped = Graph("f32[N,4,3,3]",
                              "  %w = const @w : f32[4,3,2,2]\n"
                              "  %p = conv_transpose(%x, %w) {group=2} : f32[N,6,4,4]\n",
                              "f32[N,6,4,4]", 6, "  @w = " + Values(48, 15) + "\n");
  EXPECT_TRUE(PreservesNumerics(grouped, "fold-batchnorm", {.dims = {{"N", 3}}}));
  EXPECT_EQ(KindsAfter(grouped, "fold-batchnorm"), Kinds{"conv_transpose"});
}

TEST(FoldBatchNormTest, Gemm) {
  // B [K, N] without C.
  std::string plain = Graph("f32[N,4]",
                            "  %w = const @w : f32[4,3]\n"
                            "  %p = gemm(%x, %w) : f32[N,3]\n",
                            "f32[N,3]", 3, "  @w = " + Values(12, 16) + "\n");
  EXPECT_TRUE(PreservesNumerics(plain, "fold-batchnorm"));
  EXPECT_TRUE(IsIdempotent(plain, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(plain, "fold-batchnorm"), Kinds{"gemm"});
  // B [N, K] with trans_b, alpha and beta, C [N].
  std::string trans =
      Graph("f32[N,4]",
            "  %w = const @w : f32[3,4]\n  %c = const @c : f32[3]\n"
            "  %p = gemm(%x, %w, %c) {alpha=0.5, beta=2.0, trans_b=1} : f32[N,3]\n",
            "f32[N,3]", 3, "  @w = " + Values(12, 17) + "\n  @c = " + Values(3, 18) + "\n");
  EXPECT_TRUE(PreservesNumerics(trans, "fold-batchnorm", {.dims = {{"N", 5}}}));
  EXPECT_EQ(KindsAfter(trans, "fold-batchnorm"), Kinds{"gemm"});
  // trans_a, C [M, N] and beta 0.25.
  std::string full =
      Graph("f32[4,2]",
            "  %w = const @w : f32[4,3]\n  %c = const @c : f32[2,3]\n"
            "  %p = gemm(%x, %w, %c) {beta=0.25, trans_a=1} : f32[2,3]\n",
            "f32[2,3]", 3, "  @w = " + Values(12, 19) + "\n  @c = " + Values(6, 20) + "\n");
  EXPECT_TRUE(PreservesNumerics(full, "fold-batchnorm"));
  // C [M, 1] broadcasts along N: the new C is [M, N].
  std::string column =
      Graph("f32[2,4]",
            "  %w = const @w : f32[4,3]\n  %c = const @c : f32[2,1]\n"
            "  %p = gemm(%x, %w, %c) : f32[2,3]\n",
            "f32[2,3]", 3, "  @w = " + Values(12, 21) + "\n  @c = " + Values(2, 22) + "\n");
  EXPECT_TRUE(PreservesNumerics(column, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(column, "fold-batchnorm"), Kinds{"gemm"});
}

TEST(FoldBatchNormTest, WithoutAProducerBecomesMulAdd) {
  for (std::string_view type : {"f32[N,3,4,4]", "f32[N,3]", "f32[N,3,5]"}) {
    std::string kir = Graph(type, "  %p = relu(%x) : " + std::string(type) + "\n", type, 3, "");
    EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm", {.dims = {{"N", 3}}})) << type;
    EXPECT_TRUE(IsIdempotent(kir, "fold-batchnorm")) << type;
    EXPECT_EQ(KindsAfter(kir, "fold-batchnorm"), (Kinds{"relu", "mul", "add"})) << type;
  }
}

TEST(FoldBatchNormTest, ProducerThatCannotFoldIsKept) {
  const std::string w = "  @w = " + Values(54, 23) + "\n";
  // The conv's result has a second user.
  std::string two_users =
      "graph @g(%x: f32[N,2,5,5]) -> (f32[N,3,3,3], f32[N,3,3,3]) {\n"
      "  %w = const @w : f32[3,2,3,3]\n  %p = conv(%x, %w) : f32[N,3,3,3]\n"
      "  %s = const @s : f32[3]\n  %b = const @b : f32[3]\n  %m = const @m : f32[3]\n"
      "  %v = const @v : f32[3]\n  %y = batch_norm(%p, %s, %b, %m, %v) : f32[N,3,3,3]\n"
      "  return %y, %p\n}\nconstants {\n" +
      w + BnConstants(3) + "}\n";
  EXPECT_TRUE(PreservesNumerics(two_users, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(two_users, "fold-batchnorm"), (Kinds{"conv", "mul", "add"}));
  // An activation is already fused into the conv.
  std::string activated = Graph("f32[N,2,5,5]",
                                "  %w = const @w : f32[3,2,3,3]\n"
                                "  %p = conv(%x, %w) {activation=\"relu\"} : f32[N,3,3,3]\n",
                                "f32[N,3,3,3]", 3, w);
  EXPECT_TRUE(PreservesNumerics(activated, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(activated, "fold-batchnorm"), (Kinds{"conv", "mul", "add"}));
}

TEST(FoldBatchNormTest, NonConstantWeightIsNotFolded) {
  std::string kir =
      "graph @g(%x: f32[N,2,5,5], %w: f32[3,2,3,3]) -> (f32[N,3,3,3]) {\n"
      "  %p = conv(%x, %w) : f32[N,3,3,3]\n"
      "  %s = const @s : f32[3]\n  %b = const @b : f32[3]\n  %m = const @m : f32[3]\n"
      "  %v = const @v : f32[3]\n  %y = batch_norm(%p, %s, %b, %m, %v) : f32[N,3,3,3]\n"
      "  return %y\n}\nconstants {\n" +
      BnConstants(3) + "}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm"));
  EXPECT_EQ(KindsAfter(kir, "fold-batchnorm"), (Kinds{"conv", "mul", "add"}));
}

TEST(FoldBatchNormTest, LeavesTrainingModeAndNonConstantStatisticsAlone) {
  std::string training = Graph("f32[N,3,4,4]", "  %p = relu(%x) : f32[N,3,4,4]\n", "f32[N,3,4,4]",
                               3, "", "{training_mode=1}");
  EXPECT_EQ(KindsAfter(training, "fold-batchnorm"), (Kinds{"relu", "batch_norm"}));
  std::string stats =
      "graph @g(%x: f32[N,3,4,4], %m: f32[3]) -> (f32[N,3,4,4]) {\n"
      "  %s = const @s : f32[3]\n  %b = const @b : f32[3]\n  %v = const @v : f32[3]\n"
      "  %y = batch_norm(%x, %s, %b, %m, %v) : f32[N,3,4,4]\n  return %y\n}\n"
      "constants {\n  @s = [1.0, 2.0, 3.0]\n  @b = [0.0, 0.0, 1.0]\n  @v = [1.0, 1.0, 1.0]\n}\n";
  EXPECT_TRUE(PreservesNumerics(stats, "fold-batchnorm", {.expect_change = false}));
  EXPECT_EQ(KindsAfter(stats, "fold-batchnorm"), Kinds{"batch_norm"});
  // Unranked input: no shape for the [C, 1, ...] constants.
  std::string unranked = Graph("f32[*]", "  %p = relu(%x) : f32[*]\n", "f32[*]", 3, "");
  EXPECT_EQ(KindsAfter(unranked, "fold-batchnorm"), (Kinds{"relu", "batch_norm"}));
}

TEST(FoldBatchNormTest, InsideARegion) {
  std::string kir =
      "graph @g(%c: bool[], %x: f32[N,2,4,4]) -> (f32[N,2,2,2]) {\n"
      "  %w = const @w : f32[2,2,3,3]\n"
      "  %s = const @s : f32[2]\n  %b = const @b : f32[2]\n  %m = const @m : f32[2]\n"
      "  %v = const @v : f32[2]\n"
      "  %y = if(%c) : f32[N,2,2,2] {\n"
      "    graph @then() -> (f32[N,2,2,2]) {\n"
      "      %p = conv(%x, %w) : f32[N,2,2,2]\n"
      "      %q = batch_norm(%p, %s, %b, %m, %v) : f32[N,2,2,2]\n"
      "      return %q\n    }\n"
      "    graph @else() -> (f32[N,2,2,2]) {\n"
      "      %p2 = conv(%x, %w) : f32[N,2,2,2]\n"
      "      %q2 = batch_norm(%p2, %s, %b, %m, %v) : f32[N,2,2,2]\n"
      "      return %q2\n    }\n  }\n  return %y\n}\nconstants {\n  @w = " +
      Values(36, 24) + "\n" + BnConstants(2) + "}\n";
  EXPECT_TRUE(PreservesNumerics(kir, "fold-batchnorm"));
  EXPECT_TRUE(IsIdempotent(kir, "fold-batchnorm"));
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  ASSERT_TRUE(RunPipelineOn(*g, "fold-batchnorm,dce").ok());
  const ir::Op* if_op = *g->ops().begin();
  EXPECT_EQ(if_op->region(0).num_ops(), 1u);
  EXPECT_EQ(if_op->region(1).num_ops(), 1u);
}

}  // namespace
}  // namespace kiln
