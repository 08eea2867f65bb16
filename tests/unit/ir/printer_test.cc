#include "ir/printer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>

#include "ir/builder.h"

namespace kiln::ir {
namespace {

class PrinterTest : public ::testing::Test {
 protected:
  const TensorType* F32(std::vector<Dim> dims) { return b_.F32(std::move(dims)); }
  const TensorType* Type(ScalarType s, const std::vector<int64_t>& sizes) {
    return b_.Type(s, sizes);
  }
  template <typename T>
  Value* Const(ScalarType s, const std::vector<int64_t>& sizes, const std::vector<T>& values,
               const std::string& pool_name) {
    return g_.AddConstant(Type(s, sizes), TensorData::FromVector(values), pool_name);
  }
  // The data line of the only pool entry.
  std::string DataLine() {
    std::string text = PrintGraph(g_);
    size_t at = text.find("constants {\n  ");
    EXPECT_NE(at, std::string::npos) << text;
    if (at == std::string::npos) return "";
    size_t start = at + 14;
    return text.substr(start, text.find('\n', start) - start);
  }

  Context ctx_;
  Graph g_{ctx_, "net"};
  Builder b_{g_};
};

TEST_F(PrinterTest, PrintsConvNet) {
  Dim n = Dim::Symbol("N");
  Value* x = g_.AddInput("x", F32({n, Dim(3), Dim(8), Dim(8)}));
  Value* w = b_.ConstantF32({17}, std::vector<float>(17, 0.0f), "conv.weight");
  w->set_name("w");
  Value* bias = b_.ConstantF32({4}, {0.5f, -1.0f, 0.25f, 0.0f}, "conv.bias");
  bias->set_name("b");
  AttrMap attrs;
  attrs.Set("strides", std::vector<int64_t>{1, 1});
  attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  const TensorType* out = F32({n, Dim(4), Dim(8), Dim(8)});
  Op* conv = b_.CreateOp(OpKind::kConv, {x, w, bias}, {out}, attrs);
  conv->set_name("Conv_0");
  Value* relu = b_.Create(OpKind::kRelu, {conv->result(0)}, out);
  g_.AddOutput(relu, "logits");

  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%x: f32[N,3,8,8]) -> (f32[N,4,8,8]) {
  %w = const @conv.weight : f32[17]
  %b = const @conv.bias : f32[4]
  %0 = conv(%x, %w, %b) {pads=[1,1,1,1], strides=[1,1]} : f32[N,4,8,8] loc("Conv_0")
  %1 = relu(%0) : f32[N,4,8,8]
  return %1 as "logits"
}
constants {
  @conv.weight = 0x)" + std::string(136, '0') +
                                R"(
  @conv.bias = [0.5, -1.0, 0.25, 0.0]
}
)");
}

TEST_F(PrinterTest, NamesValuesByNameOrNumberInDefinitionOrder) {
  const TensorType* t = F32({Dim(2)});
  Value* a = g_.AddInput("a", t);
  Value* a2 = g_.AddInput("a", t);          // taken: numbered
  Value* digits = g_.AddInput("7", t);      // all digits: numbered
  Value* unnamed = g_.AddInput("", t);      // numbered
  Value* quoted = g_.AddInput("/x y", t);   // not an identifier: quoted
  Value* dotted = g_.AddInput("x.1_b", t);  // an identifier with dots
  Value* sum = b_.Create(OpKind::kMax, {a, a2, digits, unnamed, quoted, dotted}, t);
  g_.AddOutput(sum);
  EXPECT_EQ(
      PrintGraph(g_),
      R"(graph @net(%a: f32[2], %0: f32[2], %1: f32[2], %2: f32[2], %"/x y": f32[2], %x.1_b: f32[2]) -> (f32[2]) {
  %3 = max(%a, %0, %1, %2, %"/x y", %x.1_b) : f32[2]
  return %3
}
)");
}

