// The elementwise op kernels as the interpreter runs them: attribute names and defaults,
// optional operands, variadic operands, and result types.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "ir/builder.h"
#include "ir/verifier.h"
#include "runtime/reference/interpreter/executor.h"
#include "runtime/reference/interpreter/op_kernels.h"
#include "runtime/reference/kernels/cast.h"

namespace kiln::ref {
namespace {

using ir::AttrMap;
using ir::OpKind;
using ir::ScalarType;
using ir::Value;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<float> Floats(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.num_elements());
}

void ExpectAllClose(const std::vector<float>& got, const std::vector<double>& want, float rel) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const double scale = std::max(std::fabs(want[i]), 1e-6);
    EXPECT_LE(std::fabs(got[i] - want[i]), rel * scale)
        << "element " << i << ": got " << got[i] << ", want " << want[i];
  }
}

class ElementwiseOpsTest : public ::testing::Test {
 protected:
  // Runs a one-op graph over f32 inputs of shape [n] and returns its single output.
  Expected<Tensor> RunOp(OpKind kind, const std::vector<std::vector<float>>& inputs,
                         AttrMap attrs = {}, ScalarType result = ScalarType::kF32) {
    ir::Context ctx;
    ir::Graph g(ctx, "g");
    ir::Builder b(g);
    std::vector<Value*> operands;
    std::vector<Tensor> tensors;
    int64_t n = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const int64_t size = static_cast<int64_t>(inputs[i].size());
      n = std::max(n, size);
      operands.push_back(g.AddInput("in" + std::to_string(i), b.F32(std::vector<int64_t>{size})));
      tensors.push_back(Tensor::FromVector<float>(DType::kF32, {size}, inputs[i]));
    }
    Value* y = b.Create(kind, operands, b.Type(result, {n}), std::move(attrs));
    y->set_name("y");
    g.AddOutput(y);
    if (Status s = ir::VerifyGraph(g); !s.ok()) return s;
    Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(tensors);
    if (!out.ok()) return out.error();
    return (*out)[0];
  }

  std::vector<float> RunF32(OpKind kind, const std::vector<std::vector<float>>& inputs,
                            AttrMap attrs = {}) {
    Expected<Tensor> y = RunOp(kind, inputs, std::move(attrs));
    EXPECT_TRUE(y.ok()) << y.error().message();
    return y.ok() ? Floats(*y) : std::vector<float>{};
  }
};

AttrMap Attr(std::string_view name, ir::AttrValue v) {
  AttrMap m;
  m.Set(name, std::move(v));
  return m;
}

const std::vector<float> kX = {-2, -0.5f, 0, 1.5f};

TEST_F(ElementwiseOpsTest, ActivationDefaultsFollowOnnx) {
  ExpectAllClose(RunF32(OpKind::kLeakyRelu, {kX}), {-0.02, -0.005, 0, 1.5}, 1e-6f);
  ExpectAllClose(RunF32(OpKind::kLeakyRelu, {kX}, Attr("alpha", 0.5)), {-1, -0.25, 0, 1.5}, 1e-6f);
  ExpectAllClose(RunF32(OpKind::kElu, {kX}), {std::expm1(-2.0), std::expm1(-0.5), 0, 1.5}, 1e-6f);
  const double a = 1.67326319217681884765625, g = 1.05070102214813232421875;
  ExpectAllClose(RunF32(OpKind::kSelu, {kX}),
                 {g * a * std::expm1(-2.0), g * a * std::expm1(-0.5), 0, g * 1.5}, 1e-6f);
  ExpectAllClose(RunF32(OpKind::kHardSigmoid, {kX}), {0.1, 0.4, 0.5, 0.8}, 1e-6f);
  ExpectAllClose(RunF32(OpKind::kHardSwish, {kX}),
                 {-2 * (1.0 / 6), -0.5 * (5.0 / 12), 0, 1.5 * 0.75}, 1e-6f);
  auto gelu = [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); };
  ExpectAllClose(RunF32(OpKind::kGelu, {kX}), {gelu(-2), gelu(-0.5), 0, gelu(1.5)}, 1e-6f);
  auto gelu_tanh = [](double x) {
    return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
  };
  ExpectAllClose(RunF32(OpKind::kGelu, {kX}, Attr("approximate", std::string("tanh"))),
                 {gelu_tanh(-2), gelu_tanh(-0.5), 0, gelu_tanh(1.5)}, 1e-6f);
  auto silu = [](double x) { return x / (1 + std::exp(-x)); };
  ExpectAllClose(RunF32(OpKind::kSilu, {kX}), {silu(-2), silu(-0.5), 0, silu(1.5)}, 1e-6f);
}

