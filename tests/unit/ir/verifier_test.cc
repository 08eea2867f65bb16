#include "ir/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "ir/builder.h"

namespace kiln::ir {
namespace {

using ::testing::HasSubstr;

class VerifierTest : public ::testing::Test {
 protected:
  // The verifier's message; fails the test when the graph verifies.
  static std::string Error(const Graph& g) {
    Status s = VerifyGraph(g);
    EXPECT_FALSE(s.ok()) << "the graph verified";
    return s.message();
  }
  std::string Error() const { return Error(g_); }
  static void ExpectOk(const Graph& g) {
    Status s = VerifyGraph(g);
    EXPECT_TRUE(s.ok()) << s.message();
  }

  const TensorType* T(ScalarType scalar, const std::vector<int64_t>& sizes) {
    return b_.Type(scalar, sizes);
  }
  const TensorType* F32(const std::vector<int64_t>& sizes) { return b_.F32(sizes); }
  // f32[N, rest...]
  const TensorType* Batched(const std::vector<int64_t>& rest) {
    std::vector<Dim> dims = {Dim::Symbol("N")};
    for (int64_t d : rest) dims.emplace_back(d);
    return b_.F32(std::move(dims));
  }
  const TensorType* Quantized(ScalarType scalar, const std::vector<int64_t>& sizes,
                              QuantSpec quant) {
    return ctx_.GetType(scalar, Shape::Static(sizes), std::move(quant));
  }
  Value* Input(const TensorType* type, std::string name = "x") {
    return g_.AddInput(std::move(name), type);
  }
  Value* Weights(const std::vector<int64_t>& sizes, std::string_view name = "w") {
    int64_t n = Shape::Static(sizes).num_elements().value();
    return b_.ConstantF32(sizes, std::vector<float>(n, 0.5f), name);
  }
  static AttrMap Attrs(std::string_view name, AttrValue value) {
    AttrMap attrs;
    attrs.Set(name, std::move(value));
    return attrs;
  }
  // An `if` on a fresh bool input, with empty then/else regions.
  Op* CreateIf(const std::vector<const TensorType*>& results = {}) {
    Value* cond = Input(T(ScalarType::kBool, {}), "cond");
    Op* op = g_.CreateOp(OpKind::kIf, {cond}, results);
    op->AddRegion("then");
    op->AddRegion("else");
    return op;
  }

  Context ctx_;
  Graph g_{ctx_, "net"};
  Builder b_{g_};
};

// --- A well-formed graph ---------------------------------------------------------------------

TEST_F(VerifierTest, ResNetBlockWithSymbolicBatchPasses) {
  const TensorType* act = Batched({4, 8, 8});
  Value* x = Input(act);
  AttrMap conv_attrs;
  conv_attrs.Set("pads", std::vector<int64_t>{1, 1, 1, 1});
  conv_attrs.Set("kernel_shape", std::vector<int64_t>{3, 3});
  Op* conv =
      b_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3, 3}), Weights({4})}, {act}, conv_attrs);
  conv->set_name("Conv_0");
  Value* bn = b_.Create(OpKind::kBatchNorm,
                        {conv->result(0), Weights({4}), Weights({4}), Weights({4}), Weights({4})},
                        act, Attrs("epsilon", 1e-5));
  Value* relu = b_.Create(OpKind::kRelu, {bn}, act);
  Value* sum = b_.Create(OpKind::kAdd, {relu, x}, act);
  Value* relu2 = b_.Create(OpKind::kRelu, {sum}, act);
  Value* pooled = b_.Create(OpKind::kGlobalAveragePool, {relu2}, Batched({4, 1, 1}));
  Value* flat = b_.Create(OpKind::kFlatten, {pooled}, Batched({4}), Attrs("axis", int64_t{1}));
  Value* logits = b_.Create(OpKind::kGemm, {flat, Weights({10, 4}), Weights({10})}, Batched({10}),
                            Attrs("trans_b", int64_t{1}));
  g_.AddOutput(logits, "logits");
  ExpectOk(g_);
}

// --- Structure -------------------------------------------------------------------------------

