// int8 graphs compiled for the cloud target (fold-qdq, the fusions, expand-quantized, oneDNN's
// int8 kernels) against the reference runtime's simulation of the same QDQ graph: every
// quantized output code within one quantization step (|d| <= 1), on the best ISA here and under
// ONEDNN_MAX_CPU_ISA=AVX2 (no VNNI: oneDNN's u8 x s8 compensation path).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "codegen/compile.h"
#include "ir/clone.h"
#include "ir/context.h"
#include "ir/parser.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/cloud/kernel_harness.h"
#include "tests/unit/codegen/qdq_conv_case.h"

namespace kiln::cloud::testing {
namespace {

using kiln::testing::ExpectCodesWithinOneStep;
using kiln::testing::QdqConvCase;
using kiln::testing::QdqConvKir;

ref::Tensor RandomInput(const ref::Shape& shape, uint32_t seed, float lo, float hi) {
  return Random(shape, seed, lo, hi);
}

// Largest |cloud - reference| over the output, in codes for a quantized output, relative to
// max |reference| for f32.
void CheckAgainstReference(const QdqConvCase& t) {
  SCOPED_TRACE(t.name);
  const std::string kir = QdqConvKir(t, 7);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> qdq = ir::ParseGraph(kir, "case.kir", ctx);
  ASSERT_TRUE(qdq.ok()) << qdq.error().message() << "\n" << kir;
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**qdq);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "cloud", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  // The conv ran as one int8 op: no float conv between a dequantize and a quantize (an f32
  // result reads an f32 residual, the one dequantize left).
  EXPECT_EQ(m->report.ops_after.at("conv"), 1);
  if (t.y_scalar != "f32") {
    EXPECT_EQ(m->report.ops_after.count("dequantize"), 0u);
  }

  // Inputs spanning the quantized range (u8 inputs mostly positive, as after a relu).
  const float lo = t.x_scalar == "u8" ? -0.5f : -2.5f;
  if (t.max_pool_after && t.y_scalar != "f32") {
    EXPECT_EQ(m->report.ops_after.at("max_pool"), 1);
  }
  std::vector<ref::Tensor> inputs = {RandomInput({t.n, t.c, t.h, t.w}, 11, lo, 5.0f)};
  if (t.residual) inputs.push_back(RandomInput({t.n, t.m, t.h, t.w}, 12, -1.0f, 7.0f));
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**qdq)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();

  rt::Result<std::vector<ref::Tensor>> got = RunArtifact(m->artifact, inputs);
  ASSERT_TRUE(got.ok()) << got.status().message();

  const ref::Tensor& a = got->at(0);
  const ref::Tensor& b = want->at(0);
  ASSERT_EQ(a.dtype(), b.dtype());
  ASSERT_EQ(a.shape(), b.shape());
  if (a.dtype() == rt::DType::kF32) {
    // An input code one step off (oneDNN multiplies by 1/s where the reference divides) moves
    // an output by about s_x * s_w * 127 ~ 3e-2, against outputs of ~50.
    EXPECT_TRUE(Near(a, b, 1e-3));
    return;
  }
  ExpectCodesWithinOneStep(a.raw(), b);
}

TEST(CloudInt8ModelTest, ConvOutputsMatchTheReferenceSimulationWithinOneStep) {
  const std::vector<QdqConvCase> cases = {
      {.name = "3x3 u8 -> relu -> u8", .attrs = "activation=\"relu\""},
      {.name = "1x1 i8 -> i8", .m = 24, .k = 1, .x_scalar = "i8", .y_scalar = "i8"},
      {.name = "3x3 u8 -> f32", .y_scalar = "f32"},
      {.name = "3x3 u8 -> sigmoid -> u8 (requantize post-op)",
       .attrs = "activation=\"sigmoid\"",
       .s_y = 0.004f},
      {.name = "depthwise 3x3 u8 -> relu -> u8",
       .c = 16,
       .m = 16,
       .group = 16,
       .attrs = "activation=\"relu\""},
      {.name = "batch 2, 3x3 u8 -> relu -> u8", .n = 2, .attrs = "activation=\"relu\""},
  };
  for (const QdqConvCase& t : cases) CheckAgainstReference(t);
}

TEST(CloudInt8ModelTest, QuantizeAfterMaxPoolMovesIntoTheConv) {
  // conv -> relu -> max_pool -> quantize: the conv writes u8 and the pool runs on u8 (exact).
  CheckAgainstReference({.name = "conv + relu + max pool -> u8",
                         .attrs = "activation=\"relu\"",
                         .max_pool_after = true});
}

TEST(CloudInt8ModelTest, FusedResidualAddAndReluKeepInt8BetweenConvs) {
  // add(conv, dequantize(r)) -> relu -> quantize folds into one conv with a u8 residual.
  CheckAgainstReference({.name = "conv + u8 residual + relu -> u8",
                         .s_y = 0.08f,
                         .residual = true,
                         .activation_after_add = "relu"});
  CheckAgainstReference({.name = "conv + u8 residual -> f32", .y_scalar = "f32", .residual = true});
}

}  // namespace
}  // namespace kiln::cloud::testing