TEST_F(ElementwiseOpsTest, ShrinkAndThresholdedReluDefaults) {
  // shrink: lambd 0.5, bias 0; thresholded_relu: alpha 1.
  EXPECT_THAT(RunF32(OpKind::kShrink, {kX}), ElementsAre(-2, 0, 0, 1.5f));
  AttrMap shrink;
  shrink.Set("lambd", 1.0);
  shrink.Set("bias", 0.5);
  EXPECT_THAT(RunF32(OpKind::kShrink, {kX}, shrink), ElementsAre(-1.5f, 0, 0, 1));
  EXPECT_THAT(RunF32(OpKind::kThresholdedRelu, {kX}), ElementsAre(0, 0, 0, 1.5f));
  EXPECT_THAT(RunF32(OpKind::kThresholdedRelu, {kX}, Attr("alpha", -1.0)),
              ElementsAre(0, -0.5f, 0, 1.5f));
}

TEST_F(ElementwiseOpsTest, SumAndMeanAreVariadic) {
  EXPECT_THAT(RunF32(OpKind::kSum, {{1, 2, 3, 4}, {10}, {0, 0, 1, 1}}),
              ElementsAre(11, 12, 14, 15));
  EXPECT_THAT(RunF32(OpKind::kMean, {{1, 2, 3, 4}, {3, 2, 1, 0}}), ElementsAre(2, 2, 2, 2));
  EXPECT_THAT(RunF32(OpKind::kMean, {{1, 2}}), ElementsAre(1, 2));
}

TEST_F(ElementwiseOpsTest, BitShiftDirection) {
  ir::Context ctx;
  ir::Graph g(ctx, "g");
  ir::Builder b(g);
  const ir::TensorType* t = b.Type(ScalarType::kU8, {3});
  Value* x = g.AddInput("x", t);
  Value* n = g.AddInput("n", t);
  g.AddOutput(b.Create(OpKind::kBitShift, {x, n}, t, Attr("direction", std::string("LEFT"))));
  g.AddOutput(b.Create(OpKind::kBitShift, {x, n}, t, Attr("direction", std::string("RIGHT"))));
  ASSERT_TRUE(ir::VerifyGraph(g).ok()) << ir::VerifyGraph(g).message();
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(
      std::vector<Tensor>{Tensor::FromVector<uint8_t>(DType::kU8, {3}, {1, 12, 255}),
                          Tensor::FromVector<uint8_t>(DType::kU8, {3}, {2, 2, 4})});
  ASSERT_TRUE(out.ok()) << out.error().message();
  auto bytes = [](const Tensor& v) {
    return std::vector<uint8_t>(v.data<uint8_t>(), v.data<uint8_t>() + v.num_elements());
  };
  EXPECT_THAT(bytes((*out)[0]), ElementsAre(4, 48, 0xf0));
  EXPECT_THAT(bytes((*out)[1]), ElementsAre(0, 3, 15));
}

TEST_F(ElementwiseOpsTest, GeluRejectsUnknownApproximation) {
  Expected<Tensor> y = RunOp(OpKind::kGelu, {kX}, Attr("approximate", std::string("fast")));
  ASSERT_FALSE(y.ok());
  EXPECT_EQ(y.error().message(), "node 'y' (gelu): approximate is \"fast\", expected none or tanh");
}

TEST_F(ElementwiseOpsTest, ModFollowsTheFmodAttribute) {
  const std::vector<float> a = {7, -7, 7, -7}, b = {3, 3, -3, -3};
  EXPECT_THAT(RunF32(OpKind::kMod, {a, b}), ElementsAre(1, 2, -2, -1));
  EXPECT_THAT(RunF32(OpKind::kMod, {a, b}, Attr("fmod", int64_t{1})), ElementsAre(1, -1, 1, -1));
}

TEST_F(ElementwiseOpsTest, VariadicMinMaxBroadcast) {
  EXPECT_THAT(RunF32(OpKind::kMax, {{1, 5, 2, 0}, {3}, {0, 4, 4, 4}}), ElementsAre(3, 5, 4, 4));
  EXPECT_THAT(RunF32(OpKind::kMin, {{1, 5, 2, 0}, {3}, {0, 4, 4, 4}}), ElementsAre(0, 3, 2, 0));
  EXPECT_THAT(RunF32(OpKind::kMin, {{1, 5}}), ElementsAre(1, 5));
}

TEST_F(ElementwiseOpsTest, ClipWithAbsentMin) {
  ir::Context ctx;
  ir::Graph g(ctx, "g");
  ir::Builder b(g);
  Value* x = g.AddInput("x", b.F32(std::vector<int64_t>{4}));
  Value* hi = b.ConstantF32({}, {1}, "hi");
  g.AddOutput(b.Create(OpKind::kClip, {x, nullptr, hi}, b.F32(std::vector<int64_t>{4})));
  ASSERT_TRUE(ir::VerifyGraph(g).ok()) << ir::VerifyGraph(g).message();
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(
      std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {4}, kX)});
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_THAT(Floats((*out)[0]), ElementsAre(-2, -0.5f, 0, 1));
}

