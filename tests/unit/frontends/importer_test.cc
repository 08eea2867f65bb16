#include "frontends/onnx/importer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ir/printer.h"
#include "tests/unit/frontends/onnx_model_builder.h"

namespace kiln::onnx_import {
namespace {

using ::testing::HasSubstr;
using testing::OnnxModelBuilder;
using TP = onnx::TensorProto;

std::string Print(const ir::Graph& g) { return ir::PrintGraph(g); }

std::string ErrorOf(const OnnxModelBuilder& m) {
  ir::Context ctx;
  auto g = m.Import(ctx);
  return g ? std::string("no error") : g.error().message();
}

TEST(ImporterTest, ImportsTypedGraphWithSymbolicAndUnknownDims) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {"N", 4, -1});
  m.Node("Relu", {"x"}, {"y"}, "relu0");
  m.Output("y", TP::FLOAT, {"N", 4, -1});
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ(Print(**g),
            "graph @test(%x: f32[N,4,?]) -> (f32[N,4,?]) {\n"
            "  %y = relu(%x) : f32[N,4,?] loc(\"relu0\")\n"
            "  return %y\n"
            "}\n");
}

TEST(ImporterTest, ShapeInferenceFillsResultTypes) {
  OnnxModelBuilder m;
  m.Input("a", TP::FLOAT, {2, 3});
  m.Input("b", TP::FLOAT, {3, 5});
  m.Node("MatMul", {"a", "b"}, {"c"});
  m.Node("Shape", {"c"}, {"s"});
  m.Output("c");
  m.Output("s");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ((*g)->output(0)->type()->ToString(), "f32[2,5]");
  EXPECT_EQ((*g)->output(1)->type()->ToString(), "i64[2]");
  EXPECT_EQ((*g)->output_name(1), "s");
  // Unnamed nodes go by their first output.
  EXPECT_EQ((*g)->output(0)->producer()->name(), "c");
}

TEST(ImporterTest, InitializersAndInputsThatAreInitializersBecomeConstants) {
  OnnxModelBuilder m(13, 3);
  m.Input("x", TP::FLOAT, {2});
  m.Input("w", TP::FLOAT, {2});  // IR < 4: initializers are listed as inputs too
  m.Initializer("w", {2}, {1.5f, -2.0f});
  m.Node("Add", {"x", "w"}, {"y"});
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_EQ((*g)->num_inputs(), 1);
  ASSERT_EQ((*g)->num_constants(), 1);
  EXPECT_THAT(Print(**g), HasSubstr("@w = [1.5, -2.0]"));
}

TEST(ImporterTest, ConstantNodeValueForms) {
  OnnxModelBuilder m;
  m.Node("Constant", {}, {"f"})->add_attribute();
  m.model.mutable_graph()->mutable_node(0)->clear_attribute();
  OnnxModelBuilder::AttrFloat(m.model.mutable_graph()->mutable_node(0), "value_float", 0.5f);
  OnnxModelBuilder::AttrFloats(m.Node("Constant", {}, {"fs"}), "value_floats", {1, 2});
  OnnxModelBuilder::AttrInt(m.Node("Constant", {}, {"i"}), "value_int", 7);
  OnnxModelBuilder::AttrInts(m.Node("Constant", {}, {"is"}), "value_ints", {3, 4, 5});
  auto* t = OnnxModelBuilder::Attr(m.Node("Constant", {}, {"t"}), "value");
  t->set_type(onnx::AttributeProto::TENSOR);
  OnnxModelBuilder::FillFloats(t->mutable_t(), "", {2, 1}, {8, 9});
  for (const char* name : {"f", "fs", "i", "is", "t"}) m.Output(name);
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = Print(**g);
  EXPECT_THAT(text, HasSubstr("%f = const @f : f32[]"));
  EXPECT_THAT(text, HasSubstr("%fs = const @fs : f32[2]"));
  EXPECT_THAT(text, HasSubstr("%i = const @i : i64[]"));
  EXPECT_THAT(text, HasSubstr("@is = [3, 4, 5]"));
  EXPECT_THAT(text, HasSubstr("%t = const @t : f32[2,1]"));
}

TEST(ImporterTest, SparseConstantIsAnError) {
  OnnxModelBuilder m;
  auto* a = OnnxModelBuilder::Attr(m.Node("Constant", {}, {"c"}, "k"), "sparse_value");
  a->set_type(onnx::AttributeProto::SPARSE_TENSOR);
  m.Output("c");
  EXPECT_EQ(ErrorOf(m), "model.onnx: node 'k' (Constant): sparse constants are not supported");
}

