#include "ir/graph.h"

#include <gtest/gtest.h>

#include "ir/builder.h"

namespace kiln::ir {
namespace {

TEST(GraphTest, CreateOpTracksUses) {
  Context ctx;
  Graph g(ctx, "net");
  const TensorType* t = ctx.GetType(ScalarType::kF32, Shape::Static({4}));
  Value* x = g.AddInput("x", t);
  Op* relu = g.CreateOp(OpKind::kRelu, {x}, {t});
  g.AddOutput(relu->result(0), "y");
  ASSERT_EQ(x->uses().size(), 1u);
  EXPECT_EQ(x->uses()[0].op, relu);
  ASSERT_EQ(relu->result(0)->uses().size(), 1u);
  EXPECT_TRUE(relu->result(0)->uses()[0].is_graph_output());
}

}  // namespace
}  // namespace kiln::ir
