// ONNX nodes may leave outputs unnamed in the middle (LSTM with outputs ["", "Y_h"]): the
// importer creates every result up to the last named one and leaves the unnamed ones unused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "frontends/onnx/importer.h"
#include "ir/graph.h"
#include "ir/printer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

// An LSTM over x [seq 2, batch 1, input 3] with hidden size 4 and the given output names.
OnnxModelBuilder Lstm(const std::vector<std::string>& outputs) {
  OnnxModelBuilder m(14);
  m.Input("x", TP::FLOAT, {2, 1, 3});
  m.Input("w", TP::FLOAT, {1, 16, 3});
  m.Input("r", TP::FLOAT, {1, 16, 4});
  OnnxModelBuilder::AttrInt(m.Node("LSTM", {"x", "w", "r"}, outputs, "lstm"), "hidden_size", 4);
  for (const std::string& name : outputs) {
    if (!name.empty()) m.Output(name);
  }
  return m;
}

TEST(RecurrentImportTest, UnnamedLeadingOutputIsCreatedButUnused) {
  ir::Context ctx;
  auto g = Lstm({"", "Y_h"}).Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  ASSERT_EQ((*g)->num_outputs(), 1);
  const ir::Op* lstm = (*g)->output(0)->producer();
  ASSERT_EQ(lstm->kind(), ir::OpKind::kLstm);
  ASSERT_EQ(lstm->num_results(), 2);
  EXPECT_EQ((*g)->output(0), lstm->result(1));
  EXPECT_TRUE(lstm->result(0)->uses().empty());
  EXPECT_EQ(lstm->result(1)->type()->ToString(), "f32[1,1,4]");
  EXPECT_THAT(ir::PrintGraph(**g), HasSubstr("%Y_h = lstm(%x, %w, %r)"));
}

TEST(RecurrentImportTest, UnnamedMiddleOutputAndTrailingUnnamedOutputs) {
  ir::Context ctx;
  auto g = Lstm({"Y", "", "Y_c"}).Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  const ir::Op* lstm = (*g)->output(0)->producer();
  ASSERT_EQ(lstm->num_results(), 3);
  EXPECT_EQ((*g)->output(1), lstm->result(2));
  EXPECT_TRUE(lstm->result(1)->uses().empty());

  // Trailing unnamed outputs are not created at all.
  ir::Context ctx2;
  auto g2 = Lstm({"Y", "", ""}).Import(ctx2);
  ASSERT_TRUE(g2) << g2.error().message();
  EXPECT_EQ((*g2)->output(0)->producer()->num_results(), 1);
}

}  // namespace
}  // namespace kiln::onnx_import
