#include "passes/cleanup/cse.h"

#include <gtest/gtest.h>

#include <cmath>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

class CseTest : public ::testing::Test {
 protected:
  PassResult RunCse() {
    pc_.SetCurrentPass(cse_.name());
    return cse_.run(graph_, pc_);
  }
  int64_t Stat(std::string_view name) const { return pc_.GetStatistic("cse", name); }
  // Runs cse, checks the result verifies and that a second run changes nothing.
  PassResult RunCseChecked() {
    PassResult r = RunCse();
    Status s = ir::VerifyGraph(graph_);
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_FALSE(RunCse().changed()) << "cse is not idempotent";
    return r;
  }
  ir::Value* Input(std::string name) { return graph_.AddInput(std::move(name), t_); }
  ir::Value* Create(ir::OpKind kind, std::vector<ir::Value*> operands, ir::AttrMap attrs = {}) {
    return b_.Create(kind, std::move(operands), t_, std::move(attrs));
  }
  static ir::AttrMap Alpha(double alpha) {
    ir::AttrMap attrs;
    attrs.Set("alpha", alpha);
    return attrs;
  }

  ir::Context ctx_;
  ir::Graph graph_{ctx_, "net"};
  ir::Builder b_{graph_};
  const ir::TensorType* t_ = b_.Type(ir::ScalarType::kF32, {2});
  CommonSubexpressionEliminationPass cse_;
  PassContext pc_;
};

TEST_F(CseTest, MergesIntoTheFirstInProgramOrder) {
  ir::Value* x = Input("x");
  ir::Value* a = Create(ir::OpKind::kRelu, {x});
  ir::Value* b = Create(ir::OpKind::kRelu, {x});
  graph_.AddOutput(Create(ir::OpKind::kSub, {a, b}));
  graph_.AddOutput(b, "b");

  PassResult r = RunCseChecked();
  EXPECT_TRUE(r.changed());
  EXPECT_EQ(graph_.num_ops(), 2u);
  EXPECT_EQ(*graph_.ops().begin(), a->producer());
  ir::Op* sub = graph_.output(0)->producer();
  EXPECT_EQ(sub->operand(0), a);
  EXPECT_EQ(sub->operand(1), a);
  EXPECT_EQ(graph_.output(1), a);
  EXPECT_EQ(graph_.output_name(1), "b");
  EXPECT_EQ(Stat("ops-merged"), 1);
}

TEST_F(CseTest, ChainsCollapseInOneRun) {
  ir::Value* x = Input("x");
  ir::Value* a1 = Create(ir::OpKind::kRelu, {x});
  ir::Value* b1 = Create(ir::OpKind::kNeg, {a1});
  ir::Value* a2 = Create(ir::OpKind::kRelu, {x});
  ir::Value* b2 = Create(ir::OpKind::kNeg, {a2});
  graph_.AddOutput(Create(ir::OpKind::kSub, {b1, b2}));

  RunCseChecked();
  EXPECT_EQ(graph_.num_ops(), 3u);
  EXPECT_EQ(Stat("ops-merged"), 2);
  EXPECT_EQ(graph_.output(0)->producer()->operand(1), b1);
}

TEST_F(CseTest, CommutativeOperandsInAnyOrder) {
  ir::Value* x = Input("x");
  ir::Value* y = Input("y");
  ir::Value* add1 = Create(ir::OpKind::kAdd, {x, y});
  ir::Value* add2 = Create(ir::OpKind::kAdd, {y, x});
  ir::Value* max1 = Create(ir::OpKind::kMax, {y, add1, x});
  ir::Value* max2 = Create(ir::OpKind::kMax, {add2, x, y});
  ir::Value* sub1 = Create(ir::OpKind::kSub, {x, y});
  ir::Value* sub2 = Create(ir::OpKind::kSub, {y, x});  // not commutative
  for (ir::Value* v : {add1, add2, max1, max2, sub1, sub2}) graph_.AddOutput(v);

  RunCseChecked();
  EXPECT_EQ(Stat("ops-merged"), 2);
  EXPECT_EQ(graph_.output(1), add1);
  EXPECT_EQ(graph_.output(3), max1);
  EXPECT_EQ(graph_.output(4), sub1);
  EXPECT_EQ(graph_.output(5), sub2);
  // The survivor keeps its own operand order.
  EXPECT_EQ(add1->producer()->operand(0), x);
}

