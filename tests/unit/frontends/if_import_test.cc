#include "frontends/onnx/if_import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

// then: relu(x), else: neg(x); x comes from the enclosing graph.
void AddIf(OnnxModelBuilder& m, const std::string& cond) {
  onnx::NodeProto* n = m.Node("If", {cond}, {"y"}, "branch");
  const char* ops[] = {"Relu", "Neg"};
  const char* names[] = {"then_branch", "else_branch"};
  for (int b = 0; b < 2; ++b) {
    onnx::AttributeProto* a = OnnxModelBuilder::Attr(n, names[b]);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* g = a->mutable_g();
    g->set_name(b == 0 ? "then_body" : "else_body");
    onnx::NodeProto* inner = g->add_node();
    inner->set_op_type(ops[b]);
    inner->add_input("x");
    inner->add_output(b == 0 ? "t" : "e");
    onnx::ValueInfoProto* out = g->add_output();
    out->set_name(b == 0 ? "t" : "e");
    OnnxModelBuilder::SetType(out->mutable_type(), TP::FLOAT, {4});
  }
}

TEST(IfImportTest, BranchesBecomeRegions) {
  OnnxModelBuilder m;
  m.Input("c", TP::BOOL, {});
  m.Input("x", TP::FLOAT, {4});
  AddIf(m, "c");
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(ir::PrintGraph(**g),
            "graph @test(%c: bool[], %x: f32[4]) -> (f32[4]) {\n"
            "  %y = if(%c) : f32[4] {\n"
            "    graph @then_body() -> (f32[4]) {\n"
            "      %t = relu(%x) : f32[4] loc(\"t\")\n"
            "      return %t\n"
            "    }\n"
            "    graph @else_body() -> (f32[4]) {\n"
            "      %e = neg(%x) : f32[4] loc(\"e\")\n"
            "      return %e\n"
            "    }\n"
            "  } loc(\"branch\")\n"
            "  return %y\n"
            "}\n");
}

TEST(IfImportTest, ConstantConditionInlinesTheTakenBranch) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {4});
  onnx::TensorProto* c = m.model.mutable_graph()->add_initializer();
  c->set_name("c");
  c->set_data_type(TP::BOOL);
  c->add_int32_data(0);
  AddIf(m, "c");
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = ir::PrintGraph(**g);
  EXPECT_THAT(text, HasSubstr("%e = neg(%x) : f32[4]"));
  EXPECT_THAT(text, HasSubstr("return %e as \"y\""));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("if(")));
}

TEST(IfImportTest, MissingBranchIsAnError) {
  OnnxModelBuilder m;
  m.Input("c", TP::BOOL, {});
  m.Node("If", {"c"}, {"y"}, "i");
  m.Output("y", TP::FLOAT, {1});
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(),
            "model.onnx: node 'i' (If): needs then_branch and else_branch graphs");
}

}  // namespace
}  // namespace kiln::onnx_import