TEST_F(ElementwiseOpsTest, CastTargetsTheResultType) {
  Expected<Tensor> y = RunOp(OpKind::kCast, {{1.7f, -1.7f, 300, 0}}, {}, ScalarType::kI8);
  ASSERT_TRUE(y.ok()) << y.error().message();
  EXPECT_EQ(y->dtype(), DType::kI8);
  EXPECT_THAT(std::vector<int8_t>(y->data<int8_t>(), y->data<int8_t>() + 4),
              ElementsAre(1, -1, 127, 0));
  Expected<Tensor> h = RunOp(OpKind::kCast, {{1.5f, -2}}, {}, ScalarType::kF16);
  ASSERT_TRUE(h.ok());
  EXPECT_THAT(std::vector<uint16_t>(h->data<uint16_t>(), h->data<uint16_t>() + 2),
              ElementsAre(0x3e00, 0xc000));
}

TEST_F(ElementwiseOpsTest, ComparisonsWhereAndLogic) {
  ir::Context ctx;
  ir::Graph g(ctx, "g");
  ir::Builder b(g);
  const ir::TensorType* f = b.F32(std::vector<int64_t>{4});
  const ir::TensorType* m = b.Type(ScalarType::kBool, {4});
  Value* x = g.AddInput("x", f);
  Value* zero = b.ConstantF32({}, {0}, "zero");
  Value* ten = b.ConstantF32({}, {10}, "ten");
  Value* pos = b.Create(OpKind::kGreater, {x, zero}, m);
  Value* small = b.Create(OpKind::kLess, {x, ten}, m);
  Value* both = b.Create(OpKind::kAnd, {pos, small}, m);
  Value* either = b.Create(OpKind::kXor, {pos, small}, m);
  Value* neither = b.Create(OpKind::kNot, {both}, m);
  g.AddOutput(b.Create(OpKind::kWhere, {both, x, zero}, f));
  g.AddOutput(either);
  g.AddOutput(neither);
  g.AddOutput(b.Create(OpKind::kEqual, {x, ten}, m));
  ASSERT_TRUE(ir::VerifyGraph(g).ok()) << ir::VerifyGraph(g).message();
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(
      std::vector<Tensor>{Tensor::FromVector<float>(DType::kF32, {4}, {-1, 5, 10, 20})});
  ASSERT_TRUE(out.ok()) << out.error().message();
  auto bools = [](const Tensor& t) {
    return std::vector<uint8_t>(t.data<uint8_t>(), t.data<uint8_t>() + t.num_elements());
  };
  EXPECT_THAT(Floats((*out)[0]), ElementsAre(0, 5, 0, 0));
  EXPECT_THAT(bools((*out)[1]), ElementsAre(1, 0, 1, 1));
  EXPECT_THAT(bools((*out)[2]), ElementsAre(1, 0, 1, 1));
  EXPECT_THAT(bools((*out)[3]), ElementsAre(0, 0, 1, 0));
}

TEST_F(ElementwiseOpsTest, HalfGraphsComputeInF32) {
  ir::Context ctx;
  ir::Graph g(ctx, "g");
  ir::Builder b(g);
  const ir::TensorType* h = b.Type(ScalarType::kF16, {3});
  Value* x = g.AddInput("x", h);
  Value* e = b.Create(OpKind::kExp, {x}, h);
  g.AddOutput(b.Create(OpKind::kMul, {e, x}, h));
  Tensor xin = *Cast(Tensor::FromVector<float>(DType::kF32, {3}, {-1, 0.5f, 2}), DType::kF16);
  Expected<std::vector<Tensor>> out = CreateReferenceExecutor(g)->Run(std::vector<Tensor>{xin});
  ASSERT_TRUE(out.ok()) << out.error().message();
  EXPECT_EQ((*out)[0].dtype(), DType::kF16);
  ExpectAllClose(Floats(*Cast((*out)[0], DType::kF32)),
                 {-std::exp(-1.0), 0.5 * std::exp(0.5), 2 * std::exp(2.0)}, 2e-3f);
}

TEST_F(ElementwiseOpsTest, EveryElementwiseOpHasAKernel) {
  OpKernelTable table;
  RegisterElementwiseOps(table);
  for (OpKind k : ir::kAllOpKinds) {
    const ir::OpSchema& s = ir::GetOpSchema(k);
    const bool elementwise = s.has(ir::kUnaryElementwise) || s.has(ir::kBroadcastBinary) ||
                             k == OpKind::kClip || k == OpKind::kWhere || k == OpKind::kCast ||
                             k == OpKind::kIsNaN || k == OpKind::kIsInf;
    if (elementwise) {
      EXPECT_NE(table.Find(k), nullptr) << s.name;
    }
  }
}

}  // namespace
}  // namespace kiln::ref