TEST_F(PrinterTest, OutputNamesPrintOnlyWhenTheyDiffer) {
  const TensorType* t = F32({Dim(2)});
  Value* x = g_.AddInput("x", t);
  Value* y = b_.Create(OpKind::kRelu, {x}, t);
  g_.AddOutput(x, "x");    // same as the value's name
  g_.AddOutput(x, "");     // empty
  g_.AddOutput(x, "out");  // differs
  g_.AddOutput(y, "0");    // a numbered value keeps a numeric output name
  g_.AddOutput(y, "a\"b");
  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%x: f32[2]) -> (f32[2], f32[2], f32[2], f32[2], f32[2]) {
  %0 = relu(%x) : f32[2]
  return %x, %x, %x as "out", %0 as "0", %0 as "a\"b"
}
)");
}

TEST_F(PrinterTest, PoolEntriesOncePerEntryInOrderOfFirstReference) {
  const TensorType* t = Type(ScalarType::kI64, {1});
  Constant* late = g_.pool().Add("late", t, TensorData::FromVector<int64_t>({2}));
  Constant* early = g_.pool().Add("early", t, TensorData::FromVector<int64_t>({1}));
  g_.pool().Add("unused", t, TensorData::FromVector<int64_t>({3}));
  g_.AddConstantRef(early);
  Value* again = g_.AddConstantRef(early);
  Value* cond = g_.AddInput("c", ctx_.GetType(ScalarType::kBool, Shape()));
  Op* op = b_.CreateOp(OpKind::kIf, {cond}, {t});
  Graph& then_graph = op->AddRegion("then");
  then_graph.AddOutput(then_graph.AddConstantRef(late));
  Graph& else_graph = op->AddRegion("else");
  else_graph.AddOutput(again);  // an outer value
  g_.AddOutput(op->result(0));
  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%c: bool[]) -> (i64[1]) {
  %0 = const @early : i64[1]
  %1 = const @early : i64[1]
  %2 = if(%c) : i64[1] {
    graph @then() -> (i64[1]) {
      %3 = const @late : i64[1]
      return %3
    }
    graph @else() -> (i64[1]) {
      return %1
    }
  }
  return %2
}
constants {
  @early = [1]
  @late = [2]
}
)");
}

TEST_F(PrinterTest, RegionsNestAndIndent) {
  const TensorType* t = F32({Dim(2)});
  Value* cond = g_.AddInput("cond", ctx_.GetType(ScalarType::kBool, Shape()));
  Value* x = g_.AddInput("x", t);
  Op* outer = b_.CreateOp(OpKind::kIf, {cond}, {t});
  outer->set_name("If_0");
  Graph& then_graph = outer->AddRegion("then_branch");
  Op* inner = then_graph.CreateOp(OpKind::kIf, {cond}, {t});
  Graph& inner_then = inner->AddRegion("a");
  inner_then.AddOutput(inner_then.CreateOp(OpKind::kNeg, {x}, {t})->result(0));
  Graph& inner_else = inner->AddRegion("b");
  inner_else.AddOutput(x);
  then_graph.AddOutput(inner->result(0));
  Graph& else_graph = outer->AddRegion("else_branch");
  else_graph.AddOutput(x);
  g_.AddOutput(outer->result(0), "y");
  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%cond: bool[], %x: f32[2]) -> (f32[2]) {
  %0 = if(%cond) : f32[2] {
    graph @then_branch() -> (f32[2]) {
      %1 = if(%cond) : f32[2] {
        graph @a() -> (f32[2]) {
          %2 = neg(%x) : f32[2]
          return %2
        }
        graph @b() -> (f32[2]) {
          return %x
        }
      }
      return %1
    }
    graph @else_branch() -> (f32[2]) {
      return %x
    }
  } loc("If_0")
  return %0 as "y"
}
)");
}

TEST_F(PrinterTest, AttributesSortedWithExactFloats) {
  const TensorType* t = F32({Dim(2)});
  Value* x = g_.AddInput("x", t);
  AttrMap attrs;
  attrs.Set("zeta", std::vector<std::string>{"a", "b\n"});
  attrs.Set("epsilon", 1e-05);
  attrs.Set("alpha", 1.0);
  attrs.Set("mode", std::string("same\"upper"));
  attrs.Set("beta", std::vector<double>{0.1, -2.5e300});
  attrs.Set("empty", std::vector<int64_t>{});
  attrs.Set("gamma", std::numeric_limits<double>::quiet_NaN());
  attrs.Set("n", int64_t{-3});
  attrs.Set("inf", -std::numeric_limits<double>::infinity());
  g_.AddOutput(b_.Create(OpKind::kIdentity, {x}, t, attrs));
  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%x: f32[2]) -> (f32[2]) {
  %0 = identity(%x) {alpha=1.0, beta=[0.1,-2.5e+300], empty=[], epsilon=1e-05, gamma=nan, inf=-inf, mode="same\"upper", n=-3, zeta=["a","b\n"]} : f32[2]
  return %0
}
)");
}