TEST_F(VerifierTest, OperandCountOutsideSchema) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kRelu, {x, x}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("has 2 operands, but relu takes 1"));
}

TEST_F(VerifierTest, ResultCountOutsideSchema) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kBatchNorm, {x, x, x, x, x}, {});
  EXPECT_THAT(Error(), HasSubstr("has 0 results, but batch_norm gives 1 to 3"));
}

TEST_F(VerifierTest, RegionCountOutsideSchema) {
  Value* cond = Input(T(ScalarType::kBool, {}), "cond");
  g_.CreateOp(OpKind::kIf, {cond}, {});
  EXPECT_THAT(Error(), HasSubstr("has 0 regions, but if takes 2"));
}

TEST_F(VerifierTest, RequiredOperandAbsent) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, nullptr}, {Batched({4, 8, 8})});
  EXPECT_THAT(Error(), HasSubstr("operand 1 is required but absent"));
}

TEST_F(VerifierTest, LastOperandAbsent) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3, 3}), nullptr}, {Batched({4, 8, 8})});
  EXPECT_THAT(Error(), HasSubstr("operand 2 is absent but last"));
}

TEST_F(VerifierTest, AbsentOptionalOperandBeforePresentOnePasses) {
  Value* x = Input(F32({4}));
  Value* max = Weights({}, "max");
  g_.AddOutput(b_.Create(OpKind::kClip, {x, nullptr, max}, F32({4})));
  ExpectOk(g_);
}

TEST_F(VerifierTest, VariadicOperandAbsent) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kConcat, {x, nullptr, x}, {F32({8})}, Attrs("axis", int64_t{0}));
  EXPECT_THAT(Error(), HasSubstr("operand 1 is absent, but variadic operands cannot be"));
}

TEST_F(VerifierTest, OperandUsedBeforeDefinition) {
  Value* x = Input(F32({4}));
  Op* relu = g_.CreateOp(OpKind::kRelu, {x}, {F32({4})});
  relu->result(0)->set_name("r");
  Op* neg = g_.CreateOp(OpKind::kNeg, {relu->result(0)}, {F32({4})});
  g_.MoveOpBefore(neg, relu);
  EXPECT_EQ(Error(), "verify: neg (op #0 in @net): operand 0 (%r) is used before its definition");
}

TEST_F(VerifierTest, OpUsingItsOwnResult) {
  Value* x = Input(F32({4}));
  Op* add = g_.CreateOp(OpKind::kAdd, {x, x}, {F32({4})});
  add->SetOperand(1, add->result(0));
  EXPECT_THAT(Error(), HasSubstr("operand 1 is used before its definition"));
}

TEST_F(VerifierTest, RegionValueIsNotVisibleOutside) {
  Value* x = Input(F32({4}));
  Op* iff = CreateIf();
  Value* inner = iff->region(0).CreateOp(OpKind::kRelu, {x}, {F32({4})})->result(0);
  inner->set_name("inner");
  g_.CreateOp(OpKind::kNeg, {inner}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("neg (op #1 in @net): operand 0 (%inner) is not visible from "
                                 "@net: it is defined in @then"));
}

TEST_F(VerifierTest, RegionsUseEarlierValuesOfEnclosingGraph) {
  Value* x = Input(F32({4}));
  Value* y = b_.Create(OpKind::kRelu, {x}, F32({4}));
  Op* iff = CreateIf({F32({4})});
  Graph& then_g = iff->region(0);
  then_g.AddOutput(then_g.CreateOp(OpKind::kNeg, {y}, {F32({4})})->result(0));
  iff->region(1).AddOutput(x);
  g_.AddOutput(iff->result(0));
  ExpectOk(g_);
  ExpectOk(then_g);  // a region verifies on its own, seeing the values defined before `if`
}

TEST_F(VerifierTest, RegionUsingLaterValueOfEnclosingGraph) {
  Value* x = Input(F32({4}));
  Op* iff = CreateIf();
  Value* later = b_.Create(OpKind::kRelu, {x}, F32({4}));
  iff->region(0).CreateOp(OpKind::kNeg, {later}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("neg (op #0 in @then): operand 0 is used before its definition"));
}

