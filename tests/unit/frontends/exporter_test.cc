#include "frontends/onnx/exporter.h"

#include <gtest/gtest.h>
#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <map>

#include "frontends/onnx/export_context.h"
#include "frontends/onnx/op_table.h"
#include "ir/builder.h"

namespace kiln::onnx_export {
namespace {

using ir::Dim;
using ir::OpKind;
using ir::ScalarType;

onnx::ModelProto Parse(const std::string& bytes) {
  onnx::ModelProto m;
  EXPECT_TRUE(m.ParseFromString(bytes));
  return m;
}

// Op types of the main graph in order.
std::vector<std::string> OpTypes(const onnx::GraphProto& g) {
  std::vector<std::string> types;
  for (const onnx::NodeProto& n : g.node()) types.push_back(n.op_type());
  return types;
}

const onnx::AttributeProto* FindAttr(const onnx::NodeProto& n, const std::string& name) {
  for (const onnx::AttributeProto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

TEST(ExporterTest, EveryOneToOneKindNamesTheOnnxOpTheImporterMapsBack) {
  for (OpKind kind : ir::kAllOpKinds) {
    std::string type = OnnxOpType(kind);
    if (type.empty()) continue;  // written as several nodes, or If
    std::optional<OpKind> back = onnx_import::OpKindForOnnx(type);
    ASSERT_TRUE(back.has_value()) << type;
    EXPECT_EQ(*back, kind) << type;
  }
}

TEST(ExporterTest, ConvReluModelIsValidOnnxWithSymbolicBatch) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32({Dim::Symbol("N"), Dim(1), Dim(4), Dim(4)}));
  ir::Value* w = b.ConstantF32({2, 1, 3, 3}, std::vector<float>(18, 0.5f), "w");
  ir::AttrMap attrs;
  attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  ir::Value* y =
      b.Create(OpKind::kConv, {x, w}, b.F32({Dim::Symbol("N"), Dim(2), Dim(4), Dim(4)}), attrs);
  ir::Value* z = b.Create(OpKind::kRelu, {y}, y->type());
  g.AddOutput(z, "out");

  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(m.opset_import(0).version(), 17);
  EXPECT_EQ(OpTypes(m.graph()), (std::vector<std::string>{"Conv", "Relu", "Identity"}));
  EXPECT_EQ(m.graph().input(0).type().tensor_type().shape().dim(0).dim_param(), "N");
  EXPECT_EQ(m.graph().initializer_size(), 1);
  EXPECT_EQ(m.graph().initializer(0).raw_data().size(), 18 * sizeof(float));
  EXPECT_EQ(m.graph().output(0).name(), "out");
  ASSERT_NE(FindAttr(m.graph().node(0), "pads"), nullptr);
  EXPECT_EQ(FindAttr(m.graph().node(0), "pads")->ints_size(), 4);
}

TEST(ExporterTest, OutputIsDeterministic) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2, 3}));
  g.AddOutput(b.Create(OpKind::kSigmoid, {x}, x->type()));
  Expected<std::string> a = ExportOnnx(g);
  Expected<std::string> c = ExportOnnx(g);
  ASSERT_TRUE(a && c);
  EXPECT_EQ(*a, *c);
}

TEST(ExporterTest, AxesAttributesBecomeInputsWhereOpset13WantsThem) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2, 3}));
  ir::AttrMap axes;
  axes.Set("axes", std::vector<int64_t>{1});
  ir::Value* s = b.Create(OpKind::kReduceSum, {x}, b.F32(std::vector<int64_t>{2, 1}), axes);
  ir::Value* m = b.Create(OpKind::kReduceMean, {x}, b.F32(std::vector<int64_t>{2, 1}), axes);
  ir::AttrMap axes0;
  axes0.Set("axes", std::vector<int64_t>{1});
  ir::Value* sq = b.Create(OpKind::kSqueeze, {s}, b.F32(std::vector<int64_t>{2}), axes0);
  g.AddOutput(sq, "sq");
  g.AddOutput(m, "m");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto model = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  const onnx::GraphProto& gp = model.graph();
  ASSERT_EQ(gp.node(0).op_type(), "ReduceSum");
  EXPECT_EQ(gp.node(0).input_size(), 2);  // data, axes
  EXPECT_EQ(FindAttr(gp.node(0), "axes"), nullptr);
  ASSERT_EQ(gp.node(1).op_type(), "ReduceMean");
  EXPECT_EQ(gp.node(1).input_size(), 1);  // axes stay an attribute until opset 18
  EXPECT_NE(FindAttr(gp.node(1), "axes"), nullptr);
  ASSERT_EQ(gp.node(2).op_type(), "Squeeze");
  EXPECT_EQ(gp.node(2).input_size(), 2);
}

