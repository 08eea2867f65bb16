#include "passes/cleanup/dce.h"

#include <gtest/gtest.h>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

class DceTest : public ::testing::Test {
 protected:
  PassResult RunDce() {
    pc_.SetCurrentPass(dce_.name());
    return dce_.run(graph_, pc_);
  }
  int64_t Stat(std::string_view name) const { return pc_.GetStatistic("dce", name); }

  ir::Context ctx_;
  ir::Graph graph_{ctx_, "net"};
  ir::Builder b_{graph_};
  const ir::TensorType* t_ = b_.Type(ir::ScalarType::kF32, {2});
  DeadCodeEliminationPass dce_;
  PassContext pc_;
};

TEST_F(DceTest, RemovesADeadChainInOneRun) {
  ir::Value* x = graph_.AddInput("x", t_);
  ir::Value* y = b_.Create(ir::OpKind::kRelu, {x}, t_);
  ir::Value* a = b_.Create(ir::OpKind::kNeg, {y}, t_);
  ir::Value* b = b_.Create(ir::OpKind::kAbs, {a}, t_);
  b_.Create(ir::OpKind::kAdd, {a, b}, t_);
  graph_.AddOutput(y, "y");

  PassResult r = RunDce();
  EXPECT_TRUE(r.changed());
  EXPECT_FALSE(r.preserved().all());
  ASSERT_EQ(graph_.num_ops(), 1u);
  EXPECT_EQ(*graph_.ops().begin(), y->producer());
  EXPECT_EQ(Stat("ops-removed"), 3);
  EXPECT_EQ(y->uses().size(), 1u);  // only the graph output
  EXPECT_TRUE(ir::VerifyGraph(graph_).ok()) << ir::VerifyGraph(graph_).message();

  EXPECT_FALSE(RunDce().changed());
  EXPECT_EQ(Stat("ops-removed"), 3);
}

TEST_F(DceTest, KeepsInputsAndRemovesUnusedConstantsAndPoolEntries) {
  ir::Value* x = graph_.AddInput("x", t_);
  graph_.AddInput("unused", t_);
  ir::Value* w = b_.ConstantF32({2}, {1, 2}, "w");
  b_.ConstantF32({2}, {3, 4}, "dead_w");
  ir::Value* only_dead_use = b_.ConstantF32({2}, {5, 6}, "dead_use");
  b_.Create(ir::OpKind::kMul, {x, only_dead_use}, t_);
  graph_.AddOutput(b_.Create(ir::OpKind::kAdd, {x, w}, t_));
  // A pool entry no value refers to.
  graph_.pool().Add("orphan", t_, ir::TensorData::FromVector<float>({7, 8}));
  ASSERT_EQ(graph_.pool().size(), 4u);

  EXPECT_TRUE(RunDce().changed());
  EXPECT_EQ(graph_.num_inputs(), 2);
  ASSERT_EQ(graph_.num_constants(), 1);
  EXPECT_EQ(graph_.constant(0), w);
  ASSERT_EQ(graph_.pool().size(), 1u);
  EXPECT_EQ(graph_.pool().entries()[0]->name, "w");
  EXPECT_EQ(Stat("ops-removed"), 1);
  EXPECT_EQ(Stat("constants-removed"), 2);
  EXPECT_EQ(Stat("pool-entries-removed"), 3);
  EXPECT_TRUE(ir::VerifyGraph(graph_).ok()) << ir::VerifyGraph(graph_).message();
}

TEST_F(DceTest, NothingToRemoveIsUnchanged) {
  ir::Value* x = graph_.AddInput("x", t_);
  graph_.AddOutput(b_.Create(ir::OpKind::kRelu, {x}, t_));
  EXPECT_FALSE(RunDce().changed());
  EXPECT_EQ(graph_.num_ops(), 1u);
}

TEST_F(DceTest, CleansRegionsAndTheValuesOnlyTheyUsed) {
  ir::Value* x = graph_.AddInput("x", t_);
  ir::Value* cond = graph_.AddInput("cond", ctx_.GetType(ir::ScalarType::kBool, ir::Shape()));
  ir::Value* w = b_.ConstantF32({2}, {1, 2}, "w");
  // Used only by a dead op inside the region: dead once the region is clean.
  ir::Value* outer = b_.Create(ir::OpKind::kNeg, {x}, t_);
  ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {cond}, {t_});
  ir::Graph& then_graph = branch->AddRegion("then");
  ir::Builder tb(then_graph);
  tb.Create(ir::OpKind::kAbs, {outer}, t_);                       // dead
  ir::Value* region_w = tb.ConstantF32({2}, {9, 9}, "region_w");  // used only by a dead op
  tb.Create(ir::OpKind::kMul, {x, region_w}, t_);                 // dead
  then_graph.AddOutput(tb.Create(ir::OpKind::kAdd, {x, w}, t_));  // w used only in the region
  ir::Graph& else_graph = branch->AddRegion("else");
  else_graph.AddOutput(x);
  graph_.AddOutput(branch->result(0));

  EXPECT_TRUE(RunDce().changed());
  EXPECT_EQ(then_graph.num_ops(), 1u);
  EXPECT_EQ(then_graph.num_constants(), 0);
  ASSERT_EQ(graph_.num_ops(), 1u);  // the if; neg went with the region's abs
  EXPECT_EQ(graph_.num_constants(), 1);
  EXPECT_EQ(graph_.constant(0), w);
  EXPECT_EQ(graph_.pool().size(), 1u);
  EXPECT_EQ(Stat("ops-removed"), 3);
  EXPECT_TRUE(ir::VerifyGraph(graph_).ok()) << ir::VerifyGraph(graph_).message();
  EXPECT_FALSE(RunDce().changed());
}

TEST_F(DceTest, RemovesAnUnusedOpWithRegions) {
  ir::Value* x = graph_.AddInput("x", t_);
  ir::Value* cond = graph_.AddInput("cond", ctx_.GetType(ir::ScalarType::kBool, ir::Shape()));
  ir::Value* w = b_.ConstantF32({2}, {1, 2}, "w");
  ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {cond}, {t_});
  ir::Graph& then_graph = branch->AddRegion("then");
  ir::Builder tb(then_graph);
  then_graph.AddOutput(tb.Create(ir::OpKind::kAdd, {x, w}, t_));
  branch->AddRegion("else").AddOutput(x);
  graph_.AddOutput(x);

  EXPECT_TRUE(RunDce().changed());
  EXPECT_EQ(graph_.num_ops(), 0u);
  EXPECT_EQ(graph_.num_constants(), 0);
  EXPECT_EQ(graph_.pool().size(), 0u);
  EXPECT_EQ(x->uses().size(), 1u);
  EXPECT_FALSE(cond->has_uses());
  EXPECT_TRUE(ir::VerifyGraph(graph_).ok()) << ir::VerifyGraph(graph_).message();
}

}  // namespace
}  // namespace kiln