TEST_F(VerifierTest, OperandFromAnotherGraph) {
  Graph other(ctx_, "other");
  Value* y = other.AddInput("y", F32({4}));
  g_.CreateOp(OpKind::kRelu, {y}, {F32({4})});
  EXPECT_THAT(Error(),
              HasSubstr("operand 0 (%y) is not visible from @net: it is defined in @other"));
  g_.DropAllReferences();  // `other` goes first; nothing may still use its values
}

TEST_F(VerifierTest, UseByOpOfAnotherGraph) {
  Value* x = Input(F32({4}));
  Graph other(ctx_, "other");
  other.CreateOp(OpKind::kRelu, {x}, {F32({4})});
  EXPECT_EQ(Error(), "verify: graph @net input 0 (%x) use 0 refers to an op outside the graph");
}

TEST_F(VerifierTest, UseAsOutputOfAnotherGraph) {
  Value* x = Input(F32({4}));
  Graph other(ctx_, "other");
  other.AddOutput(x);
  EXPECT_THAT(Error(), HasSubstr("input 0 (%x) use 0 refers to an output of a graph outside"));
  EXPECT_THAT(Error(other), HasSubstr("graph @other output 0 (%x) is not visible from @other"));
}

TEST_F(VerifierTest, NullGraphOutput) {
  g_.AddOutput(nullptr, "y");
  EXPECT_EQ(Error(), "verify: graph @net output 0 \"y\" is null");
}

TEST_F(VerifierTest, GraphOutputFromRegion) {
  Value* x = Input(F32({4}));
  Op* iff = CreateIf();
  g_.AddOutput(iff->region(1).CreateOp(OpKind::kRelu, {x}, {F32({4})})->result(0));
  EXPECT_THAT(Error(), HasSubstr("graph @net output 0 is not visible from @net"));
}

// --- Attributes ------------------------------------------------------------------------------

TEST_F(VerifierTest, UnknownAttribute) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kRelu, {x}, {F32({4})}, Attrs("alpha", 0.1));
  EXPECT_THAT(Error(), HasSubstr("relu (op #0 in @net): has unknown attribute 'alpha'"));
}

TEST_F(VerifierTest, AttributeOfAnotherKind) {
  Value* x = Input(F32({4}));
  Op* op = g_.CreateOp(OpKind::kLeakyRelu, {x}, {F32({4})});
  op->attrs().Set("alpha", int64_t{1});
  EXPECT_THAT(Error(), HasSubstr("attribute 'alpha' is int, but leaky_relu takes float"));
}

TEST_F(VerifierTest, RequiredAttributeMissing) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kConcat, {x, x}, {F32({8})});
  EXPECT_THAT(Error(), HasSubstr("is missing required attribute 'axis'"));
}

// --- Types, constants and quantization specs -------------------------------------------------

TEST_F(VerifierTest, InputWithoutType) {
  Input(nullptr);
  EXPECT_EQ(Error(), "verify: graph @net input 0 (%x) has no type");
}

TEST_F(VerifierTest, ResultWithoutType) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kRelu, {x}, {nullptr});
  EXPECT_THAT(Error(), HasSubstr("relu (op #0 in @net): result 0 has no type"));
}

TEST_F(VerifierTest, ConstantTypeDiffersFromPoolEntry) {
  Value* w = Weights({4}, "w");
  w->set_type(F32({2, 2}));
  EXPECT_EQ(Error(),
            "verify: graph @net constant 0 has type f32[2,2], but its pool entry @w has f32[4]");
}

TEST_F(VerifierTest, ConstantDataOfWrongSize) {
  g_.AddConstant(F32({4}), TensorData::FromVector<float>({1.0f, 2.0f}), "w");
  EXPECT_THAT(Error(), HasSubstr("refers to pool entry @w with 8 bytes, but f32[4] needs 16"));
}

TEST_F(VerifierTest, SubByteConstantsArePacked) {
  g_.AddConstant(T(ScalarType::kI4, {3}), TensorData::FromBytes({0x21, 0x03}), "w");
  ExpectOk(g_);
}

