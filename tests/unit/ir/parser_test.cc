#include "ir/parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "ir/builder.h"
#include "ir/printer.h"

namespace kiln::ir {
namespace {

class ParserTest : public ::testing::Test {
 protected:
  std::unique_ptr<Graph> Parse(std::string_view text) {
    Expected<std::unique_ptr<Graph>> g = ParseGraph(text, "t.kir", ctx_);
    EXPECT_TRUE(g.ok()) << g.error().message();
    return g.ok() ? std::move(*g) : nullptr;
  }
  // parse(print(g)) prints identically; returns the parsed graph.
  std::unique_ptr<Graph> ExpectRoundTrip(const Graph& g) {
    std::string text = PrintGraph(g);
    Context other;  // a fresh context, as when reading a file
    Expected<std::unique_ptr<Graph>> parsed = ParseGraph(text, "t.kir", other);
    EXPECT_TRUE(parsed.ok()) << parsed.error().message() << "\n" << text;
    if (!parsed.ok()) return nullptr;
    EXPECT_EQ(PrintGraph(**parsed), text);
    // The same again in this test's context (types interned alongside the original's).
    std::unique_ptr<Graph> again = Parse(text);
    if (again) {
      EXPECT_EQ(PrintGraph(*again), text);
    }
    return again;
  }
  const TensorType* T(ScalarType s, std::vector<Dim> dims,
                      std::optional<QuantSpec> q = std::nullopt) {
    return ctx_.GetType(s, Shape(std::move(dims)), std::move(q));
  }

  Context ctx_;
  Graph g_{ctx_, "net"};
  Builder b_{g_};
};

TEST_F(ParserTest, RoundTripsConvNetWithSymbolicDims) {
  Dim n = Dim::Symbol("N");
  Value* x = g_.AddInput("x", b_.F32({n, Dim(3), Dim(8), Dim(8)}));
  std::vector<float> weights(size_t{4} * 3 * 3 * 3);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] = 0.01f * static_cast<float>(i) - 0.5f;
  Value* w = b_.ConstantF32({4, 3, 3, 3}, weights, "conv.weight");
  Value* bias = b_.ConstantF32({4}, {0.5f, -1.0f, 0.25f, 0.0f}, "conv.bias");
  AttrMap attrs;
  attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  attrs.Set("strides", std::vector<int64_t>{1, 1});
  attrs.Set("auto_pad", std::string("NOTSET"));
  attrs.Set("group", int64_t{1});
  const TensorType* out = b_.F32({n, Dim(4), Dim(8), Dim(8)});
  Op* conv = b_.CreateOp(OpKind::kConv, {x, w, bias}, {out}, attrs);
  conv->set_name("/features/Conv_0");
  Value* relu = b_.Create(OpKind::kRelu, {conv->result(0)}, out);
  Value* pooled =
      b_.Create(OpKind::kGlobalAveragePool, {relu}, b_.F32({n, Dim(4), Dim(1), Dim(1)}));
  g_.AddOutput(pooled, "logits");
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->num_ops(), 3u);
  const Op* first = *parsed->ops().begin();
  EXPECT_EQ(first->name(), "/features/Conv_0");
  EXPECT_EQ(first->attrs(), conv->attrs());
  EXPECT_TRUE(parsed->constant(0)->constant()->data->SameBytes(*w->constant()->data));
}

TEST_F(ParserTest, RoundTripsShapesOfEveryForm) {
  Value* a = g_.AddInput("unknown", T(ScalarType::kF32, {Dim(), Dim(2)}));
  Value* b = g_.AddInput("unranked", ctx_.GetType(ScalarType::kI64, Shape::Unranked()));
  Value* c = g_.AddInput("scalar", T(ScalarType::kBool, {}));
  Value* d = g_.AddInput(
      "odd dims", T(ScalarType::kBF16, {Dim::Symbol("batch size"), Dim::Symbol("7"), Dim(0)}));
  Value* e = g_.AddInput("f16", T(ScalarType::kF16, {Dim::Symbol("S.len"), Dim(1)}));
  for (Value* v : {a, b, c, d, e}) g_.AddOutput(v);
  ExpectRoundTrip(g_);
}

