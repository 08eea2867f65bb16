#include "passes/analysis/liveness.h"

#include <gtest/gtest.h>

#include "ir/builder.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

using Interval = Liveness::Interval;

class LivenessTest : public ::testing::Test {
 protected:
  ir::Context ctx_;
  ir::Graph graph_{ctx_, "net"};
  ir::Builder b_{graph_};
  const ir::TensorType* t_ = b_.Type(ir::ScalarType::kF32, {4});
};

TEST_F(LivenessTest, DefinitionAndLastUse) {
  ir::Value* x = graph_.AddInput("x", t_);
  ir::Value* unused_input = graph_.AddInput("unused", t_);
  ir::Value* w = b_.ConstantF32({4}, {1, 2, 3, 4}, "w");
  ir::Value* a = b_.Create(ir::OpKind::kMul, {x, w}, t_);  // op 0
  ir::Value* b = b_.Create(ir::OpKind::kRelu, {a}, t_);    // op 1
  ir::Value* dead = b_.Create(ir::OpKind::kNeg, {b}, t_);  // op 2
  ir::Value* c = b_.Create(ir::OpKind::kAdd, {a, b}, t_);  // op 3
  graph_.AddOutput(c, "y");

  Liveness live(graph_);
  EXPECT_EQ(live.num_ops(), 4);
  EXPECT_EQ(live.op(3), c->producer());
  EXPECT_EQ(live.OpIndex(b->producer()), 1);
  EXPECT_EQ(live.Get(x), (Interval{-1, 0}));
  EXPECT_EQ(live.Get(unused_input), (Interval{-1, -1}));
  EXPECT_EQ(live.Get(w), (Interval{-1, 0}));
  EXPECT_EQ(live.Get(a), (Interval{0, 3}));
  EXPECT_EQ(live.Get(b), (Interval{1, 3}));
  EXPECT_EQ(live.Get(dead), (Interval{2, 2}));
  EXPECT_EQ(live.Get(c), (Interval{3, 4}));  // a graph output lives to the end

  std::vector<const ir::Value*> expected = {x, unused_input, w, a, b, dead, c};
  EXPECT_EQ(live.values(), expected);
  EXPECT_TRUE(live.Interferes(a, dead));
  EXPECT_TRUE(live.Interferes(x, a));  // an op's operand and result coexist at the op
  EXPECT_FALSE(live.Interferes(x, b));
  EXPECT_FALSE(live.Interferes(dead, c));
}

TEST_F(LivenessTest, InputReturnedDirectlyLivesToTheEnd) {
  ir::Value* x = graph_.AddInput("x", t_);
  graph_.AddOutput(b_.Create(ir::OpKind::kRelu, {x}, t_));
  graph_.AddOutput(x, "passthrough");
  Liveness live(graph_);
  EXPECT_EQ(live.Get(x), (Interval{-1, 1}));
}

TEST_F(LivenessTest, UsesInsideRegionsCountAtTheRegionOp) {
  ir::Value* x = graph_.AddInput("x", t_);
  ir::Value* cond = graph_.AddInput("cond", ctx_.GetType(ir::ScalarType::kBool, ir::Shape()));
  ir::Value* a = b_.Create(ir::OpKind::kRelu, {x}, t_);         // op 0
  ir::Value* k = b_.Create(ir::OpKind::kNeg, {x}, t_);          // op 1
  ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {cond}, {t_});  // op 2
  ir::Graph& then_graph = branch->AddRegion("then");
  ir::Builder tb(then_graph);
  then_graph.AddOutput(tb.Create(ir::OpKind::kAbs, {a}, t_));  // a used by an op in a region
  ir::Graph& else_graph = branch->AddRegion("else");
  else_graph.AddOutput(k);                                                 // k returned by a region
  ir::Value* y = b_.Create(ir::OpKind::kAdd, {branch->result(0), x}, t_);  // op 3
  graph_.AddOutput(y);

  Liveness live(graph_);
  EXPECT_EQ(live.num_ops(), 4);
  EXPECT_EQ(live.Get(a), (Interval{0, 2}));
  EXPECT_EQ(live.Get(k), (Interval{1, 2}));
  EXPECT_EQ(live.Get(cond), (Interval{-1, 2}));
  EXPECT_EQ(live.Get(x), (Interval{-1, 3}));
  EXPECT_EQ(live.Get(branch->result(0)), (Interval{2, 3}));
  EXPECT_FALSE(live.Contains(then_graph.output(0)));  // region values are not covered
}

TEST_F(LivenessTest, CachedInThePassContext) {
  ir::Value* x = graph_.AddInput("x", t_);
  graph_.AddOutput(b_.Create(ir::OpKind::kRelu, {x}, t_));
  PassContext pc;
  const Liveness& first = pc.GetAnalysis<Liveness>(graph_);
  EXPECT_EQ(&pc.GetAnalysis<Liveness>(graph_), &first);
  EXPECT_EQ(first.Get(x), (Interval{-1, 0}));
  pc.Invalidate(PreservedAnalyses::None());
  EXPECT_FALSE(pc.IsCached<Liveness>(graph_));
}

}  // namespace
}  // namespace kiln