TEST(ExporterTest, CastTargetAndGemmAttributeNames) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2, 3}));
  ir::Value* w = b.ConstantF32({4, 3}, std::vector<float>(12, 1.0f), "w");
  ir::AttrMap attrs;
  attrs.Set("trans_b", int64_t{1});
  ir::Value* y = b.Create(OpKind::kGemm, {x, w}, b.F32(std::vector<int64_t>{2, 4}), attrs);
  ir::Value* c = b.Create(OpKind::kCast, {y}, b.Type(ScalarType::kI32, {2, 4}));
  g.AddOutput(c, "c");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  ASSERT_NE(FindAttr(m.graph().node(0), "transB"), nullptr);
  ASSERT_NE(FindAttr(m.graph().node(1), "to"), nullptr);
  EXPECT_EQ(FindAttr(m.graph().node(1), "to")->i(), onnx::TensorProto::INT32);
}

TEST(ExporterTest, QuantizedValuesBecomeQdq) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{1, 2}));
  const ir::TensorType* wq = ctx.GetType(ScalarType::kI8, ir::Shape::Static({3, 2}),
                                         ir::QuantSpec::PerAxis(0, {0.5f, 0.25f, 1.0f}, {}));
  ir::Value* w = g.AddConstant(wq, ir::TensorData::FromVector<int8_t>({1, 2, 3, 4, 5, 6}), "w");
  ir::AttrMap attrs;
  attrs.Set("trans_b", int64_t{1});
  // gemm reads the quantized weight: the exporter puts a DequantizeLinear in front.
  ir::Value* y = b.Create(OpKind::kGemm, {x, w}, b.F32(std::vector<int64_t>{1, 3}), attrs);
  const ir::TensorType* yq =
      ctx.GetType(ScalarType::kU8, ir::Shape::Static({1, 3}), ir::QuantSpec::PerTensor(0.1f, 128));
  ir::Value* q = b.Create(OpKind::kQuantize, {y}, yq);
  ir::Value* dq = b.Create(OpKind::kDequantize, {q}, b.F32(std::vector<int64_t>{1, 3}));
  g.AddOutput(dq, "y");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  EXPECT_EQ(OpTypes(m.graph()),
            (std::vector<std::string>{"DequantizeLinear", "Gemm", "QuantizeLinear",
                                      "DequantizeLinear", "Identity"}));
  const onnx::NodeProto& wdq = m.graph().node(0);
  ASSERT_EQ(wdq.input_size(), 3);
  ASSERT_NE(FindAttr(wdq, "axis"), nullptr);
  std::map<std::string, const onnx::TensorProto*> inits;
  for (const onnx::TensorProto& t : m.graph().initializer()) inits[t.name()] = &t;
  ASSERT_TRUE(inits.contains(wdq.input(1)));
  EXPECT_EQ(inits[wdq.input(1)]->dims_size(), 1);  // per-axis scales are a vector
  EXPECT_EQ(inits[wdq.input(2)]->data_type(), onnx::TensorProto::INT8);
  const onnx::NodeProto& quant = m.graph().node(2);
  EXPECT_EQ(inits[quant.input(1)]->dims_size(), 0);  // per-tensor scale is a scalar
  EXPECT_EQ(inits[quant.input(2)]->data_type(), onnx::TensorProto::UINT8);
  EXPECT_EQ(static_cast<uint8_t>(inits[quant.input(2)]->raw_data()[0]), 128);
}

TEST(ExporterTest, PerBlockQuantizationIsAnErrorNamingTheNode) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2, 4}));
  const ir::TensorType* q = ctx.GetType(ScalarType::kI8, ir::Shape::Static({2, 4}),
                                        ir::QuantSpec::PerBlock(1, 2, {1, 1, 1, 1}, {}));
  ir::Op* op = b.CreateOp(OpKind::kQuantize, {x}, {q});
  op->set_name("q1");
  g.AddOutput(b.Create(OpKind::kDequantize, {op->result()}, x->type()));
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_FALSE(bytes);
  EXPECT_EQ(bytes.error().message().rfind("node 'q1' (quantize): per-block quantization", 0), 0u)
      << bytes.error().message();
}

TEST(ExporterTest, SiluAndGeluAreWrittenAsTheirDefinitions) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{4}));
  ir::Value* s = b.Create(OpKind::kSilu, {x}, x->type());
  ir::AttrMap tanh;
  tanh.Set("approximate", std::string("tanh"));
  ir::Value* t = b.Create(OpKind::kGelu, {s}, x->type(), tanh);
  g.AddOutput(b.Create(OpKind::kGelu, {t}, x->type()), "y");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  std::vector<std::string> types = OpTypes(m.graph());
  EXPECT_EQ(std::count(types.begin(), types.end(), "Sigmoid"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "Tanh"), 1);
  EXPECT_EQ(std::count(types.begin(), types.end(), "Erf"), 1);
}

