#include "frontends/onnx/function_inline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

TEST(FunctionInlineTest, CeluInlinesItsSchemaFunction) {
  OnnxModelBuilder m(13);
  m.Input("x", TP::FLOAT, {2, 3});
  OnnxModelBuilder::AttrFloat(m.Node("Celu", {"x"}, {"y"}, "celu"), "alpha", 2.0f);
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = ir::PrintGraph(**g);
  // Celu(x) = alpha * elu(x / alpha), with the inner values named under the node.
  EXPECT_THAT(text, HasSubstr("= div(%x, %\"celu/alpha\") : f32[2,3]"));
  EXPECT_THAT(text, HasSubstr("elu("));
  EXPECT_THAT(text, HasSubstr("%y = mul("));
  EXPECT_THAT(text, HasSubstr("@\"celu/alpha\" = [2.0]"));
}

TEST(FunctionInlineTest, ContextDependentFunctionInlines) {
  OnnxModelBuilder m(13);
  m.Input("scores", TP::FLOAT, {3, 5});
  m.Input("labels", TP::INT64, {3});
  m.Node("SoftmaxCrossEntropyLoss", {"scores", "labels"}, {"loss"}, "sce");
  m.Output("loss");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = ir::PrintGraph(**g);
  EXPECT_THAT(text, HasSubstr("log_softmax("));
  EXPECT_EQ((*g)->output(0)->type()->ToString(), "f32[]");
}

TEST(FunctionInlineTest, ModelLocalFunctionInlines) {
  OnnxModelBuilder m(13);
  auto* id = m.model.add_opset_import();
  id->set_domain("local");
  id->set_version(1);
  onnx::FunctionProto* fn = m.model.add_functions();
  fn->set_name("Twice");
  fn->set_domain("local");
  fn->add_input("a");
  fn->add_output("b");
  *fn->add_opset_import() = m.model.opset_import(0);
  onnx::NodeProto* n = fn->add_node();
  n->set_op_type("Add");
  n->add_input("a");
  n->add_input("a");
  n->add_output("b");
  m.Input("x", TP::FLOAT, {4});
  m.Node("Twice", {"x"}, {"y"}, "tw")->set_domain("local");
  m.Output("y", TP::FLOAT, {4});
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(ir::PrintGraph(**g), HasSubstr("%y = add(%x, %x) : f32[4] loc(\"tw/Add_0\")"));
}

TEST(FunctionInlineTest, RecursiveLocalFunctionIsAnError) {
  OnnxModelBuilder m(13);
  auto* id = m.model.add_opset_import();
  id->set_domain("local");
  id->set_version(1);
  onnx::FunctionProto* fn = m.model.add_functions();
  fn->set_name("Loop");
  fn->set_domain("local");
  fn->add_input("a");
  fn->add_output("b");
  onnx::NodeProto* n = fn->add_node();
  n->set_op_type("Loop");
  n->set_domain("local");
  n->add_input("a");
  n->add_output("b");
  m.Input("x", TP::FLOAT, {4});
  m.Node("Loop", {"x"}, {"y"}, "l")->set_domain("local");
  m.Output("y", TP::FLOAT, {4});
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_FALSE(g);
  EXPECT_THAT(g.error().message(), HasSubstr("functions nest too deeply"));
}

}  // namespace
}  // namespace kiln::onnx_import