TEST_F(CseTest, DifferentAttributesAreNotMerged) {
  ir::Value* x = Input("x");
  ir::Value* a = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(0.1));
  ir::Value* b = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(0.2));
  ir::Value* c = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(0.1));
  ir::Value* no_attr = Create(ir::OpKind::kLeakyRelu, {x});
  ir::Value* zero = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(0.0));
  ir::Value* negative_zero = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(-0.0));
  ir::Value* nan1 = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(std::nan("")));
  ir::Value* nan2 = Create(ir::OpKind::kLeakyRelu, {x}, Alpha(std::nan("")));
  for (ir::Value* v : {a, b, c, no_attr, zero, negative_zero, nan1, nan2}) graph_.AddOutput(v);

  RunCseChecked();
  EXPECT_EQ(Stat("ops-merged"), 2);
  EXPECT_EQ(graph_.output(2), a);
  EXPECT_NE(graph_.output(1), a);
  EXPECT_NE(graph_.output(3), a);
  EXPECT_NE(graph_.output(5), zero);  // -0.0 is not 0.0
  EXPECT_EQ(graph_.output(7), nan1);  // the same NaN bits are the same attribute
}

TEST_F(CseTest, DifferentResultTypesAreNotMerged) {
  ir::Value* x = Input("x");
  ir::Value* f16 = b_.Create(ir::OpKind::kCast, {x}, b_.Type(ir::ScalarType::kF16, {2}));
  ir::Value* i32 = b_.Create(ir::OpKind::kCast, {x}, b_.Type(ir::ScalarType::kI32, {2}));
  graph_.AddOutput(f16);
  graph_.AddOutput(i32);
  EXPECT_FALSE(RunCse().changed());
  EXPECT_EQ(graph_.num_ops(), 2u);
}

TEST_F(CseTest, MultiResultOpsMergeEveryResult) {
  ir::Value* x = Input("x");
  const ir::TensorType* half = b_.Type(ir::ScalarType::kF32, {1});
  ir::AttrMap axis;
  axis.Set("axis", int64_t{0});
  ir::Op* s1 = b_.CreateOp(ir::OpKind::kSplit, {x}, {half, half}, axis);
  ir::Op* s2 = b_.CreateOp(ir::OpKind::kSplit, {x}, {half, half}, axis);
  graph_.AddOutput(s2->result(1));
  graph_.AddOutput(s2->result(0));
  RunCseChecked();
  EXPECT_EQ(graph_.num_ops(), 1u);
  EXPECT_EQ(graph_.output(0), s1->result(1));
  EXPECT_EQ(graph_.output(1), s1->result(0));
}

TEST_F(CseTest, IdenticalConstantsMerge) {
  ir::Value* x = Input("x");
  ir::Value* w1 = b_.ConstantF32({2}, {1, 2}, "w1");
  ir::Value* w2 = b_.ConstantF32({2}, {1, 2}, "w2");
  ir::Value* other_bytes = b_.ConstantF32({2}, {2, 1}, "w3");
  ir::Value* other_type = b_.ConstantF32({1, 2}, {1, 2}, "w4");
  ir::Value* same_entry = graph_.AddConstantRef(other_bytes->constant());
  graph_.AddOutput(Create(ir::OpKind::kMul, {x, w1}));
  graph_.AddOutput(Create(ir::OpKind::kMul, {x, w2}));  // merges once w2 is w1
  graph_.AddOutput(Create(ir::OpKind::kMul, {x, other_bytes}));
  graph_.AddOutput(
      b_.Create(ir::OpKind::kMul, {x, other_type}, b_.Type(ir::ScalarType::kF32, {1, 2})));
  graph_.AddOutput(Create(ir::OpKind::kMul, {x, same_entry}));

  RunCseChecked();
  EXPECT_EQ(Stat("constants-merged"), 2);
  EXPECT_EQ(Stat("ops-merged"), 2);
  ASSERT_EQ(graph_.num_constants(), 3);
  EXPECT_EQ(graph_.constant(0), w1);
  EXPECT_EQ(graph_.constant(1), other_bytes);
  EXPECT_EQ(graph_.constant(2), other_type);
  EXPECT_EQ(graph_.output(1), graph_.output(0));
  EXPECT_EQ(graph_.output(4), graph_.output(2));
  EXPECT_EQ(graph_.pool().size(), 4u);  // w2's entry waits for dce
}

