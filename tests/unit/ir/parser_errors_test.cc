// Malformed textual IR: each case asserts the exact `file:line:col: message` the parser gives.
#include <gtest/gtest.h>

#include <string>

#include "ir/parser.h"

namespace kiln::ir {
namespace {

std::string ParseError(std::string_view text) {
  Context ctx;
  Expected<std::unique_ptr<Graph>> g = ParseGraph(text, "t.kir", ctx);
  return g.ok() ? "<parsed>" : g.error().message();
}

// A one-op graph around `op_line` (line 2), returning %0.
std::string OpError(std::string_view op_line) {
  return ParseError("graph @g(%x: f32[2]) -> (f32[2]) {\n" + std::string(op_line) +
                    "\n  return %0\n}\n");
}

std::string TypeError(std::string_view type) {
  return ParseError("graph @g(%x: " + std::string(type) + ") -> () {\n  return\n}\n");
}

// A graph with constant @w : f32[2] and the given constants section.
std::string ConstantsError(std::string_view section) {
  return ParseError("graph @g() -> (f32[2]) {\n  %w = const @w : f32[2]\n  return %w\n}\n" +
                    std::string(section));
}

TEST(ParserErrorsTest, ValidBaselinesParse) {
  EXPECT_EQ(OpError("  %0 = relu(%x) : f32[2]"), "<parsed>");
  EXPECT_EQ(TypeError("i8<per_tensor scale=0.5 zero_point=1>[2]"), "<parsed>");
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 2.0]\n}\n"), "<parsed>");
}

TEST(ParserErrorsTest, UnknownOp) {
  EXPECT_EQ(OpError("  %0 = convv(%x) : f32[2]"), "t.kir:2:8: unknown op 'convv'");
}

TEST(ParserErrorsTest, BadScalarType) {
  EXPECT_EQ(OpError("  %0 = relu(%x) : f33[2]"), "t.kir:2:19: unknown scalar type 'f33'");
  EXPECT_EQ(TypeError("f32"), "t.kir:1:17: expected '[' to start the shape");
  EXPECT_EQ(TypeError("[2]"), "t.kir:1:14: expected type");
}

TEST(ParserErrorsTest, BadDim) {
  EXPECT_EQ(TypeError("f32[2,-3]"), "t.kir:1:20: dimension '-3' is out of range");
  EXPECT_EQ(TypeError("f32[2,3.5]"), "t.kir:1:20: expected dimension (integer, name or '?')");
  EXPECT_EQ(TypeError("f32[2 3]"), "t.kir:1:20: expected ',' or ']'");
  EXPECT_EQ(TypeError("f32[\"\"]"), "t.kir:1:18: empty dimension name");
  EXPECT_EQ(TypeError("f32[99999999999999999999]"),
            "t.kir:1:18: dimension '99999999999999999999' is out of range");
  EXPECT_EQ(TypeError("f32[1099511627777]"),
            "t.kir:1:18: dimension '1099511627777' is out of range");
  EXPECT_EQ(TypeError("f32[1099511627776,1099511627776]"),
            "t.kir:1:32: tensor has too many elements");
  std::string many = "f32[";
  for (int i = 0; i < 65; ++i) many += i ? ",1" : "1";
  EXPECT_EQ(TypeError(many + "]"), "t.kir:1:146: too many dimensions (limit 64)");
}

TEST(ParserErrorsTest, UseBeforeDefinition) {
  EXPECT_EQ(ParseError("graph @g(%x: f32[2]) -> (f32[2]) {\n"
                       "  %0 = relu(%3) : f32[2]\n"
                       "  %3 = relu(%x) : f32[2]\n"
                       "  return %0\n}\n"),
            "t.kir:2:13: use of undefined value '%3'");
  // An op cannot use its own result, not even from a region.
  EXPECT_EQ(OpError("  %0 = relu(%0) : f32[2]"), "t.kir:2:13: use of undefined value '%0'");
}

TEST(ParserErrorsTest, RegionValuesAreNotVisibleOutside) {
  EXPECT_EQ(ParseError("graph @g(%c: bool[], %x: f32[2]) -> (f32[2]) {\n"
                       "  %0 = if(%c) : f32[2] {\n"
                       "    graph @t() -> (f32[2]) {\n"
                       "      %1 = neg(%x) : f32[2]\n"
                       "      return %1\n"
                       "    }\n"
                       "    graph @e() -> (f32[2]) {\n"
                       "      return %1\n"
                       "    }\n"
                       "  }\n"
                       "  return %0\n}\n"),
            "t.kir:8:14: use of undefined value '%1'");
}

