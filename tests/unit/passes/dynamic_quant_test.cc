// int8-dynamic (passes/quantize/dynamic_quant.h): which ops are marked and get s8 weights per
// output channel, what stays float, fold-qdq's form, and the numbers on the reference runtime.
#include "passes/quantize/dynamic_quant.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "ir/dynamic_quant.h"
#include "passes/match.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using testing::ParseOrDie;
using testing::RunPipelineOn;
using testing::SameOutputs;
using testing::Values;

// linear [16, 12] -> matmul [12, 8] -> gemm [6, 8] (trans_b, C) -> gemm (trans_a: stays float)
// -> matmul by a pre-quantized weight (dequantize of its own i8 constant: stays as it is).
std::string Model() {
  return "graph @g(%x: f32[3,16]) -> (f32[3,5], f32[6,6]) {\n"
         "  %w1 = const @w1 : f32[16,12]\n  %b1 = const @b1 : f32[12]\n"
         "  %w2 = const @w2 : f32[12,8]\n  %w3 = const @w3 : f32[6,8]\n"
         "  %c3 = const @c3 : f32[6]\n  %w4 = const @w4 : f32[3,6]\n"
         "  %w5 = const @w5 : i8<per_tensor scale=0.05>[6,5]\n"
         "  %l = linear(%x, %w1, %b1) : f32[3,12] loc(\"Linear\")\n"
         "  %m = matmul(%l, %w2) : f32[3,8] loc(\"MatMul\")\n"
         "  %g = gemm(%m, %w3, %c3) {trans_b=1} : f32[3,6] loc(\"Gemm\")\n"
         "  %t = gemm(%g, %w4) {trans_a=1} : f32[6,6] loc(\"GemmTransA\")\n"
         "  %d5 = dequantize(%w5) : f32[6,5]\n"
         "  %y = matmul(%g, %d5) : f32[3,5] loc(\"PreQuantized\")\n"
         "  return %y, %t\n}\nconstants {\n"
         "  @w1 = " +
         Values(192, 1) + "\n  @b1 = " + Values(12, 2) + "\n  @w2 = " + Values(96, 3) +
         "\n  @w3 = " + Values(48, 4) + "\n  @c3 = " + Values(6, 5) + "\n  @w4 = " + Values(18, 6) +
         "\n  @w5 = " +
         "[1, -2, 3, -4, 5, 6, -7, 8, -9, 10, 11, -12, 13, -14, 15, 1, -2, 3, -4, 5, 6, -7, 8, -9, "
         "10, 11, -12, 13, -14, 15]" +
         "\n}\n";
}

const ir::Op* Named(const ir::Graph& g, const std::string& name) {
  for (const ir::Op* op : g.ops()) {
    if (op->name() == name) return op;
  }
  return nullptr;
}

TEST(DynamicQuantTest, MarksMatrixProductsAndQuantizesTheirWeightsPerChannel) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> original = ParseOrDie(Model(), ctx);
  std::unique_ptr<ir::Graph> g = ParseOrDie(Model(), ctx);
  Expected<quant::WeightOnlyReport> r = quant::QuantizeDynamic(*g);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->layers.size(), 3u);
  EXPECT_EQ(r->layers[0].grouping, "per channel (axis 1)");  // linear [K, N]
  EXPECT_EQ(r->layers[2].grouping, "per channel (axis 0)");  // gemm trans_b [N, K]
  for (const char* name : {"Linear", "MatMul", "Gemm"}) {
    const ir::Op* op = Named(*g, name);
    ASSERT_NE(op, nullptr) << name;
    EXPECT_TRUE(ir::IsDynamicQuant(*op)) << name;
    const ir::Op* dq = ProducerOf(op->operand(1), ir::OpKind::kDequantize);
    ASSERT_NE(dq, nullptr) << name;
    EXPECT_EQ(dq->operand(0)->type()->scalar(), ir::ScalarType::kI8);
    EXPECT_EQ(dq->operand(0)->type()->quant()->granularity, ir::QuantGranularity::kPerAxis);
  }
  for (const char* name : {"GemmTransA", "PreQuantized"}) {
    EXPECT_FALSE(ir::IsDynamicQuant(*Named(*g, name))) << name;
  }
  EXPECT_TRUE(IsPlainF32(Named(*g, "GemmTransA")->operand(1)->type()));
  // Close to float, but not equal: the inputs are quantized to 8 bits at run time.
  EXPECT_TRUE(SameOutputs(*original, *g, {.max_rel_error = 0.05, .min_cosine = 0.999}));
  EXPECT_FALSE(SameOutputs(*original, *g, {.max_rel_error = 1e-6, .min_cosine = 0.9999999}));
}

// The cloud kernel adds a bias after the product: a run-time bias or a gemm C of [M, N] keeps
// the op float.
TEST(DynamicQuantTest, OpsWithoutAConstantBiasRowStayFloat) {
  const std::string kir =
      "graph @g(%x: f32[3,8], %b: f32[4]) -> (f32[3,4], f32[3,4]) {\n"
      "  %w = const @w : f32[8,4]\n  %wg = const @wg : f32[4,8]\n"
      "  %c = const @c : f32[3,4]\n"
      "  %l = linear(%x, %w, %b) : f32[3,4] loc(\"RuntimeBias\")\n"
      "  %g = gemm(%x, %wg, %c) {trans_b=1} : f32[3,4] loc(\"FullC\")\n"
      "  return %l, %g\n}\nconstants {\n  @w = " +
      Values(32, 1) + "\n  @wg = " + Values(32, 2) + "\n  @c = " + Values(12, 3) + "\n}\n";
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
  Expected<quant::WeightOnlyReport> r = quant::QuantizeDynamic(*g);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->layers.empty());
  EXPECT_FALSE(ir::IsDynamicQuant(*Named(*g, "RuntimeBias")));
  EXPECT_FALSE(ir::IsDynamicQuant(*Named(*g, "FullC")));
}

TEST(DynamicQuantTest, FoldQdqReadsTheWeightConstantAndKeepsTheNumbers) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> quantized = ParseOrDie(Model(), ctx);
  ASSERT_TRUE(quant::QuantizeDynamic(*quantized));
  std::unique_ptr<ir::Graph> folded = ParseOrDie(Model(), ctx);
  ASSERT_TRUE(quant::QuantizeDynamic(*folded));
  ASSERT_TRUE(RunPipelineOn(*folded, "fold-qdq,dce").ok());
  for (const char* name : {"Linear", "MatMul", "Gemm"}) {
    const ir::Op* op = Named(*folded, name);
    EXPECT_TRUE(op->operand(1)->is_constant()) << name;
    EXPECT_EQ(op->operand(1)->type()->scalar(), ir::ScalarType::kI8) << name;
    EXPECT_TRUE(IsPlainF32(op->operand(0)->type())) << name;
  }
  EXPECT_TRUE(SameOutputs(*quantized, *folded, {.max_rel_error = 1e-6, .min_cosine = 0.999999}));
}

}  // namespace
}  // namespace kiln
