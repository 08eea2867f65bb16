#include "frontends/onnx/legacy_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

// Imports `m` and prints it (or the error).
std::string Import(const OnnxModelBuilder& m) {
  ir::Context ctx;
  auto g = m.Import(ctx);
  return g ? ir::PrintGraph(**g) : g.error().message();
}

TEST(LegacyOpsTest, Pad2AttributesBecomeConstantOperands) {
  OnnxModelBuilder m(10);
  m.Input("x", TP::FLOAT, {2, 2});
  auto* n = m.Node("Pad", {"x"}, {"y"}, "p");
  OnnxModelBuilder::AttrInts(n, "pads", {0, 1, 0, 1});
  OnnxModelBuilder::AttrFloat(n, "value", 2.5f);
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("%y = pad(%x, %0, %1) : f32[2,4]")) << text;
  EXPECT_THAT(text, HasSubstr("@p.pads = [0, 1, 0, 1]"));
  EXPECT_THAT(text, HasSubstr("@p.value = [2.5]"));
}

TEST(LegacyOpsTest, Slice1AttributesBecomeConstantOperands) {
  OnnxModelBuilder m(9);
  m.Input("x", TP::FLOAT, {4, 4});
  auto* n = m.Node("Slice", {"x"}, {"y"}, "s");
  OnnxModelBuilder::AttrInts(n, "starts", {1});
  OnnxModelBuilder::AttrInts(n, "ends", {3});
  OnnxModelBuilder::AttrInts(n, "axes", {1});
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("slice(%x, %0, %1, %2) : f32[4,2]")) << text;
  EXPECT_THAT(text, HasSubstr("@s.starts = [1]"));
}

TEST(LegacyOpsTest, Clip6MinMaxBecomeConstantOperands) {
  OnnxModelBuilder m(6);
  m.Input("x", TP::FLOAT, {3});
  OnnxModelBuilder::AttrFloat(m.Node("Clip", {"x"}, {"y"}, "c"), "max", 6.0f);
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("%y = clip(%x, _, %0) : f32[3]")) << text;
  EXPECT_THAT(text, HasSubstr("@c.max = [6.0]"));
}

TEST(LegacyOpsTest, Upsample7BecomesAsymmetricResize) {
  OnnxModelBuilder m(7);
  m.Input("x", TP::FLOAT, {1, 1, 2, 2});
  auto* n = m.Node("Upsample", {"x"}, {"y"}, "u");
  OnnxModelBuilder::AttrFloats(n, "scales", {1, 1, 2, 3});
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("resize(%x, _, %0) {coordinate_transformation_mode="
                              "\"asymmetric\", mode=\"nearest\", nearest_mode=\"floor\"} : "
                              "f32[1,1,4,6]"))
      << text;
}

TEST(LegacyOpsTest, Softmax11OnInnerAxisFlattensToTwoD) {
  OnnxModelBuilder m(11);
  m.Input("x", TP::FLOAT, {2, 3, 4});
  OnnxModelBuilder::AttrInt(m.Node("Softmax", {"x"}, {"y"}, "sm"), "axis", 1);
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("%1 = flatten(%x) {axis=1} : f32[2,12]")) << text;
  EXPECT_THAT(text, HasSubstr("%2 = softmax(%1) {axis=1} : f32[2,12]"));
  EXPECT_THAT(text, HasSubstr("%y = reshape(%2, %0) : f32[2,3,4]"));
}

TEST(LegacyOpsTest, Softmax11OnLastAxisStaysOneOp) {
  OnnxModelBuilder m(11);
  m.Input("x", TP::FLOAT, {2, 3});
  m.Node("Softmax", {"x"}, {"y"});  // default axis 1 is the last one here
  m.Output("y");
  EXPECT_THAT(Import(m), HasSubstr("%y = softmax(%x) {axis=1} : f32[2,3]"));
}

TEST(LegacyOpsTest, Dropout7RatioBecomesOperandAndIsTestGoes) {
  OnnxModelBuilder m(6);
  m.Input("x", TP::FLOAT, {3});
  auto* n = m.Node("Dropout", {"x"}, {"y"}, "d");
  OnnxModelBuilder::AttrFloat(n, "ratio", 0.25f);
  OnnxModelBuilder::AttrInt(n, "is_test", 1);
  m.Output("y");
  std::string text = Import(m);
  EXPECT_THAT(text, HasSubstr("%y = dropout(%x, %0) : f32[3]")) << text;
}

TEST(LegacyOpsTest, BatchNormSpatialZeroIsAnError) {
  OnnxModelBuilder m(7);
  m.Input("x", TP::FLOAT, {1, 2, 3});
  for (const char* p : {"s", "b", "m", "v"}) m.Initializer(p, {2}, {1, 1});
  OnnxModelBuilder::AttrInt(m.Node("BatchNormalization", {"x", "s", "b", "m", "v"}, {"y"}, "bn"),
                            "spatial", 0);
  m.Output("y");
  EXPECT_EQ(Import(m),
            "model.onnx: node 'bn' (BatchNormalization): spatial=0 (per-activation statistics) "
            "is not supported");
}

TEST(LegacyOpsTest, Reduce11AxesAttributeIsKept) {
  OnnxModelBuilder m(11);
  m.Input("x", TP::FLOAT, {2, 3});
  OnnxModelBuilder::AttrInts(m.Node("ReduceMean", {"x"}, {"y"}), "axes", {1});
  m.Output("y");
  EXPECT_THAT(Import(m), HasSubstr("%y = reduce_mean(%x) {axes=[1]} : f32[2,1]"));
}

}  // namespace
}  // namespace kiln::onnx_import