TEST_F(ParserTest, QuotedSymbolsStayDistinctFromLookalikeShapes) {
  std::unique_ptr<Graph> g = Parse(
      "graph @g(%a: f32[3], %b: f32[\"3\"], %c: f32[N,3], %d: f32[\"N,3\"], %e: f32[\"?\"]) "
      "-> () {\n  return\n}\n");
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->input(0)->type()->shape().dim(0).is_static());
  EXPECT_EQ(g->input(1)->type()->shape().dim(0).symbol(), "3");
  EXPECT_EQ(g->input(2)->type()->rank(), 2);
  EXPECT_EQ(g->input(3)->type()->rank(), 1);
  EXPECT_EQ(g->input(4)->type()->shape().dim(0).symbol(), "?");
  EXPECT_NE(g->input(0)->type(), g->input(1)->type());
  EXPECT_NE(g->input(2)->type(), g->input(3)->type());
}

TEST_F(ParserTest, RoundTripsQuantizedTypes) {
  const TensorType* per_tensor = T(ScalarType::kU8, {Dim(2)}, QuantSpec::PerTensor(0.1f, 128));
  const TensorType* per_axis =
      T(ScalarType::kI8, {Dim(3), Dim(2)}, QuantSpec::PerAxis(0, {0.5f, 1e-8f, 3.0f}, {0, -1, 2}));
  const TensorType* per_block =
      T(ScalarType::kI4, {Dim(2), Dim(4)},
        QuantSpec::PerBlock(1, 2, {0.25f, 0.5f, 1.0f, 2.0f}, {1, 0, 0, 0}));
  const TensorType* symmetric = T(ScalarType::kI8, {Dim(2)}, QuantSpec::PerTensor(0.5f));
  Value* x = g_.AddInput("x", b_.F32({Dim(2)}));
  Value* q = b_.Create(OpKind::kQuantize, {x}, per_tensor);
  g_.AddOutput(b_.Create(OpKind::kDequantize, {q}, x->type()));
  g_.AddOutput(g_.AddConstant(per_axis, TensorData::FromVector<int8_t>({1, 2, 3, 4, 5, -6}), "w"));
  g_.AddOutput(
      g_.AddConstant(per_block, TensorData::FromVector<uint8_t>({0x12, 0x34, 0x56, 0x78}), "w4"));
  g_.AddOutput(b_.Create(OpKind::kQuantize, {x}, symmetric));
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->output(1)->type(), per_axis);  // interned: same context, same pointer
  EXPECT_EQ(parsed->output(2)->type()->quant()->zero_points, (std::vector<int32_t>{1, 0, 0, 0}));
}

TEST_F(ParserTest, RoundTripsEveryAttributeForm) {
  const TensorType* t = b_.F32({Dim(1), Dim(2), Dim(4), Dim(4)});
  Value* x = g_.AddInput("x", t);
  AttrMap pool;
  pool.Set("kernel_shape", std::vector<int64_t>{2, 2});
  pool.Set("pads", std::vector<int64_t>{});  // an empty list reads back by the schema
  pool.Set("auto_pad", std::string("SAME_UPPER \"quoted\" \\ \n \t \x01 \xff"));
  pool.Set("ceil_mode", std::numeric_limits<int64_t>::min());
  Value* p = b_.Create(OpKind::kMaxPool, {x}, t, pool);
  AttrMap selu;
  selu.Set("alpha", 1e-05);
  selu.Set("gamma", -0.0);
  Value* s = b_.Create(OpKind::kSelu, {p}, t, selu);
  AttrMap hard;
  hard.Set("alpha", std::numeric_limits<double>::quiet_NaN());
  hard.Set("beta", -std::numeric_limits<double>::infinity());
  Value* h = b_.Create(OpKind::kHardSigmoid, {s}, t, hard);
  AttrMap gemm;
  gemm.Set("alpha", 5e-324);
  gemm.Set("beta", 1.7976931348623157e308);
  Value* gm = b_.Create(OpKind::kLeakyRelu, {h}, t, {});
  AttrMap leaky;
  leaky.Set("alpha", 0.1);
  g_.AddOutput(b_.Create(OpKind::kElu, {gm}, t, leaky));
  g_.AddOutput(b_.Create(OpKind::kGemm, {x, x}, t, gemm));
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  std::vector<Op*> ops = parsed->OpList();
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0]->attrs(), pool);
  EXPECT_EQ(ops[1]->attrs(), selu);
  EXPECT_TRUE(std::signbit(ops[1]->attrs().GetFloat("gamma")));
  EXPECT_TRUE(std::isnan(ops[2]->attrs().GetFloat("alpha")));
  EXPECT_EQ(ops[5]->attrs(), gemm);
}