TEST_F(VerifierTest, ConstantWithoutStaticShape) {
  g_.AddConstant(Batched({4}), nullptr, "w");
  EXPECT_THAT(Error(), HasSubstr("has type f32[N,4], but constants need a static shape"));
}

TEST_F(VerifierTest, QuantScaleCountDiffersFromShape) {
  Input(Quantized(ScalarType::kI8, {4, 2}, QuantSpec::PerAxis(0, {0.5f, 0.5f, 0.5f}, {})));
  EXPECT_THAT(Error(), HasSubstr("input 0 (%x) has type i8<per_axis axis=0 "
                                 "scales=[0.5,0.5,0.5]>[4,2]: 3 scales, but the shape needs 4"));
}

TEST_F(VerifierTest, QuantZeroPointCountDiffersFromScales) {
  Input(Quantized(ScalarType::kI8, {2}, QuantSpec::PerAxis(0, {0.5f, 0.25f}, {3})));
  EXPECT_THAT(Error(), HasSubstr("1 zero points for 2 scales"));
}

TEST_F(VerifierTest, QuantZeroPointOutsideScalarRange) {
  Input(Quantized(ScalarType::kU8, {4}, QuantSpec::PerTensor(0.5f, 256)));
  EXPECT_THAT(Error(), HasSubstr("zero point 0 is 256, outside u8's range [0, 255]"));
}

TEST_F(VerifierTest, QuantScaleNotPositive) {
  Input(Quantized(ScalarType::kI8, {4}, QuantSpec::PerTensor(-0.5f)));
  EXPECT_THAT(Error(), HasSubstr("scale 0 is -0.5; scales must be positive and finite"));
}

TEST_F(VerifierTest, QuantOnFloatType) {
  Input(Quantized(ScalarType::kF32, {4}, QuantSpec::PerTensor(0.5f)));
  EXPECT_THAT(Error(), HasSubstr("quantization needs an integer scalar type"));
}

TEST_F(VerifierTest, QuantAxisOutOfRange) {
  Input(Quantized(ScalarType::kI8, {4, 2}, QuantSpec::PerAxis(2, {0.5f}, {})));
  EXPECT_THAT(Error(), HasSubstr("quantization axis 2 is out of range for rank 2"));
}

// --- Elementwise and broadcasting ops --------------------------------------------------------

TEST_F(VerifierTest, UnaryResultShapeDiffers) {
  Value* x = Input(Batched({4}));
  g_.CreateOp(OpKind::kRelu, {x}, {Batched({5})});
  EXPECT_THAT(Error(), HasSubstr("result 0 has shape [N,5], but operand 0 has [N,4]"));
}

TEST_F(VerifierTest, UnaryResultScalarTypeDiffers) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kSigmoid, {x}, {T(ScalarType::kI32, {4})});
  EXPECT_THAT(Error(), HasSubstr("result 0 is i32, but operand 0 is f32"));
}

TEST_F(VerifierTest, NotTakesBool) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kNot, {x}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 is f32[4], but not takes bool"));
}

TEST_F(VerifierTest, BroadcastOperandsOfDifferentTypes) {
  Value* x = Input(F32({4}));
  Value* y = Input(T(ScalarType::kI32, {4}), "y");
  g_.CreateOp(OpKind::kAdd, {x, y}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("operand 1 is i32, but operand 0 is f32"));
}

TEST_F(VerifierTest, PowAllowsMixedOperandTypes) {
  Value* x = Input(F32({4}));
  Value* e = Input(T(ScalarType::kI32, {}), "e");
  g_.AddOutput(b_.Create(OpKind::kPow, {x, e}, F32({4})));
  ExpectOk(g_);
}

TEST_F(VerifierTest, BroadcastIncompatibleShapes) {
  Value* x = Input(F32({2, 3}));
  Value* y = Input(F32({4}), "y");
  g_.CreateOp(OpKind::kMul, {x, y}, {F32({2, 3})});
  EXPECT_THAT(
      Error(),
      HasSubstr("operand 1 has shape [4], which does not broadcast with operand 0's [2,3]"));
}