TEST_F(PrinterTest, MultipleResultsAndAbsentOperands) {
  const TensorType* t = F32({Dim(4)});
  const TensorType* half = F32({Dim(2)});
  Value* x = g_.AddInput("x", t);
  Value* hi = g_.AddInput("hi", t);
  Value* clipped = b_.Create(OpKind::kClip, {x, nullptr, hi}, t);
  Op* split = b_.CreateOp(OpKind::kSplit, {clipped}, {half, half});
  split->result(1)->set_name("second");
  g_.AddOutput(split->result(0));
  g_.AddOutput(split->result(1));
  EXPECT_EQ(PrintGraph(g_), R"(graph @net(%x: f32[4], %hi: f32[4]) -> (f32[2], f32[2]) {
  %0 = clip(%x, _, %hi) : f32[4]
  %1, %second = split(%0) : f32[2], f32[2]
  return %1, %second
}
)");
}

TEST_F(PrinterTest, LocationsAndConstantsCanBeLeftOut) {
  Value* w = b_.ConstantF32({2}, {1.0f, 2.0f}, "w");
  Op* neg = b_.CreateOp(OpKind::kNeg, {w}, {w->type()});
  neg->set_name("Neg_0");
  g_.AddOutput(neg->result(0));
  EXPECT_EQ(PrintGraph(g_, {.elide_constants = true, .print_locations = false}),
            R"(graph @net() -> (f32[2]) {
  %0 = const @w : f32[2]
  %1 = neg(%0) : f32[2]
  return %1
}
constants {
  @w = <elided>
}
)");
}

TEST_F(PrinterTest, QuotesNamesThatAreNotIdentifiers) {
  Graph g(ctx_, "my model");
  Value* c =
      g.AddConstant(Type(ScalarType::kU8, {1}), TensorData::FromVector<uint8_t>({255}), "0/w");
  g.AddOutput(c);
  EXPECT_EQ(PrintGraph(g), R"(graph @"my model"() -> (u8[1]) {
  %0 = const @"0/w" : u8[1]
  return %0
}
constants {
  @"0/w" = [255]
}
)");
}

TEST_F(PrinterTest, SmallIntegerAndBoolDataPrintAsLists) {
  Const<int8_t>(ScalarType::kI8, {3}, {-128, 0, 127}, "c");
  g_.AddOutput(g_.constant(0));
  EXPECT_EQ(DataLine(), "@c = [-128, 0, 127]");

  Graph g(ctx_);
  g.AddConstant(Type(ScalarType::kI64, {2}),
                TensorData::FromVector<int64_t>({std::numeric_limits<int64_t>::min(), 5}), "c");
  g.AddConstant(Type(ScalarType::kI16, {1}), TensorData::FromVector<int16_t>({-300}), "d");
  g.AddConstant(Type(ScalarType::kI32, {}), TensorData::FromVector<int32_t>({70000}), "e");
  g.AddConstant(Type(ScalarType::kBool, {2}), TensorData::FromVector<uint8_t>({1, 0}), "f");
  g.AddConstant(Type(ScalarType::kF32, {0}), TensorData::FromVector<float>({}), "g");
  std::string text = PrintGraph(g);
  EXPECT_NE(text.find("  @c = [-9223372036854775808, 5]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  @d = [-300]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  @e = [70000]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  @f = [1, 0]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  @g = []\n"), std::string::npos) << text;
}

TEST_F(PrinterTest, SpecialFloatsPrintAsListWhenTheyReadBackExactly) {
  float inf = std::numeric_limits<float>::infinity();
  Const<float>(ScalarType::kF32, {5}, {std::nanf(""), inf, -inf, -0.0f, 0.1f}, "c");
  g_.AddOutput(g_.constant(0));
  EXPECT_EQ(DataLine(), "@c = [nan, inf, -inf, -0.0, 0.1]");
}