TEST_F(ParserTest, RoundTripsMultipleResultsAndAbsentOperands) {
  const TensorType* t = b_.F32({Dim(4)});
  const TensorType* half = b_.F32({Dim(2)});
  Value* x = g_.AddInput("x", t);
  Value* hi = g_.AddInput("max", t);
  Value* clipped = b_.Create(OpKind::kClip, {x, nullptr, hi}, t);
  AttrMap axis;
  axis.Set("axis", int64_t{0});
  Op* split = b_.CreateOp(OpKind::kSplit, {clipped}, {half, half}, axis);
  split->result(0)->set_name("lo");
  Op* dropout = b_.CreateOp(OpKind::kDropout, {split->result(1), nullptr, nullptr}, {half});
  g_.AddOutput(split->result(0));
  g_.AddOutput(dropout->result(0), "out");
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  const Op* clip = *parsed->ops().begin();
  ASSERT_EQ(clip->num_operands(), 3);
  EXPECT_EQ(clip->operand(1), nullptr);
  EXPECT_EQ(clip->operand(2), parsed->input(1));
  EXPECT_EQ(parsed->OpList()[2]->num_operands(), 3);
}

TEST_F(ParserTest, RoundTripsRegionsThatUseOuterValuesAndConstants) {
  const TensorType* t = b_.F32({Dim(2)});
  Value* cond = g_.AddInput("cond", T(ScalarType::kBool, {}));
  Value* x = g_.AddInput("x", t);
  Value* outer_const = b_.ConstantF32({2}, {1.0f, 2.0f}, "shared");
  Op* op = b_.CreateOp(OpKind::kIf, {cond}, {t, t});
  op->set_name("If_0");
  Graph& then_graph = op->AddRegion("then_branch");
  Value* inner_const = then_graph.AddConstantRef(outer_const->constant());
  Value* sum = then_graph.CreateOp(OpKind::kAdd, {x, inner_const}, {t})->result(0);
  Op* nested = then_graph.CreateOp(OpKind::kIf, {cond}, {t});
  Graph& a = nested->AddRegion("a");
  a.AddOutput(a.CreateOp(OpKind::kNeg, {sum}, {t})->result(0));
  Graph& b = nested->AddRegion("b");
  b.AddOutput(x);
  then_graph.AddOutput(nested->result(0));
  then_graph.AddOutput(sum);
  Graph& else_graph = op->AddRegion("else_branch");
  else_graph.AddOutput(x);
  else_graph.AddOutput(outer_const);
  g_.AddOutput(op->result(0), "y");
  g_.AddOutput(op->result(1));
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  const Op* parsed_if = *parsed->ops().begin();
  ASSERT_EQ(parsed_if->num_regions(), 2);
  const Graph& then_parsed = parsed_if->region(0);
  EXPECT_EQ(then_parsed.name(), "then_branch");
  EXPECT_EQ(then_parsed.constant(0)->constant(), parsed->constant(0)->constant());
  EXPECT_EQ((*then_parsed.ops().begin())->operand(0), parsed->input(1));
  EXPECT_EQ(parsed->pool().size(), 1u);
}

TEST_F(ParserTest, RoundTripsConstantsOfEveryElementType) {
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  std::vector<Value*> values = {
      b_.ConstantF32({6}, {nan, inf, -inf, -0.0f, 1e-45f, 3.4028235e38f}, "f32"),
      b_.ConstantF32({17}, std::vector<float>(17, 0.5f), "f32.hex"),
      b_.ConstantI64({2}, {std::numeric_limits<int64_t>::min(), 7}, "i64"),
      g_.AddConstant(b_.Type(ScalarType::kI8, {2}), TensorData::FromVector<int8_t>({-128, 127}),
                     "i8"),
      g_.AddConstant(b_.Type(ScalarType::kU8, {1}), TensorData::FromVector<uint8_t>({255}), "u8"),
      g_.AddConstant(b_.Type(ScalarType::kI16, {1}), TensorData::FromVector<int16_t>({-32768}),
                     "i16"),
      g_.AddConstant(b_.Type(ScalarType::kI32, {}), TensorData::FromVector<int32_t>({-5}), "i32"),
      g_.AddConstant(b_.Type(ScalarType::kBool, {2}), TensorData::FromVector<uint8_t>({1, 0}),
                     "bool"),
      g_.AddConstant(b_.Type(ScalarType::kF16, {2}), TensorData::FromVector<uint16_t>({1, 2}),
                     "f16"),
      g_.AddConstant(b_.Type(ScalarType::kBF16, {1}), TensorData::FromVector<uint16_t>({0x3f80}),
                     "bf16"),
      g_.AddConstant(b_.Type(ScalarType::kU4, {3}), TensorData::FromVector<uint8_t>({0xab, 0x0c}),
                     "u4"),
      g_.AddConstant(b_.Type(ScalarType::kF32, {0}), TensorData::FromVector<float>({}), "empty"),
  };
  for (Value* v : values) g_.AddOutput(v);
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g_);
  ASSERT_TRUE(parsed);
  for (int i = 0; i < parsed->num_constants(); ++i) {
    EXPECT_TRUE(parsed->constant(i)->constant()->data->SameBytes(*values[i]->constant()->data))
        << values[i]->constant()->name;
  }
}