TEST_F(CseTest, RegionsReuseEnclosingOpsButNeverTheReverse) {
  ir::Value* x = Input("x");
  ir::Value* cond = graph_.AddInput("cond", ctx_.GetType(ir::ScalarType::kBool, ir::Shape()));
  ir::Value* w = b_.ConstantF32({2}, {1, 2}, "w");
  ir::Value* outer_relu = Create(ir::OpKind::kRelu, {x});
  ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {cond}, {t_, t_});

  ir::Graph& then_graph = branch->AddRegion("then");
  ir::Builder tb(then_graph);
  ir::Value* then_w = tb.ConstantF32({2}, {1, 2}, "then_w");     // same as w: merges
  ir::Value* then_relu = tb.Create(ir::OpKind::kRelu, {x}, t_);  // same as outer_relu: merges
  ir::Value* then_neg = tb.Create(ir::OpKind::kNeg, {x}, t_);
  ir::Value* then_neg2 = tb.Create(ir::OpKind::kNeg, {x}, t_);  // same region: merges
  then_graph.AddOutput(tb.Create(ir::OpKind::kMul, {then_relu, then_w}, t_));
  then_graph.AddOutput(tb.Create(ir::OpKind::kSub, {then_neg, then_neg2}, t_));

  ir::Graph& else_graph = branch->AddRegion("else");
  ir::Builder eb(else_graph);
  ir::Value* else_neg = eb.Create(ir::OpKind::kNeg, {x}, t_);  // sibling region: stays
  else_graph.AddOutput(else_neg);
  else_graph.AddOutput(eb.Create(ir::OpKind::kAbs, {x}, t_));

  ir::Value* after_neg = Create(ir::OpKind::kNeg, {x});  // after the if: stays
  ir::Value* after_abs = Create(ir::OpKind::kAbs, {x});
  graph_.AddOutput(Create(ir::OpKind::kAdd, {branch->result(0), after_neg}));
  graph_.AddOutput(Create(ir::OpKind::kAdd, {branch->result(1), after_abs}));
  graph_.AddOutput(Create(ir::OpKind::kMul, {outer_relu, w}));

  RunCseChecked();
  EXPECT_EQ(Stat("constants-merged"), 1);
  EXPECT_EQ(Stat("ops-merged"), 2);
  EXPECT_EQ(then_graph.num_constants(), 0);
  ir::Op* then_mul = then_graph.output(0)->producer();
  EXPECT_EQ(then_mul->operand(0), outer_relu);
  EXPECT_EQ(then_mul->operand(1), w);
  EXPECT_EQ(then_graph.output(1)->producer()->operand(1), then_neg);
  EXPECT_EQ(else_graph.output(0), else_neg);
  EXPECT_EQ(graph_.output(0)->producer()->operand(1), after_neg);
  EXPECT_EQ(graph_.output(1)->producer()->operand(1), after_abs);
  // then's mul(relu(x), w) and the root's mul(outer_relu, w) after the if are not merged
  // either: the root one comes later and cannot use a region's value.
  EXPECT_NE(graph_.output(2), then_graph.output(0));
  EXPECT_EQ(graph_.output(2)->producer()->graph(), &graph_);
}

TEST_F(CseTest, OpsWithRegionsAreNotMerged) {
  ir::Value* x = Input("x");
  ir::Value* cond = graph_.AddInput("cond", ctx_.GetType(ir::ScalarType::kBool, ir::Shape()));
  for (int i = 0; i < 2; ++i) {
    ir::Op* branch = b_.CreateOp(ir::OpKind::kIf, {cond}, {t_});
    branch->AddRegion("then").AddOutput(x);
    branch->AddRegion("else").AddOutput(x);
    graph_.AddOutput(branch->result(0));
  }
  EXPECT_FALSE(RunCse().changed());
  EXPECT_EQ(graph_.num_ops(), 2u);
}

TEST_F(CseTest, NothingToMergeIsUnchanged) {
  ir::Value* x = Input("x");
  graph_.AddOutput(Create(ir::OpKind::kRelu, {x}));
  graph_.AddOutput(Create(ir::OpKind::kNeg, {x}));
  b_.ConstantF32({2}, {1, 2}, "w");
  EXPECT_FALSE(RunCse().changed());
  EXPECT_EQ(Stat("ops-merged"), 0);
}

}  // namespace
}  // namespace kiln