TEST(ParserErrorsTest, WrongOperandCount) {
  EXPECT_EQ(OpError("  %0 = conv(%x) : f32[2]"),
            "t.kir:2:8: 'conv' expects 2 to 4 operands, got 1");
  EXPECT_EQ(OpError("  %0 = relu(%x, _) : f32[2]"), "t.kir:2:8: 'relu' expects 1 operand, got 2");
  EXPECT_EQ(OpError("  %0 = concat() {axis=0} : f32[2]"),
            "t.kir:2:8: 'concat' expects at least 1 operand, got 0");
  EXPECT_EQ(OpError("  %0 = relu(%x,) : f32[2]"), "t.kir:2:16: expected operand (%value or '_')");
}

TEST(ParserErrorsTest, WrongResultCount) {
  EXPECT_EQ(OpError("  %0, %1 = relu(%x) : f32[2], f32[2]"),
            "t.kir:2:12: 'relu' expects 1 result, got 2");
  EXPECT_EQ(OpError("  relu(%x)"), "t.kir:2:3: 'relu' expects 1 result, got 0");
  EXPECT_EQ(OpError("  %0, %1 = split(%x) : f32[1]"), "t.kir:2:22: expected 2 result types, got 1");
  EXPECT_EQ(OpError("  %0 = relu(%x)"), "t.kir:3:3: expected ':' and result types");
}

TEST(ParserErrorsTest, WrongRegionCount) {
  EXPECT_EQ(ParseError("graph @g(%c: bool[]) -> () {\n"
                       "  if(%c) { graph @t() -> () { return } }\n"
                       "  return\n}\n"),
            "t.kir:2:3: 'if' expects 2 regions, got 1");
  EXPECT_EQ(OpError("  %0 = relu(%x) : f32[2] { graph @t() -> () { return } }"),
            "t.kir:2:8: 'relu' expects 0 regions, got 1");
  EXPECT_EQ(OpError("  %0 = relu(%x) : f32[2] { }"), "t.kir:2:28: expected 'graph'");
}

TEST(ParserErrorsTest, TruncatedFile) {
  const std::string full =
      "graph @g(%x: f32[2]) -> (f32[2]) {\n"
      "  %0 = relu(%x) : f32[2] loc(\"Relu\")\n"
      "  return %0\n"
      "}\n";
  EXPECT_EQ(ParseError(""), "t.kir:1:1: expected 'graph'");
  EXPECT_EQ(ParseError(full.substr(0, 5)), "t.kir:1:6: expected graph name (@name)");
  EXPECT_EQ(ParseError(full.substr(0, 17)),
            "t.kir:1:18: expected dimension (integer, name or '?')");
  EXPECT_EQ(ParseError(full.substr(0, 19)), "t.kir:1:20: expected ',' or ')'");
  EXPECT_EQ(ParseError(full.substr(0, 23)), "t.kir:1:24: expected '('");
  EXPECT_EQ(ParseError(full.substr(0, 35)), "t.kir:2:1: expected op, const or 'return'");
  EXPECT_EQ(ParseError(full.substr(0, 47)), "t.kir:2:13: expected operand (%value or '_')");
  EXPECT_EQ(ParseError(full.substr(0, 49)), "t.kir:2:15: expected ',' or ')'");
  EXPECT_EQ(ParseError(full.substr(0, 52)), "t.kir:2:18: expected type");
  EXPECT_EQ(ParseError(full.substr(0, 66)), "t.kir:2:30: unterminated string");
  EXPECT_EQ(ParseError(full.substr(0, full.size() - 3)), "t.kir:3:12: expected '}'");
  EXPECT_EQ(ParseError(full.substr(0, full.size() - 2)), "t.kir:4:1: expected '}'");
  EXPECT_EQ(ParseError(full), "<parsed>");
}

TEST(ParserErrorsTest, TruncatedConstantsSection) {
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0,"), "t.kir:6:13: expected f32 element");
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 2.0]\n"),
            "t.kir:7:1: expected constant name (@name) or '}'");
  EXPECT_EQ(ConstantsError("constants"), "t.kir:5:10: expected '{'");
}

TEST(ParserErrorsTest, TrailingInput) {
  EXPECT_EQ(ParseError("graph @g() -> () {\n  return\n}\n}"),
            "t.kir:4:1: expected 'constants' or end of input");
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 2.0]\n}\nx"),
            "t.kir:8:1: expected end of input");
}

TEST(ParserErrorsTest, UnknownAttribute) {
  EXPECT_EQ(OpError("  %0 = relu(%x) {alpha=1.0} : f32[2]"),
            "t.kir:2:18: unknown attribute 'alpha' for 'relu'");
}