TEST(ImporterTest, UnknownOpNamesFileAndNode) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1});
  m.Node("Foo", {"x"}, {"y"}, "n1");
  m.Output("y");
  EXPECT_EQ(ErrorOf(m), "model.onnx: node 'n1' (Foo): unsupported op");
  m.model.mutable_graph()->mutable_node(0)->clear_name();
  EXPECT_EQ(ErrorOf(m), "model.onnx: node 'y' (Foo): unsupported op");
}

TEST(ImporterTest, ErrorsStayOneLineWhenNamesHoldNewlines) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1});
  m.Node("Fo\no", {"x"}, {"y"}, "n\x01");
  m.Output("y");
  EXPECT_EQ(ErrorOf(m), "model.onnx: node 'n\\x01' (Fo\\no): unsupported op");
}

TEST(ImporterTest, RejectsNewerOpsetAndIrVersion) {
  OnnxModelBuilder newer_opset(18);
  EXPECT_EQ(ErrorOf(newer_opset), "model.onnx: opset 18 is not supported (1 to 17)");
  OnnxModelBuilder newer_ir(13, 9);
  EXPECT_EQ(ErrorOf(newer_ir), "model.onnx: IR version 9 is newer than supported (8)");
}

TEST(ImporterTest, RejectsNonOnnxAndTruncatedBytes) {
  ir::Context ctx;
  auto garbage = ImportOnnxBytes("\xff\xff\xff\xff garbage", "junk.onnx", ctx);
  ASSERT_FALSE(garbage);
  EXPECT_THAT(garbage.error().message(), HasSubstr("junk.onnx: not an ONNX model"));

  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1});
  m.Node("Relu", {"x"}, {"y"});
  m.Output("y");
  std::string bytes = m.Bytes();
  auto truncated = ImportOnnxBytes(bytes.substr(0, bytes.size() / 2), "cut.onnx", ctx);
  ASSERT_FALSE(truncated);
  EXPECT_THAT(truncated.error().message(), HasSubstr("cut.onnx: not an ONNX model"));
}

TEST(ImporterTest, MissingFile) {
  ir::Context ctx;
  auto g = ImportOnnxFile("/nonexistent/dir/model.onnx", ctx);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().message(),
            "/nonexistent/dir/model.onnx: cannot open: No such file or directory");
}

TEST(ImporterTest, UndefinedAndCyclicInputs) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {1});
  m.Node("Relu", {"z"}, {"y"}, "a");  // z comes later: a cycle or an unsorted graph
  m.Node("Relu", {"y"}, {"z"}, "b");
  m.Output("z");
  EXPECT_THAT(ErrorOf(m), HasSubstr("model.onnx: node 'a' (Relu): input 'z' is not defined"));
}

TEST(ImporterTest, NegativeAndAbsurdDims) {
  OnnxModelBuilder negative;
  negative.Initializer("w", {-1}, {});
  negative.Output("w");
  EXPECT_THAT(ErrorOf(negative), HasSubstr("tensor 'w': dim -1 is negative or too large"));

  // 2^40 x 2^20 elements claimed with four bytes present: rejected without allocating.
  OnnxModelBuilder absurd;
  onnx::TensorProto* t = absurd.Initializer("w", {int64_t{1} << 40, int64_t{1} << 20}, {});
  t->set_raw_data("abcd");
  absurd.Output("w");
  EXPECT_THAT(ErrorOf(absurd), HasSubstr("model.onnx: tensor 'w': too many elements"));

  OnnxModelBuilder mismatch;
  mismatch.Initializer("w", {1000000}, {1.0f});
  mismatch.Output("w");
  EXPECT_THAT(ErrorOf(mismatch), HasSubstr("tensor 'w': has 1 elements, but its dims need"));

  OnnxModelBuilder negative_input;
  negative_input.Input("x", TP::FLOAT, {2});
  negative_input.model.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_value(-5);
  negative_input.Output("x");
  EXPECT_THAT(ErrorOf(negative_input), HasSubstr("tensor 'x': dim -5 is negative"));
}

TEST(ImporterTest, UnsupportedElementTypesNameTheTensor) {
  for (auto [elem, name] : {std::pair{TP::STRING, "STRING"},
                            {TP::COMPLEX64, "COMPLEX64"},
                            {TP::COMPLEX128, "COMPLEX128"}}) {
    OnnxModelBuilder m;
    m.Input("d", elem, {2});
    m.Output("d");
    EXPECT_EQ(ErrorOf(m), std::string("model.onnx: tensor 'd' has unsupported dtype ") + name);
  }
}