TEST_F(VerifierTest, BroadcastSymbolicAndUnitDimsPass) {
  Value* x = Input(Batched({1, 3}));
  Value* y = Input(F32({5, 1}), "y");
  Value* z = Input(b_.F32({Dim::Symbol("M"), Dim(1), Dim(1)}), "z");
  g_.AddOutput(b_.Create(OpKind::kMax, {x, y, z}, Batched({5, 3})));
  g_.AddOutput(b_.Create(OpKind::kSub, {x, y}, b_.F32({Dim(), Dim(5), Dim(3)})));
  ExpectOk(g_);
}

TEST_F(VerifierTest, BroadcastResultRankDiffers) {
  Value* x = Input(F32({2, 3}));
  Value* y = Input(F32({3}), "y");
  g_.CreateOp(OpKind::kAdd, {x, y}, {F32({3})});
  EXPECT_THAT(Error(), HasSubstr("result 0 has rank 1, but broadcasting the operands gives [2,3]"));
}

TEST_F(VerifierTest, BroadcastResultDimDiffers) {
  Value* x = Input(F32({2, 3}));
  Value* y = Input(F32({1, 3}), "y");
  g_.CreateOp(OpKind::kDiv, {x, y}, {F32({2, 1})});
  EXPECT_THAT(Error(),
              HasSubstr("result 0 has shape [2,1], but broadcasting the operands gives [2,3]"));
}

TEST_F(VerifierTest, ComparisonProducesBool) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kLess, {x, x}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("result 0 is f32, but less produces bool"));
}

// --- Op-specific rules -----------------------------------------------------------------------

TEST_F(VerifierTest, MatMulInnerDimsDiffer) {
  Value* a = Input(Batched({2, 3}));
  g_.CreateOp(OpKind::kMatMul, {a, Weights({4, 5})}, {Batched({2, 5})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 has inner dim 3, but operand 1 has 4"));
}

TEST_F(VerifierTest, MatMulResultShapeDiffers) {
  Value* a = Input(Batched({2, 3}));
  g_.CreateOp(OpKind::kMatMul, {a, Weights({3, 5})}, {Batched({2, 6})});
  EXPECT_THAT(Error(),
              HasSubstr("result 0 has shape [N,2,6], but [N,2,3] x [3,5] gives [...,2,5]"));
}

TEST_F(VerifierTest, GemmTakes2DOperands) {
  Value* a = Input(Batched({2, 3}));
  g_.CreateOp(OpKind::kGemm, {a, Weights({3, 5})}, {F32({2, 5})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 has rank 3, but gemm takes 2-D operands"));
}

TEST_F(VerifierTest, GemmInnerDimsFollowTransposeFlags) {
  Value* a = Input(Batched({3}));
  g_.AddOutput(
      b_.Create(OpKind::kGemm, {a, Weights({5, 3})}, Batched({5}), Attrs("trans_b", int64_t{1})));
  ExpectOk(g_);
  g_.CreateOp(OpKind::kGemm, {a, Weights({5, 3})}, {Batched({3})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 has inner dim 3 (trans_a=0), but operand 1 has 5 "
                                 "(trans_b=0)"));
}

TEST_F(VerifierTest, ConvInputChannelsDiffer) {
  Value* x = Input(Batched({4, 8, 8}));
  Op* conv = g_.CreateOp(OpKind::kConv, {x, Weights({4, 3, 3, 3})}, {Batched({4, 6, 6})});
  conv->set_name("Conv_0");
  EXPECT_EQ(Error(),
            "verify: conv \"Conv_0\" (op #0 in @net): operand 1 has 3 input channels x group 1, "
            "but the input has 4");
}

TEST_F(VerifierTest, GroupedConvPasses) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.AddOutput(b_.Create(OpKind::kConv, {x, Weights({6, 2, 3, 3})}, Batched({6, 6, 6}),
                         Attrs("group", int64_t{2})));
  ExpectOk(g_);
}

TEST_F(VerifierTest, ConvWeightRankDiffers) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3})}, {Batched({4, 6, 6})});
  EXPECT_THAT(Error(), HasSubstr("operand 1 has rank 3, but the input has rank 4"));
}

