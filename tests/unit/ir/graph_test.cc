#include "ir/graph.h"

#include <gtest/gtest.h>

#include "ir/builder.h"

namespace kiln::ir {
namespace {

class GraphTest : public ::testing::Test {
 protected:
  Context ctx_;
  Graph g_{ctx_, "net"};
  const TensorType* t_ = ctx_.GetType(ScalarType::kF32, Shape::Static({4}));
};

TEST_F(GraphTest, CreateOpTracksUses) {
  Value* x = g_.AddInput("x", t_);
  Op* relu = g_.CreateOp(OpKind::kRelu, {x}, {t_});
  g_.AddOutput(relu->result(0), "y");
  ASSERT_EQ(x->uses().size(), 1u);
  EXPECT_EQ(x->uses()[0].op, relu);
  EXPECT_EQ(x->uses()[0].index, 0);
  ASSERT_EQ(relu->result(0)->uses().size(), 1u);
  EXPECT_TRUE(relu->result(0)->uses()[0].is_graph_output());
  EXPECT_EQ(relu->result(0)->producer(), relu);
  EXPECT_EQ(relu->graph(), &g_);
  EXPECT_EQ(g_.output_name(0), "y");
}

TEST_F(GraphTest, SameValueUsedTwiceHasTwoUses) {
  Value* x = g_.AddInput("x", t_);
  Op* add = g_.CreateOp(OpKind::kAdd, {x, x}, {t_});
  EXPECT_EQ(x->uses().size(), 2u);
  add->SetOperand(1, nullptr);
  EXPECT_EQ(x->uses().size(), 1u);
  EXPECT_EQ(x->uses()[0].index, 0);
}

TEST_F(GraphTest, ReplaceAllUsesWithUpdatesOperandsAndOutputs) {
  Value* x = g_.AddInput("x", t_);
  Value* y = g_.AddInput("y", t_);
  Op* relu = g_.CreateOp(OpKind::kRelu, {x}, {t_});
  g_.AddOutput(x, "passthrough");
  x->ReplaceAllUsesWith(y);
  EXPECT_FALSE(x->has_uses());
  EXPECT_EQ(relu->operand(0), y);
  EXPECT_EQ(g_.output(0), y);
  EXPECT_EQ(y->uses().size(), 2u);
}

TEST_F(GraphTest, EraseOpDropsOperandUses) {
  Value* x = g_.AddInput("x", t_);
  Op* a = g_.CreateOp(OpKind::kRelu, {x}, {t_});
  Op* b = g_.CreateOp(OpKind::kNeg, {a->result(0)}, {t_});
  g_.EraseOp(b);
  EXPECT_FALSE(a->result(0)->has_uses());
  g_.EraseOp(a);
  EXPECT_FALSE(x->has_uses());
  EXPECT_EQ(g_.num_ops(), 0u);
}

TEST_F(GraphTest, InsertBeforeAndMove) {
  Value* x = g_.AddInput("x", t_);
  Op* a = g_.CreateOp(OpKind::kRelu, {x}, {t_});
  Op* b = g_.CreateOp(OpKind::kNeg, {x}, {t_}, {}, a);
  std::vector<Op*> order = g_.OpList();
  ASSERT_EQ(order.size(), 2u);
  EXPECT_EQ(order[0], b);
  EXPECT_EQ(order[1], a);
  g_.MoveOpBefore(a, b);
  order.clear();
  for (Op* op : g_.ops()) order.push_back(op);
  EXPECT_EQ(order[0], a);
  EXPECT_EQ(order[1], b);
}

TEST_F(GraphTest, ConstantsShareThePoolAndPruneDropsUnreferenced) {
  Builder b(g_);
  Value* c1 = b.ConstantF32({2}, {1.0f, 2.0f}, "w");
  Value* c2 = b.ConstantF32({2}, {3.0f, 4.0f}, "w");
  EXPECT_EQ(c1->constant()->name, "w");
  EXPECT_EQ(c2->constant()->name, "w_1");
  EXPECT_TRUE(c1->is_constant());
  EXPECT_EQ(c1->constant()->data->As<float>()[1], 2.0f);
  Value* again = g_.AddConstantRef(c1->constant());
  EXPECT_EQ(again->type(), c1->type());
  g_.EraseConstant(c2);
  EXPECT_EQ(g_.PrunePool(), 1);
  EXPECT_EQ(g_.pool().size(), 1u);
  EXPECT_EQ(g_.pool().Find("w_1"), nullptr);
  EXPECT_NE(g_.pool().Find("w"), nullptr);
}

TEST_F(GraphTest, RegionsSeeOuterValuesAndShareThePool) {
  Value* x = g_.AddInput("x", t_);
  Value* cond = g_.AddInput("c", ctx_.GetType(ScalarType::kBool, Shape()));
  Op* if_op = g_.CreateOp(OpKind::kIf, {cond}, {t_});
  Graph& then_g = if_op->AddRegion("then");
  Graph& else_g = if_op->AddRegion("else");
  Op* relu = then_g.CreateOp(OpKind::kRelu, {x}, {t_});
  then_g.AddOutput(relu->result(0));
  Value* c = Builder(else_g).ConstantF32({4}, {0, 0, 0, 0}, "zero");
  else_g.AddOutput(c);
  g_.AddOutput(if_op->result(0), "y");

  EXPECT_EQ(then_g.parent_op(), if_op);
  EXPECT_EQ(then_g.parent_graph(), &g_);
  EXPECT_EQ(&then_g.root(), &g_);
  EXPECT_TRUE(then_g.IsVisible(x));
  EXPECT_FALSE(g_.IsVisible(relu->result(0)));
  EXPECT_EQ(&else_g.pool(), &g_.pool());
  EXPECT_NE(g_.pool().Find("zero"), nullptr);
  EXPECT_EQ(g_.PrunePool(), 0);  // referenced from a region

  // Erasing the if drops the region's use of the outer value.
  g_.SetOutput(0, x);
  g_.EraseOp(if_op);
  EXPECT_EQ(x->uses().size(), 1u);  // only the graph output
}

TEST(GraphLifetimeTest, DestroyingAGraphWithCrossRegionUsesIsSafe) {
  Context ctx;
  const TensorType* t = ctx.GetType(ScalarType::kF32, Shape::Static({1}));
  auto g = std::make_unique<Graph>(ctx);
  Value* x = g->AddInput("x", t);
  Op* if_op = g->CreateOp(OpKind::kIf, {x}, {t});
  Graph& then_g = if_op->AddRegion("then");
  then_g.AddOutput(then_g.CreateOp(OpKind::kNeg, {x}, {t})->result(0));
  if_op->AddRegion("else").AddOutput(x);
  g->AddOutput(if_op->result(0));
  g.reset();  // must not touch freed values (ASan checks this)
  SUCCEED();
}

TEST(BuilderTest, InsertionPoint) {
  Context ctx;
  Graph g(ctx);
  Builder b(g);
  Value* x = g.AddInput("x", b.F32({Dim::Symbol("N"), Dim(3)}));
  Value* r = b.Create(OpKind::kRelu, {x}, x->type());
  b.SetInsertionPoint(r->producer());
  Value* n = b.Create(OpKind::kNeg, {x}, x->type());
  EXPECT_EQ(g.OpList().front(), n->producer());
  EXPECT_EQ(x->type()->ToString(), "f32[N,3]");
  Value* i = b.ConstantI64({2}, {1, -1});
  EXPECT_EQ(i->type()->ToString(), "i64[2]");
  EXPECT_EQ(i->constant()->data->As<int64_t>()[1], -1);
}

}  // namespace
}  // namespace kiln::ir