// A conv with a residual and an activation is Conv, Add(residual), then the activation: the
// residual is added before the activation, and the last node writes the op's result.
TEST(ExporterTest, ConvResidualIsAnAddBeforeTheActivation) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  const ir::TensorType* t = b.F32({Dim::Symbol("N"), Dim(2), Dim(4), Dim(4)});
  ir::Value* x = g.AddInput("x", t);
  ir::Value* r = g.AddInput("r", t);
  ir::Value* w = b.ConstantF32({2, 2, 1, 1}, std::vector<float>(4, 0.5f), "w");
  ir::AttrMap attrs;
  attrs.Set("activation", std::string("relu"));
  ir::Op* conv = b.CreateOp(OpKind::kConv, {x, w, nullptr, r}, {t}, attrs);
  conv->result(0)->set_name("y");
  g.AddOutput(conv->result(0), "y");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  ASSERT_EQ(OpTypes(m.graph()), (std::vector<std::string>{"Conv", "Add", "Relu"}));
  const onnx::NodeProto& c = m.graph().node(0);
  const onnx::NodeProto& add = m.graph().node(1);
  const onnx::NodeProto& relu = m.graph().node(2);
  ASSERT_EQ(c.input_size(), 2);  // no bias, and the residual is not a Conv input
  ASSERT_EQ(add.input_size(), 2);
  EXPECT_EQ(add.input(0), c.output(0));
  EXPECT_EQ(add.input(1), "r");
  EXPECT_EQ(relu.input(0), add.output(0));
  EXPECT_EQ(relu.output(0), "y");
  EXPECT_EQ(FindAttr(c, "activation"), nullptr);
}

TEST(ExporterTest, LinearResidualIsMatMulAddAdd) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  const ir::TensorType* t = b.F32({Dim::Symbol("N"), Dim(3)});
  ir::Value* x = g.AddInput("x", b.F32({Dim::Symbol("N"), Dim(4)}));
  ir::Value* r = g.AddInput("r", t);
  ir::Value* w = b.ConstantF32({4, 3}, std::vector<float>(12, 0.5f), "w");
  ir::Value* bias = b.ConstantF32({3}, {0.1f, 0.2f, 0.3f}, "b");
  ir::Op* with_bias = b.CreateOp(OpKind::kLinear, {x, w, bias, r}, {t});
  ir::Op* without = b.CreateOp(OpKind::kLinear, {x, w, nullptr, with_bias->result(0)}, {t});
  g.AddOutput(without->result(0), "y");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  ASSERT_EQ(OpTypes(m.graph()),
            (std::vector<std::string>{"MatMul", "Add", "Add", "MatMul", "Add", "Identity"}));
  EXPECT_EQ(m.graph().node(1).input(1), m.graph().initializer(1).name());  // the bias
  EXPECT_EQ(m.graph().node(2).input(0), m.graph().node(1).output(0));
  EXPECT_EQ(m.graph().node(2).input(1), "r");
  EXPECT_EQ(m.graph().node(4).input(0), m.graph().node(3).output(0));
  EXPECT_EQ(m.graph().node(4).input(1), m.graph().node(2).output(0));
}

TEST(ExporterTest, OpsetOutOfRangeOrTooOldForAnOpIsAnError) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2, 3}));
  g.AddOutput(b.Create(OpKind::kLayerNorm, {x}, x->type()));
  EXPECT_FALSE(ExportOnnx(g, {.opset = 12}));
  Expected<std::string> old = ExportOnnx(g, {.opset = 13});
  ASSERT_FALSE(old);
  EXPECT_NE(old.error().message().find("layer_norm needs ONNX opset 17"), std::string::npos)
      << old.error().message();
  EXPECT_TRUE(ExportOnnx(g, {.opset = 17}));
}

TEST(ExporterTest, IfBranchesBecomeSubgraphs) {
  ir::Context ctx;
  ir::Graph g(ctx);
  ir::Builder b(g);
  ir::Value* c = g.AddInput("c", ctx.GetType(ScalarType::kBool, ir::Shape()));
  ir::Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{2}));
  ir::Op* op = b.CreateOp(OpKind::kIf, {c}, {x->type()});
  ir::Graph& then_g = op->AddRegion("then");
  ir::Builder tb(then_g);
  then_g.AddOutput(tb.Create(OpKind::kRelu, {x}, x->type()));
  ir::Graph& else_g = op->AddRegion("else");
  ir::Builder eb(else_g);
  else_g.AddOutput(eb.Create(OpKind::kNeg, {x}, x->type()));
  g.AddOutput(op->result(), "y");
  Expected<std::string> bytes = ExportOnnx(g);
  ASSERT_TRUE(bytes) << bytes.error().message();
  onnx::ModelProto m = Parse(*bytes);
  EXPECT_NO_THROW(onnx::checker::check_model(m));
  const onnx::NodeProto& n = m.graph().node(0);
  ASSERT_EQ(n.op_type(), "If");
  ASSERT_NE(FindAttr(n, "then_branch"), nullptr);
  EXPECT_EQ(OpTypes(FindAttr(n, "then_branch")->g()),
            (std::vector<std::string>{"Relu", "Identity"}));
  EXPECT_EQ(FindAttr(n, "else_branch")->g().output_size(), 1);
}

}  // namespace
}  // namespace kiln::onnx_export