TEST_F(ParserTest, RoundTripsQuotedNamesAndOutputNames) {
  Graph g(ctx_, "model/v2");
  const TensorType* t = b_.F32({Dim(1)});
  Value* x = g.AddInput("input:0", t);
  Value* y = g.AddInput("x", t);
  Value* conv = g.CreateOp(OpKind::kNeg, {x}, {t})->result(0);
  conv->set_name("/layer1/Conv_output_0");
  Value* dup = g.CreateOp(OpKind::kNeg, {y}, {t})->result(0);
  dup->set_name("x");  // taken by the input: printed as a number
  Value* digits = g.CreateOp(OpKind::kNeg, {dup}, {t})->result(0);
  digits->set_name("42");
  Value* c = g.AddConstant(t, TensorData::FromVector<float>({1.0f}), "w\"0\\1");
  g.AddOutput(conv, "/layer1/Conv_output_0");
  g.AddOutput(dup, "x");
  g.AddOutput(digits, "42");
  g.AddOutput(c, "");
  g.AddOutput(y, "renamed");
  std::unique_ptr<Graph> parsed = ExpectRoundTrip(g);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->name(), "model/v2");
  EXPECT_EQ(parsed->input(0)->name(), "input:0");
  EXPECT_EQ(parsed->output(0)->name(), "/layer1/Conv_output_0");
  EXPECT_EQ(parsed->output_name(1), "x");
  EXPECT_EQ(parsed->output_name(2), "42");
  EXPECT_EQ(parsed->output(2)->name(), "");
  EXPECT_EQ(parsed->output_name(4), "renamed");
  EXPECT_EQ(parsed->constant(0)->constant()->name, "w\"0\\1");
}

TEST_F(ParserTest, ParsesTheReferenceExample) {
  std::unique_ptr<Graph> g = Parse(R"(
// A comment runs to the end of the line.
graph @net(%x: f32[N,3,8,8]) -> (f32[N,4,8,8]) {
  %w = const @conv.weight : f32[4,3,1,1]
  %b = const @conv.bias : f32[4]
  %0 = conv(%x, %w, %b) {pads=[0,0,0,0], strides=[1,1]} : f32[N,4,8,8] loc("Conv_0")
  %1 = relu(%0) : f32[N,4,8,8]
  return %1 as "logits"
}
constants {
  @conv.bias = [0.5, -1.0, 0.25, 0.0]
  @conv.weight = 0x0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f0000803f
})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->name(), "net");
  EXPECT_EQ(g->input(0)->name(), "x");
  EXPECT_EQ(g->input(0)->type()->shape().dim(0).symbol(), "N");
  EXPECT_EQ(g->constant(0)->name(), "w");
  EXPECT_EQ(g->constant(0)->constant()->name, "conv.weight");
  std::span<const float> w = g->constant(0)->constant()->data->As<float>();
  ASSERT_EQ(w.size(), 12u);
  EXPECT_EQ(w[11], 1.0f);
  EXPECT_EQ(g->constant(1)->constant()->data->As<float>()[1], -1.0f);
  std::vector<Op*> ops = g->OpList();
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]->kind(), OpKind::kConv);
  EXPECT_EQ(ops[0]->operand(1), g->constant(0));
  EXPECT_EQ(ops[0]->name(), "Conv_0");
  EXPECT_EQ(ops[0]->attrs().GetInts("strides"), (std::vector<int64_t>{1, 1}));
  EXPECT_EQ(ops[0]->result(0)->name(), "");  // %0: numbered, so unnamed
  EXPECT_EQ(g->output(0), ops[1]->result(0));
  EXPECT_EQ(g->output_name(0), "logits");
  EXPECT_EQ(ops[1]->result(0)->uses().size(), 1u);
}