TEST_F(VerifierTest, ConvBiasLengthDiffers) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3, 3}), Weights({5})}, {Batched({4, 6, 6})});
  EXPECT_THAT(Error(),
              HasSubstr("operand 2 (bias) has 5 elements, but the weight has 4 output channels"));
}

TEST_F(VerifierTest, ConvResultChannelsDiffer) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3, 3})}, {Batched({5, 6, 6})});
  EXPECT_THAT(Error(),
              HasSubstr("result 0 has 5 channels, but the weight gives 4 output channels"));
}

TEST_F(VerifierTest, ConvKernelShapeDiffersFromWeight) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kConv, {x, Weights({4, 4, 3, 3})}, {Batched({4, 6, 6})},
              Attrs("kernel_shape", std::vector<int64_t>{5, 5}));
  EXPECT_THAT(Error(), HasSubstr("kernel_shape [5,5] does not match operand 1's [4,4,3,3]"));
}

TEST_F(VerifierTest, ConvTransposeChannels) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.AddOutput(b_.Create(OpKind::kConvTranspose, {x, Weights({4, 3, 2, 2}), Weights({6})},
                         Batched({6, 16, 16}), Attrs("group", int64_t{2})));
  ExpectOk(g_);
  g_.CreateOp(OpKind::kConvTranspose, {x, Weights({3, 3, 2, 2})}, {Batched({3, 16, 16})});
  EXPECT_THAT(Error(), HasSubstr("operand 1 has 3 input channels, but the input has 4"));
}

TEST_F(VerifierTest, ConvAndLinearResidualOfTheResultsTypePasses) {
  Value* x = Input(Batched({4, 8, 8}));
  Value* r = Input(Batched({4, 6, 6}), "r");
  g_.AddOutput(b_.Create(OpKind::kConv, {x, Weights({4, 4, 3, 3}), nullptr, r}, r->type(),
                         Attrs("activation", std::string("relu"))));
  Value* t = Input(Batched({5, 4}), "t");
  Value* u = Input(Batched({5, 3}), "u");
  g_.AddOutput(b_.Create(OpKind::kLinear, {t, Weights({4, 3}), Weights({3}, "b"), u}, u->type()));
  ExpectOk(g_);
}

TEST_F(VerifierTest, ConvResidualMustHaveTheResultsType) {
  Value* x = Input(Batched({4, 8, 8}));
  // A broadcasting residual, a static dim where the result has N, and another dtype.
  const std::vector<const TensorType*> wrong = {
      Batched({4, 1, 1}), F32({2, 4, 6, 6}),
      ctx_.GetType(ScalarType::kF16, Shape({Dim::Symbol("N"), Dim(4), Dim(6), Dim(6)}))};
  for (const TensorType* type : wrong) {
    Graph g(ctx_, "net");
    Value* xg = g.AddInput("x", x->type());
    Value* r = g.AddInput("r", type);
    Builder b(g);
    Value* w = b.ConstantF32({4, 4, 3, 3}, std::vector<float>(144, 0.5f), "w");
    Op* conv = g.CreateOp(OpKind::kConv, {xg, w, nullptr, r}, {Batched({4, 6, 6})});
    conv->set_name("Conv_0");
    EXPECT_EQ(Error(g),
              "verify: conv \"Conv_0\" (op #0 in @net): residual operand 3 (%r) has "
              "type " +
                  type->ToString() +
                  ", but the result has f32[N,4,6,6]; they "
                  "must be equal");
  }
}

TEST_F(VerifierTest, LinearResidualMustHaveTheResultsType) {
  Value* t = Input(Batched({5, 4}), "t");
  Value* u = Input(Batched({1, 3}), "u");
  g_.CreateOp(OpKind::kLinear, {t, Weights({4, 3}), nullptr, u}, {Batched({5, 3})});
  EXPECT_THAT(Error(), HasSubstr("residual operand 3 (%u) has type f32[N,1,3], but the result "
                                 "has f32[N,5,3]"));
}

