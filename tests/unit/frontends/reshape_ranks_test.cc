#include "frontends/onnx/reshape_ranks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "ir/printer.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

// x: f32[N,3,4] -> Reshape(x, Concat(Cast(Slice(Shape(x), 0, 1)), [4, 3])) -> r: [N,4,3]. ONNX
// 1.12's data propagation stops at the Cast, so it leaves r (and all after it) unranked,
// though the target has a static length of 3 (paddle2onnx's pattern in PP-OCR).
OnnxModelBuilder ComputedTargetReshape(int64_t opset) {
  OnnxModelBuilder m(opset);
  m.Input("x", TP::FLOAT, {"N", 3, 4});
  m.InitializerI64("starts", {1}, {0});
  m.InitializerI64("ends", {1}, {1});
  m.InitializerI64("tail", {2}, {4, 3});
  m.Node("Shape", {"x"}, {"s"});
  m.Node("Slice", {"s", "starts", "ends"}, {"batch"});
  OnnxModelBuilder::AttrInt(m.Node("Cast", {"batch"}, {"batch64"}), "to", TP::INT64);
  OnnxModelBuilder::AttrInt(m.Node("Concat", {"batch64", "tail"}, {"target"}), "axis", 0);
  m.Node("Reshape", {"x", "target"}, {"r"}, "reshape");
  return m;
}

TEST(ReshapeRanksTest, ReshapeToComputedTargetGetsTheTargetsLength) {
  OnnxModelBuilder m = ComputedTargetReshape(13);
  m.Output("r");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(ir::PrintGraph(**g), HasSubstr("%r = reshape(%x, %target) : f32[?,?,?]"));
}

// The rank reaches the ops after the Reshape (Transpose here), and an opset-11 Softmax on a
// non-last axis, which flattens to 2-D around the axis, can be imported.
TEST(ReshapeRanksTest, Softmax11AfterComputedReshapeImportsAndRuns) {
  OnnxModelBuilder m = ComputedTargetReshape(11);
  OnnxModelBuilder::AttrInts(m.Node("Transpose", {"r"}, {"t"}), "perm", {0, 2, 1});
  OnnxModelBuilder::AttrInt(m.Node("Softmax", {"t"}, {"y"}, "sm"), "axis", 1);
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = ir::PrintGraph(**g);
  EXPECT_THAT(text, HasSubstr("%t = transpose(%r) {perm=[0,2,1]} : f32[?,?,?]")) << text;
  EXPECT_THAT(text, HasSubstr("flatten(%t) {axis=1} : f32[?,?]")) << text;

  const int64_t n = 2;
  std::vector<float> x(n * 12);
  for (size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>((i * 7) % 11) - 1.0f;
  ref::Tensor input = ref::Tensor::FromVector<float>(ref::DType::kF32, {n, 3, 4}, x);
  auto out = ref::CreateReferenceExecutor(**g)->Run({&input, 1});
  ASSERT_TRUE(out) << out.error().message();
  const ref::Tensor& y = (*out)[0];
  ASSERT_EQ(y.shape(), (ref::Shape{n, 3, 4}));
  // y[b] = softmax over all 12 values of t[b] = x[b] viewed as [4,3], transposed to [3,4].
  for (int64_t b = 0; b < n; ++b) {
    double sum = 0;
    for (int64_t k = 0; k < 12; ++k) sum += std::exp(static_cast<double>(x[b * 12 + k]));
    for (int64_t i = 0; i < 3; ++i) {
      for (int64_t j = 0; j < 4; ++j) {
        double want = std::exp(static_cast<double>(x[b * 12 + j * 3 + i])) / sum;
        EXPECT_NEAR(y.data<float>()[b * 12 + i * 4 + j], want, 1e-6) << b << "," << i << "," << j;
      }
    }
  }
}

TEST(ReshapeRanksTest, TargetOfUnknownLengthLeavesTheResultUnranked) {
  OnnxModelBuilder m(13);
  m.Input("x", TP::FLOAT, {2, 6});
  m.Input("target", TP::INT64, {"K"});
  m.Node("Reshape", {"x", "target"}, {"r"});
  m.Output("r");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(ir::PrintGraph(**g), HasSubstr("%r = reshape(%x, %target) : f32[*]"));
}

TEST(ReshapeRanksTest, AddsValueInfoOnlyForUnshapedReshapes) {
  OnnxModelBuilder m(13);
  m.Input("x", TP::FLOAT, {2, 6});
  m.Input("target", TP::INT64, {3});
  m.Node("Reshape", {"x", "target"}, {"r"});
  m.Output("r");
  onnx::GraphProto& graph = *m.model.mutable_graph();
  EXPECT_TRUE(AddReshapeRanks(graph));
  ASSERT_EQ(graph.output(0).type().tensor_type().shape().dim_size(), 3);
  EXPECT_EQ(graph.output(0).type().tensor_type().elem_type(), TP::FLOAT);
  EXPECT_FALSE(AddReshapeRanks(graph));  // already ranked
}

}  // namespace
}  // namespace kiln::onnx_import