TEST(ImporterTest, WideAndUnsignedElementTypesImport) {
  for (auto [elem, scalar] : {std::pair{TP::DOUBLE, ir::ScalarType::kF64},
                              {TP::UINT16, ir::ScalarType::kU16},
                              {TP::UINT32, ir::ScalarType::kU32},
                              {TP::UINT64, ir::ScalarType::kU64}}) {
    OnnxModelBuilder m;
    m.Input("d", elem, {2});
    m.Output("d");
    ir::Context ctx;
    Expected<std::unique_ptr<ir::Graph>> g = ImportOnnxBytes(m.Bytes(), "model.onnx", ctx);
    ASSERT_TRUE(g) << g.error().message();
    EXPECT_EQ((*g)->input(0)->type()->scalar(), scalar);
  }
}

TEST(ImporterTest, ReduceAxesInputBecomesAttribute) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {2, 3, 4});
  m.InitializerI64("axes", {2}, {0, 2});
  OnnxModelBuilder::AttrInt(m.Node("ReduceSum", {"x", "axes"}, {"y"}, "r"), "keepdims", 0);
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(Print(**g), HasSubstr("%y = reduce_sum(%x) {axes=[0,2], keepdims=0} : f32[3]"));
}

TEST(ImporterTest, ComputedAxesAreAnErrorNamingTheNode) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {2, 3});
  m.Input("axes", TP::INT64, {1});
  m.Node("ReduceSum", {"x", "axes"}, {"y"}, "r");
  m.Output("y");
  EXPECT_EQ(ErrorOf(m),
            "model.onnx: node 'r' (ReduceSum): axes must be a constant (it is computed at run "
            "time)");
}

TEST(ImporterTest, CastTargetIsTheResultType) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {3});
  OnnxModelBuilder::AttrInt(m.Node("Cast", {"x"}, {"y"}), "to", TP::INT32);
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(Print(**g), HasSubstr("%y = cast(%x) : i32[3]"));
}

TEST(ImporterTest, ConstantOfShapeValueBecomesFloatAttribute) {
  OnnxModelBuilder m;
  m.InitializerI64("shape", {2}, {2, 3});
  auto* a = OnnxModelBuilder::Attr(m.Node("ConstantOfShape", {"shape"}, {"y"}), "value");
  a->set_type(onnx::AttributeProto::TENSOR);
  a->mutable_t()->set_data_type(TP::INT32);
  a->mutable_t()->add_dims(1);
  a->mutable_t()->add_int32_data(4);
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(Print(**g), HasSubstr("constant_of_shape(%shape) {value=4.0} : i32[2,3]"));
}

TEST(ImporterTest, QuantizeScalesMoveIntoTheType) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {2, 3});
  m.Initializer("s", {}, {0.5f});
  onnx::TensorProto* zp = m.model.mutable_graph()->add_initializer();
  zp->set_name("zp");
  zp->set_data_type(TP::UINT8);
  zp->add_int32_data(3);
  m.Node("QuantizeLinear", {"x", "s", "zp"}, {"q"});
  m.Node("DequantizeLinear", {"q", "s", "zp"}, {"y"});
  m.Output("y");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  std::string text = Print(**g);
  EXPECT_THAT(text, HasSubstr("%q = quantize(%x) : u8<per_tensor scale=0.5 zero_point=3>[2,3]"));
  EXPECT_THAT(text, HasSubstr("%y = dequantize(%q) : f32[2,3]"));
}

TEST(ImporterTest, SplitKeepsItsSizesAsOperand) {
  OnnxModelBuilder m;
  m.Input("x", TP::FLOAT, {6});
  m.InitializerI64("sizes", {2}, {2, 4});
  m.Node("Split", {"x", "sizes"}, {"a", "b"});
  m.Output("a");
  m.Output("b");
  ir::Context ctx;
  auto g = m.Import(ctx);
  ASSERT_TRUE(g) << g.error().message();
  EXPECT_THAT(Print(**g), HasSubstr("%a, %b = split(%x, %sizes) : f32[2], f32[4]"));
}

TEST(ImporterTest, ModelWithoutOnnxDomainFailsOnItsFirstOnnxNode) {
  OnnxModelBuilder m;
  m.model.mutable_opset_import(0)->set_domain("ai.onnx.preview.training");
  m.Input("x", TP::FLOAT, {1});
  m.Node("Relu", {"x"}, {"y"}, "r");
  m.Output("y");
  EXPECT_EQ(ErrorOf(m),
            "model.onnx: node 'r' (Relu): the model imports no opset of the ONNX domain");
}

}  // namespace
}  // namespace kiln::onnx_import