TEST_F(VerifierTest, OnlyConvAndLinearTakeAResidual) {
  Value* x = Input(F32({2, 4}));
  Value* r = Input(F32({2, 3}), "r");
  g_.CreateOp(OpKind::kGemm, {x, Weights({4, 3}), nullptr, r}, {F32({2, 3})});
  EXPECT_THAT(Error(), HasSubstr("has 4 operands, but gemm takes 2 to 3"));
}

TEST_F(VerifierTest, BatchNormParameterSizeDiffers) {
  Value* x = Input(Batched({4, 8, 8}));
  g_.CreateOp(OpKind::kBatchNorm, {x, Weights({4}), Weights({4}), Weights({5}), Weights({4})},
              {Batched({4, 8, 8})});
  EXPECT_THAT(Error(), HasSubstr("operand 3 (mean) has 5 elements, but the input has 4 channels"));
}

TEST_F(VerifierTest, ConcatRankDiffers) {
  Value* x = Input(F32({2, 3}));
  Value* y = Input(F32({2, 3, 1}), "y");
  g_.CreateOp(OpKind::kConcat, {x, y}, {F32({2, 6})}, Attrs("axis", int64_t{1}));
  EXPECT_THAT(Error(), HasSubstr("operand 1 has rank 3, but operand 0 has rank 2"));
}

TEST_F(VerifierTest, ConcatDimsOutsideAxisDiffer) {
  Value* x = Input(F32({2, 3}));
  Value* y = Input(F32({4, 3}), "y");
  g_.CreateOp(OpKind::kConcat, {x, y}, {F32({2, 6})}, Attrs("axis", int64_t{1}));
  EXPECT_THAT(Error(), HasSubstr("operand 1 has shape [4,3], but operand 0 has [2,3] (dims other "
                                 "than axis 1 must agree)"));
}

TEST_F(VerifierTest, ConcatAxisOutOfRange) {
  Value* x = Input(F32({2, 3}));
  g_.CreateOp(OpKind::kConcat, {x, x}, {F32({2, 6})}, Attrs("axis", int64_t{2}));
  EXPECT_THAT(Error(), HasSubstr("axis 2 is out of range for rank 2"));
}

TEST_F(VerifierTest, ConcatResultAlongAxis) {
  Value* x = Input(Batched({3}));
  Value* y = Input(Batched({2}), "y");
  g_.AddOutput(b_.Create(OpKind::kConcat, {x, y}, Batched({5}), Attrs("axis", int64_t{-1})));
  ExpectOk(g_);
  g_.CreateOp(OpKind::kConcat, {x, y}, {Batched({6})}, Attrs("axis", int64_t{1}));
  EXPECT_THAT(Error(), HasSubstr("result 0 has 6 along axis 1, but the operands sum to 5"));
}

TEST_F(VerifierTest, TransposePermIsNotAPermutation) {
  Value* x = Input(F32({2, 3}));
  g_.CreateOp(OpKind::kTranspose, {x}, {F32({2, 2})}, Attrs("perm", std::vector<int64_t>{0, 0}));
  EXPECT_THAT(Error(), HasSubstr("perm [0,0] is not a permutation of the operand's 2 dims"));
}

TEST_F(VerifierTest, TransposeResultShape) {
  Value* x = Input(F32({2, 3}));
  g_.AddOutput(b_.Create(OpKind::kTranspose, {x}, F32({3, 2})));  // default perm: reversed
  ExpectOk(g_);
  g_.CreateOp(OpKind::kTranspose, {x}, {F32({2, 3})}, Attrs("perm", std::vector<int64_t>{1, 0}));
  EXPECT_THAT(Error(), HasSubstr("result 0 has shape [2,3], but transposing [2,3] gives [3,2]"));
}

TEST_F(VerifierTest, QuantizeAndDequantizePass) {
  const TensorType* q = Quantized(ScalarType::kI8, {4}, QuantSpec::PerTensor(0.5f, 3));
  Value* x = Input(F32({4}));
  Value* xq = b_.Create(OpKind::kQuantize, {x}, q);
  g_.AddOutput(b_.Create(OpKind::kDequantize, {xq}, F32({4})));
  ExpectOk(g_);
}