TEST(ParserErrorsTest, BadAttributeValue) {
  EXPECT_EQ(OpError("  %0 = leaky_relu(%x) {alpha=\"x\"} : f32[2]"),
            "t.kir:2:30: attribute 'alpha' expects a float");
  EXPECT_EQ(OpError("  %0 = transpose(%x) {perm=[0, 1.5]} : f32[2]"),
            "t.kir:2:32: attribute 'perm' expects a list of ints");
  EXPECT_EQ(OpError("  %0 = transpose(%x) {perm=0} : f32[2]"),
            "t.kir:2:28: attribute 'perm' expects a list of ints");
  EXPECT_EQ(OpError("  %0 = softmax(%x) {axis=1.0} : f32[2]"),
            "t.kir:2:26: attribute 'axis' expects an int");
  EXPECT_EQ(OpError("  %0 = gelu(%x) {approximate=tanh} : f32[2]"),
            "t.kir:2:30: attribute 'approximate' expects a string");
  EXPECT_EQ(OpError("  %0 = softmax(%x) {axis=99999999999999999999} : f32[2]"),
            "t.kir:2:26: integer '99999999999999999999' is out of range");
  EXPECT_EQ(OpError("  %0 = elu(%x) {alpha=1e999} : f32[2]"),
            "t.kir:2:23: float '1e999' is out of range");
  EXPECT_EQ(OpError("  %0 = transpose(%x) {perm=[[0]]} : f32[2]"),
            "t.kir:2:29: attribute 'perm' expects a list of ints");
  EXPECT_EQ(OpError("  %0 = softmax(%x) {axis=1, axis=2} : f32[2]"),
            "t.kir:2:29: duplicate attribute 'axis'");
  EXPECT_EQ(OpError("  %0 = softmax(%x) {axis 1} : f32[2]"), "t.kir:2:26: expected '='");
}

TEST(ParserErrorsTest, DuplicateValueName) {
  EXPECT_EQ(OpError("  %x = relu(%x) : f32[2]"), "t.kir:2:3: redefinition of value '%x'");
  EXPECT_EQ(ParseError("graph @g(%x: f32[2], %x: f32[2]) -> () {\n  return\n}\n"),
            "t.kir:1:22: redefinition of value '%x'");
  EXPECT_EQ(OpError("  %0, %0 = split(%x) : f32[1], f32[1]"),
            "t.kir:2:7: redefinition of value '%0'");
  EXPECT_EQ(OpError("  %\"\" = relu(%x) : f32[2]"), "t.kir:2:3: empty value name");
}

TEST(ParserErrorsTest, MissingConstantData) {
  EXPECT_EQ(ConstantsError(""),
            "t.kir:2:14: missing data for constant '@w' (expected in the constants section)");
  EXPECT_EQ(ConstantsError("constants {\n}\n"),
            "t.kir:2:14: missing data for constant '@w' (expected in the constants section)");
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 2.0]\n  @w = [1.0, 2.0]\n}\n"),
            "t.kir:7:3: duplicate data for constant '@w'");
  EXPECT_EQ(ConstantsError("constants {\n  @v = [1.0, 2.0]\n}\n"),
            "t.kir:6:3: constant '@v' is not used by the graph");
}

TEST(ParserErrorsTest, ConstantDataSizeMismatch) {
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 2.0, 3.0]\n}\n"),
            "t.kir:6:8: constant '@w' expects 2 elements, got 3");
  EXPECT_EQ(ConstantsError("constants {\n  @w = 0x00000000\n}\n"),
            "t.kir:6:8: constant '@w' expects 8 bytes, got 4");
  EXPECT_EQ(ConstantsError("constants {\n  @w = 0x000\n}\n"),
            "t.kir:6:8: odd number of hex digits");
  EXPECT_EQ(ConstantsError("constants {\n  @w = [1.0, 1e39]\n}\n"),
            "t.kir:6:14: f32 element '1e39' is out of range");
  EXPECT_EQ(ParseError("graph @g() -> (i8[1]) {\n  %w = const @w : i8[1]\n  return %w\n}\n"
                       "constants {\n  @w = [128]\n}\n"),
            "t.kir:6:9: i8 element '128' is out of range");
  EXPECT_EQ(ParseError("graph @g() -> (f16[1]) {\n  %w = const @w : f16[1]\n  return %w\n}\n"
                       "constants {\n  @w = [1.0]\n}\n"),
            "t.kir:6:9: element lists are not supported for f16 data; use hex bytes");
}

TEST(ParserErrorsTest, ElidedConstant) {
  EXPECT_EQ(ConstantsError("constants {\n  @w = <elided>\n}\n"),
            "t.kir:6:8: constant '@w' has elided data, which cannot be loaded");
}

