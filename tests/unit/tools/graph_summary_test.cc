#include "tools/kiln/graph_summary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/builder.h"

namespace kiln::cli {
namespace {

using ir::OpKind;

TEST(GraphSummaryTest, CountsOpsAndParameters) {
  ir::Context ctx;
  ir::Graph g(ctx, "net");
  ir::Builder b(g);
  const ir::TensorType* t = b.F32({ir::Dim::Symbol("N"), ir::Dim(4)});
  ir::Value* x = g.AddInput("x", t);
  ir::Value* w = b.ConstantF32({4, 4}, std::vector<float>(16, 0.5f), "w");
  ir::Value* shape = b.ConstantI64({2}, {-1, 4}, "shape");
  ir::Value* y = b.Create(OpKind::kMatMul, {x, w}, t);
  y = b.Create(OpKind::kRelu, {y}, t);
  y = b.Create(OpKind::kRelu, {y}, t);
  y = b.Create(OpKind::kReshape, {y, shape}, t);
  g.AddOutput(y, "logits");

  GraphStats stats = ComputeGraphStats(g);
  EXPECT_EQ(stats.num_ops, 4);
  EXPECT_THAT(stats.op_counts,
              ::testing::ElementsAre(std::pair<std::string, int64_t>("matmul", 1),
                                     std::pair<std::string, int64_t>("relu", 2),
                                     std::pair<std::string, int64_t>("reshape", 1)));
  EXPECT_EQ(stats.num_constants, 2);
  EXPECT_EQ(stats.num_parameters, 18);
  EXPECT_EQ(stats.parameter_bytes, 16 * 4 + 2 * 8);

  std::string text = SummarizeGraph(g);
  EXPECT_THAT(text, ::testing::HasSubstr("graph @net\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("  x: f32[N,4]\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("  logits: f32[N,4]\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("parameters: 18 in 2 constants (80 B)"));
}

TEST(GraphSummaryTest, CountsOpsInsideRegions) {
  ir::Context ctx;
  ir::Graph g(ctx);
  const ir::TensorType* t = ctx.GetType(ir::ScalarType::kF32, ir::Shape::Static({2}));
  ir::Value* c = g.AddInput("c", ctx.GetType(ir::ScalarType::kBool, ir::Shape()));
  ir::Value* x = g.AddInput("x", t);
  ir::Op* if_op = g.CreateOp(OpKind::kIf, {c}, {t});
  ir::Graph& then_g = if_op->AddRegion("then");
  then_g.AddOutput(then_g.CreateOp(OpKind::kNeg, {x}, {t})->result(0));
  if_op->AddRegion("else").AddOutput(x);
  g.AddOutput(if_op->result(0));
  GraphStats stats = ComputeGraphStats(g);
  EXPECT_EQ(stats.num_ops, 2);
}

}  // namespace
}  // namespace kiln::cli