TEST_F(ParserTest, AttributeKindsComeFromTheSchema) {
  std::unique_ptr<Graph> g = Parse(R"(graph @g(%x: f32[2]) -> (f32[2], f32[2]) {
  %0 = leaky_relu(%x) {alpha=1} : f32[2]
  %1 = transpose(%x) {perm=[]} : f32[2]
  return %0, %1
})");
  ASSERT_TRUE(g);
  std::vector<Op*> ops = g->OpList();
  const AttrValue* alpha = ops[0]->attrs().Find("alpha");
  ASSERT_TRUE(alpha);
  EXPECT_EQ(KindOf(*alpha), AttrKind::kFloat);
  EXPECT_EQ(std::get<double>(*alpha), 1.0);
  const AttrValue* perm = ops[1]->attrs().Find("perm");
  ASSERT_TRUE(perm);
  EXPECT_EQ(KindOf(*perm), AttrKind::kInts);
}

TEST_F(ParserTest, NamesComeFromIdentifiersButNotFromNumbers) {
  std::unique_ptr<Graph> g =
      Parse(R"(graph @g(%7: f32[2], %in: f32[2]) -> (f32[2], f32[2], f32[2]) {
  %"a b" = neg(%7) : f32[2]
  %"12" = neg(%in) : f32[2]
  %99 = neg(%"12") : f32[2]
  return %"a b", %"12" as "twelve", %99
})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->input(0)->name(), "");
  EXPECT_EQ(g->input(1)->name(), "in");
  EXPECT_EQ(g->output(0)->name(), "a b");
  EXPECT_EQ(g->output_name(0), "a b");
  EXPECT_EQ(g->output(1)->name(), "");
  EXPECT_EQ(g->output_name(1), "twelve");
  EXPECT_EQ(g->output_name(2), "");
  EXPECT_EQ(PrintGraph(*g), R"(graph @g(%0: f32[2], %in: f32[2]) -> (f32[2], f32[2], f32[2]) {
  %"a b" = neg(%0) : f32[2]
  %1 = neg(%in) : f32[2]
  %2 = neg(%1) : f32[2]
  return %"a b", %1 as "twelve", %2
}
)");
}

TEST_F(ParserTest, IfWithoutResultsAndCompactLayout) {
  std::unique_ptr<Graph> g = Parse(
      "graph @g(%c: bool[]) -> () { if(%c) { graph @t() -> () { return } graph @e() -> () "
      "{ return } } return }");
  ASSERT_TRUE(g);
  ASSERT_EQ(g->num_ops(), 1u);
  EXPECT_EQ((*g->ops().begin())->num_results(), 0);
  EXPECT_EQ(PrintGraph(*g), R"(graph @g(%c: bool[]) -> () {
  if(%c) {
    graph @t() -> () {
      return
    }
    graph @e() -> () {
      return
    }
  }
  return
}
)");
}

TEST_F(ParserTest, SameConstantNameSharesOnePoolEntry) {
  std::unique_ptr<Graph> g = Parse(R"(graph @g() -> (i64[2], i64[2]) {
  %a = const @shape : i64[2]
  %b = const @shape : i64[2]
  return %a, %b
}
constants {
  @shape = [1, -1]
})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->pool().size(), 1u);
  EXPECT_EQ(g->constant(0)->constant(), g->constant(1)->constant());
  EXPECT_EQ(g->constant(0)->constant()->data->As<int64_t>()[1], -1);
}

TEST_F(ParserTest, ListDataAcceptsIntegersForFloatsAndHexIsCaseInsensitive) {
  std::unique_ptr<Graph> g = Parse(R"(graph @g() -> (f32[2], u8[2]) {
  %a = const @a : f32[2]
  %b = const @b : u8[2]
  return %a, %b
}
constants {
  @a = [1, -2]
  @b = 0xAbCd
})");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->constant(0)->constant()->data->As<float>()[1], -2.0f);
  EXPECT_EQ(g->constant(1)->constant()->data->bytes()[0], 0xab);
  EXPECT_EQ(g->constant(1)->constant()->data->bytes()[1], 0xcd);
}

}  // namespace
}  // namespace kiln::ir
