#include "frontends/onnx/inference_guard.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <onnx/shape_inference/implementation.h>

#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

std::string ImportError(const OnnxModelBuilder& m) {
  ir::Context ctx;
  auto g = m.Import(ctx);
  return g ? "no error" : g.error().message();
}

// The fuzzer's finding: ONNX 1.12's Conv shape inference divides by each stride, so a zero
// stride raised SIGFPE inside libonnx. It must be an error before inference runs.
TEST(InferenceGuardTest, ZeroConvStrideIsAnErrorNotACrash) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 1, 7, 5});
  m.Input("W", TP::FLOAT, {1, 1, 3, 3});
  onnx::NodeProto* conv = m.Node("Conv", {"x", "W"}, {"y"});
  OnnxModelBuilder::AttrInts(conv, "pads", {1, 1, 1, 1});
  OnnxModelBuilder::AttrInts(conv, "strides", {2, 0});
  m.Output("y");
  EXPECT_EQ(ImportError(m), "model.onnx: node 'y' (Conv): strides must be positive, got [2,0]");
}

// The fuzzer's second finding: a Conv whose weight has a higher rank than its input (kernel
// dims come from the weight) made ONNX 1.12's inference read past its dilations. The guarded
// registry fails that node's inference instead, and the import reports the mismatch.
TEST(InferenceGuardTest, ConvWeightRankAboveTheInputsIsAnErrorNotACrash) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 7, 5});
  m.Input("W", TP::FLOAT, {1, 1, 3, 3});
  onnx::NodeProto* conv = m.Node("Conv", {"x", "W"}, {"y"});
  OnnxModelBuilder::AttrInts(conv, "strides", {2});
  m.Output("y");
  EXPECT_THAT(ImportError(m), HasSubstr("operand 1 has rank 4, but the input has rank 3"));
}

// The same check seen from ONNX's side: inference of that node fails with the guard's message
// rather than running ONNX's own function.
TEST(InferenceGuardTest, GuardedRegistryFailsTheMismatchedNodesInference) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 7, 5});
  m.Input("W", TP::FLOAT, {1, 1, 3, 3});
  m.Node("Conv", {"x", "W"}, {"y"});
  m.Output("y");
  onnx::ModelProto model = m.model;
  onnx::ShapeInferenceOptions strict(/*check_type_val=*/false, /*strict_mode_val=*/1);
  try {
    onnx::shape_inference::InferShapes(model, &GuardedSchemaRegistry(), strict);
    ADD_FAILURE() << "inference did not fail";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("Conv: the weight has rank 4, the input 3"));
  }
  // Attribute lengths are checked against the input's spatial rank too.
  OnnxModelBuilder p;
  p.Input("x", TP::FLOAT, {1, 1, 4, 4});
  onnx::NodeProto* pool = p.Node("MaxPool", {"x"}, {"y"});
  OnnxModelBuilder::AttrInts(pool, "kernel_shape", {2, 2});
  OnnxModelBuilder::AttrInts(pool, "pads", {1, 1});
  p.Output("y");
  model = p.model;
  try {
    onnx::shape_inference::InferShapes(model, &GuardedSchemaRegistry(), strict);
    ADD_FAILURE() << "inference did not fail";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("MaxPool: pads has 2 values, expected 4"));
  }
}

TEST(InferenceGuardTest, PoolingKernelAndDilationsMustBePositive) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 1, 4, 4});
  onnx::NodeProto* pool = m.Node("MaxPool", {"x"}, {"y"});
  OnnxModelBuilder::AttrInts(pool, "kernel_shape", {2, 0});
  m.Output("y");
  EXPECT_THAT(ImportError(m), HasSubstr("kernel_shape must be positive, got [2,0]"));
}

TEST(InferenceGuardTest, ZeroBlocksizeIsAnError) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 4, 2, 2});
  onnx::NodeProto* d2s = m.Node("DepthToSpace", {"x"}, {"y"});
  OnnxModelBuilder::AttrInt(d2s, "blocksize", 0);
  m.Output("y");
  EXPECT_THAT(ImportError(m), HasSubstr("(DepthToSpace): blocksize must be positive, got 0"));
}

TEST(InferenceGuardTest, ConstantZeroRangeDeltaIsAnError) {
  OnnxModelBuilder m;
  m.InitializerI64("start", {}, {0});
  m.InitializerI64("limit", {}, {10});
  m.InitializerI64("delta", {}, {0});
  m.Node("Range", {"start", "limit", "delta"}, {"y"});
  m.Output("y");
  EXPECT_THAT(ImportError(m), HasSubstr("(Range): delta must not be 0"));
}

TEST(InferenceGuardTest, ChecksSubgraphs) {
  onnx::GraphProto branch;
  onnx::NodeProto* conv = branch.add_node();
  conv->set_op_type("Conv");
  conv->add_input("x");
  conv->add_input("w");
  conv->add_output("y");
  OnnxModelBuilder::AttrInts(conv, "dilations", {1, -1});
  onnx::GraphProto outer;
  onnx::NodeProto* node = outer.add_node();
  node->set_op_type("If");
  node->set_name("choose");
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name("then_branch");
  a->set_type(onnx::AttributeProto::GRAPH);
  *a->mutable_g() = branch;
  Status s = CheckShapeInferenceInputs(outer, "m.onnx");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "m.onnx: node 'y' (Conv): dilations must be positive, got [1,-1]");
}

TEST(InferenceGuardTest, ValidModelsPass) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1, 1, 7, 5});
  m.Input("W", TP::FLOAT, {1, 1, 3, 3});
  onnx::NodeProto* conv = m.Node("Conv", {"x", "W"}, {"y"});
  OnnxModelBuilder::AttrInts(conv, "strides", {2, 1});
  m.Output("y");
  EXPECT_EQ(ImportError(m), "no error");
}

}  // namespace
}  // namespace kiln::onnx_import