TEST_F(VerifierTest, QuantizeProducesQuantizedType) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kQuantize, {x}, {T(ScalarType::kI8, {4})});
  EXPECT_THAT(Error(),
              HasSubstr("result 0 is i8[4], but quantize produces a quantized integer tensor"));
}

TEST_F(VerifierTest, QuantizeTakesFloat) {
  Value* x = Input(T(ScalarType::kI32, {4}));
  g_.CreateOp(OpKind::kQuantize, {x},
              {Quantized(ScalarType::kI8, {4}, QuantSpec::PerTensor(0.5f))});
  EXPECT_THAT(Error(), HasSubstr("operand 0 is i32[4], but quantize takes a float tensor"));
}

TEST_F(VerifierTest, DequantizeTakesQuantized) {
  Value* x = Input(T(ScalarType::kI8, {4}));
  g_.CreateOp(OpKind::kDequantize, {x}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 is i8[4], but dequantize takes a quantized tensor"));
}

TEST_F(VerifierTest, DequantizeProducesFloat) {
  Value* x = Input(Quantized(ScalarType::kI8, {4}, QuantSpec::PerTensor(0.5f)));
  g_.CreateOp(OpKind::kDequantize, {x}, {T(ScalarType::kI32, {4})});
  EXPECT_THAT(Error(), HasSubstr("result 0 is i32[4], but dequantize produces a float tensor"));
}

TEST_F(VerifierTest, CastChangesTypeButNotShape) {
  Value* x = Input(F32({4}));
  g_.AddOutput(b_.Create(OpKind::kCast, {x}, T(ScalarType::kBool, {4})));
  ExpectOk(g_);
  g_.CreateOp(OpKind::kCast, {x}, {T(ScalarType::kI8, {5})});
  EXPECT_THAT(Error(), HasSubstr("result 0 has shape [5], but operand 0 has [4]"));
}

TEST_F(VerifierTest, WhereConditionIsBool) {
  Value* x = Input(F32({4}));
  g_.CreateOp(OpKind::kWhere, {x, x, x}, {F32({4})});
  EXPECT_THAT(Error(), HasSubstr("operand 0 (condition) is f32, but must be bool"));
}

TEST_F(VerifierTest, IfConditionHoldsOneBool) {
  Value* cond = Input(T(ScalarType::kBool, {2}), "cond");
  Op* iff = g_.CreateOp(OpKind::kIf, {cond}, {});
  iff->AddRegion("then");
  iff->AddRegion("else");
  EXPECT_THAT(Error(), HasSubstr("operand 0 (condition) has shape [2], but must hold one element"));
}

TEST_F(VerifierTest, IfRegionOutputCountDiffersFromResults) {
  Value* x = Input(F32({4}));
  Op* iff = CreateIf({F32({4})});
  iff->region(0).AddOutput(x);
  EXPECT_THAT(Error(), HasSubstr("if (op #0 in @net): region 1 (@else) has 0 outputs, but the op "
                                 "has 1 results"));
}

TEST_F(VerifierTest, IfRegionOutputTypeDiffersFromResult) {
  Value* x = Input(F32({4}));
  Value* i = Input(T(ScalarType::kI32, {4}), "i");
  Op* iff = CreateIf({F32({4})});
  iff->region(0).AddOutput(i);
  iff->region(1).AddOutput(x);
  EXPECT_THAT(Error(), HasSubstr("region 0 (@then) output 0 is i32, but result 0 is f32"));
}

TEST_F(VerifierTest, ErrorInsideRegionNamesTheRegion) {
  Value* x = Input(F32({4}));
  Op* iff = CreateIf();
  Op* bad = iff->region(1).CreateOp(OpKind::kRelu, {x}, {F32({5})});
  bad->set_name("Relu_7");
  EXPECT_THAT(Error(), HasSubstr("verify: relu \"Relu_7\" (op #0 in @else): result 0 has shape"));
}

}  // namespace
}  // namespace kiln::ir