TEST_F(PrinterTest, NonCanonicalNanPrintsAsHex) {
  uint32_t bits = 0xffc00001u;
  float f;
  std::memcpy(&f, &bits, 4);
  Const<float>(ScalarType::kF32, {1}, {f}, "c");
  g_.AddOutput(g_.constant(0));
  EXPECT_EQ(DataLine(), "@c = 0x0100c0ff");
}

TEST_F(PrinterTest, LargeOrPackedDataPrintsAsHex) {
  Const<uint8_t>(ScalarType::kU8, {17}, std::vector<uint8_t>(17, 0xab), "c");
  g_.AddOutput(g_.constant(0));
  std::string hex;
  for (int i = 0; i < 17; ++i) hex += "ab";
  EXPECT_EQ(DataLine(), "@c = 0x" + hex);

  Graph f16(ctx_);
  f16.AddConstant(Type(ScalarType::kF16, {1}), TensorData::FromVector<uint16_t>({0x3c00}), "h");
  EXPECT_NE(PrintGraph(f16).find("@h = 0x003c\n"), std::string::npos);
  Graph i4(ctx_);
  i4.AddConstant(Type(ScalarType::kI4, {3}), TensorData::FromVector<uint8_t>({0x21, 0x03}), "q");
  EXPECT_NE(PrintGraph(i4).find("@q = 0x2103\n"), std::string::npos);
  Graph flag(ctx_);
  flag.AddConstant(Type(ScalarType::kBool, {1}), TensorData::FromVector<uint8_t>({2}), "b");
  EXPECT_NE(PrintGraph(flag).find("@b = 0x02\n"), std::string::npos);
}

TEST_F(PrinterTest, TypesWithQuantizationAndSymbols) {
  EXPECT_EQ(PrintType(*ctx_.GetType(ScalarType::kI8, Shape::Static({2, 3}),
                                    QuantSpec::PerAxis(1, {0.5f, 0.25f, 1.0f}, {0, 1, 2}))),
            "i8<per_axis axis=1 scales=[0.5,0.25,1.0] zero_points=[0,1,2]>[2,3]");
  EXPECT_EQ(
      PrintType(*ctx_.GetType(ScalarType::kU8, Shape::Unranked(), QuantSpec::PerTensor(0.1f, 128))),
      "u8<per_tensor scale=0.1 zero_point=128>[*]");
  EXPECT_EQ(PrintType(*ctx_.GetType(ScalarType::kI4, Shape::Static({4, 64}),
                                    QuantSpec::PerBlock(1, 32, {1, 2, 3, 4, 5, 6, 7, 8}, {}))),
            "i4<per_block axis=1 block_size=32 scales=[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]>[4,64]");
  EXPECT_EQ(PrintType(*ctx_.GetType(ScalarType::kBool, Shape())), "bool[]");
  Shape shape({Dim::Symbol("batch size"), Dim::Symbol("N"), Dim(), Dim::Symbol("12")});
  EXPECT_EQ(PrintType(*ctx_.GetType(ScalarType::kF32, shape)), R"(f32["batch size",N,?,"12"])");
}

TEST_F(PrinterTest, StreamAndStringFormsAgree) {
  Value* x = g_.AddInput("x", F32({Dim(1)}));
  g_.AddOutput(b_.Create(OpKind::kRelu, {x}, x->type()));
  std::ostringstream os;
  PrintGraph(g_, os);
  EXPECT_EQ(os.str(), PrintGraph(g_));
  EXPECT_EQ(PrintGraph(g_), PrintGraph(g_));
}

TEST_F(PrinterTest, RegionPrintedAloneNamesOuterValuesOnUse) {
  Value* cond = g_.AddInput("cond", ctx_.GetType(ScalarType::kBool, Shape()));
  Value* x = g_.AddInput("", F32({Dim(1)}));
  Op* op = b_.CreateOp(OpKind::kIf, {cond}, {x->type()});
  Graph& then_graph = op->AddRegion("then");
  then_graph.AddOutput(then_graph.CreateOp(OpKind::kNeg, {x}, {x->type()})->result(0));
  EXPECT_EQ(PrintGraph(then_graph), R"(graph @then() -> (f32[1]) {
  %0 = neg(%1) : f32[1]
  return %0
}
)");
}

}  // namespace
}  // namespace kiln::ir