TEST(ParserErrorsTest, InconsistentConstantDeclarations) {
  EXPECT_EQ(ParseError("graph @g() -> () {\n  %a = const @w : f32[2]\n  %b = const @w : f32[3]\n"
                       "  return\n}\n"),
            "t.kir:3:19: constant '@w' was declared with type f32[2], got f32[3]");
  EXPECT_EQ(ParseError("graph @g() -> () {\n  %a = const @w : f32[N]\n  return\n}\n"),
            "t.kir:2:19: constant type must have a static shape, got f32[N]");
  EXPECT_EQ(ParseError("graph @g() -> () {\n  %a, %b = const @w : f32[2]\n  return\n}\n"),
            "t.kir:2:7: 'const' defines exactly one value");
  EXPECT_EQ(ParseError("graph @g() -> () {\n  %a = const @\"\" : f32[2]\n  return\n}\n"),
            "t.kir:2:14: empty constant name");
}

TEST(ParserErrorsTest, ReturnTypeMismatch) {
  EXPECT_EQ(ParseError("graph @g(%x: f32[2]) -> (f32[3]) {\n  return %x\n}\n"),
            "t.kir:2:10: returned value '%x' has type f32[2], expected f32[3]");
  EXPECT_EQ(ParseError("graph @g(%x: f32[2]) -> (f32[2]) {\n  return %x, %x\n}\n"),
            "t.kir:2:3: expected 1 return value, got 2");
  EXPECT_EQ(ParseError("graph @g(%x: f32[2]) -> (f32[2], f32[2]) {\n  return\n}\n"),
            "t.kir:2:3: expected 2 return values, got 0");
  EXPECT_EQ(ParseError("graph @g(%x: f32[2]) -> (f32[2]) {\n  return %x as y\n}\n"),
            "t.kir:2:16: expected output name string");
}

TEST(ParserErrorsTest, UnterminatedString) {
  EXPECT_EQ(OpError("  %0 = relu(%x) : f32[2] loc(\"Relu_0)"), "t.kir:2:30: unterminated string");
  EXPECT_EQ(OpError("  %0 = relu(%x) : f32[2] loc(\"a\\qb\")"),
            "t.kir:2:32: invalid escape sequence in string");
}

TEST(ParserErrorsTest, BadQuantSpec) {
  EXPECT_EQ(TypeError("i8<per_chan scale=0.5>[2]"),
            "t.kir:1:17: expected 'per_tensor', 'per_axis' or 'per_block'");
  EXPECT_EQ(TypeError("i8<per_tensor zero_point=1>[2]"), "t.kir:1:28: expected 'scale='");
  EXPECT_EQ(TypeError("i8<per_tensor scale=1e50>[2]"), "t.kir:1:34: scale '1e50' is out of range");
  EXPECT_EQ(TypeError("i8<per_tensor scale=0.5 zero_point=1.5>[2]"),
            "t.kir:1:49: expected zero point");
  EXPECT_EQ(TypeError("i8<per_tensor scale=0.5 zero_point=3000000000>[2]"),
            "t.kir:1:49: zero point '3000000000' is out of range");
  EXPECT_EQ(TypeError("i8<per_axis axis=0 scales=[]>[2]"),
            "t.kir:1:40: a quantization spec needs at least one scale");
  EXPECT_EQ(TypeError("i8<per_axis axis=0 scales=[0.5,0.5] zero_points=[1]>[2]"),
            "t.kir:1:62: expected 2 zero points (one per scale), got 1");
  EXPECT_EQ(TypeError("i8<per_axis axis=99999999999 scales=[0.5]>[2]"),
            "t.kir:1:31: axis '99999999999' is out of range");
  EXPECT_EQ(TypeError("i8<per_block axis=0 block_size=0 scales=[1.0]>[2]"),
            "t.kir:1:45: block size '0' is out of range");
  EXPECT_EQ(TypeError("i8<per_axis scales=[0.5]>[2]"), "t.kir:1:26: expected 'axis='");
  EXPECT_EQ(TypeError("i8<per_tensor scale=0.5[2]"),
            "t.kir:1:37: expected '>' to close the quantization spec");
}

TEST(ParserErrorsTest, NestingTooDeep) {
  std::string text = "graph @g0(%c: bool[]) -> () {\n";
  for (int i = 1; i <= 70; ++i) text += "if(%c) {\ngraph @g" + std::to_string(i) + "() -> () {\n";
  // Graph k is on line 2k+1; the root is depth 0, so graph 64 is the first too deep.
  EXPECT_EQ(ParseError(text), "t.kir:129:1: graphs nested too deeply (limit 64)");
}

}  // namespace
}  // namespace kiln::ir
