// int8 graphs compiled for the edge target (fold-qdq, expand-quantized with the ops
// codegen/edge/edge_quantized.h keeps, NHWC, XNNPACK's qs8/qc8 nodes) against the reference
// runtime's simulation of the same QDQ graph: every quantized output code within one
// quantization step (|d| <= 1). The edge scheme is asymmetric s8, so the cases carry zero
// points. x86-64 only (it needs the compiler and the reference runtime).
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "codegen/compile.h"
#include "ir/clone.h"
#include "ir/context.h"
#include "ir/parser.h"
#include "runtime/core/artifact.h"
#include "runtime/edge/edge_model.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/codegen/qdq_conv_case.h"

namespace kiln::edge {
namespace {

using kiln::testing::ExpectCodesWithinOneStep;
using kiln::testing::QdqConvCase;
using kiln::testing::QdqConvKir;

ref::Tensor Random(const ref::Shape& shape, uint32_t seed, float lo, float hi) {
  ref::Tensor t = *ref::Tensor::Empty(rt::DType::kF32, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  float* p = t.mutable_data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = dist(gen);
  return t;
}

struct Expect {
  int convs_kept_int8 = 1;  // 0: the conv runs in float between dequantize and quantize
};

// Compiles `t` for edge, runs it on EdgeModel and on the reference runtime (the QDQ graph as
// written) and compares: codes within one step, or for an f32 result a max relative error of
// 1e-4 (the same float math in another order).
void CheckAgainstReference(const QdqConvCase& t, Expect expect = {}) {
  SCOPED_TRACE(t.name);
  const std::string kir = QdqConvKir(t, 7);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> qdq = ir::ParseGraph(kir, "case.kir", ctx);
  ASSERT_TRUE(qdq.ok()) << qdq.error().message() << "\n" << kir;
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**qdq);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "edge", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->report.ops_after.at("conv"), 1);
  // An int8 conv reads the quantized input directly: the only dequantize left is the f32
  // result's, or the float conv's input.
  const size_t dequantizes = m->report.ops_after.count("dequantize")
                                 ? static_cast<size_t>(m->report.ops_after.at("dequantize"))
                                 : 0u;
  EXPECT_EQ(dequantizes, expect.convs_kept_int8 == 1 && t.y_scalar != "f32" ? 0u : 1u);
  if (t.max_pool_after) {
    EXPECT_EQ(m->report.ops_after.at("max_pool"), 1);
  }

  const float lo = t.x_zero_point == -128 ? -0.5f : -2.5f;  // mostly positive after a relu
  std::vector<ref::Tensor> inputs = {Random({t.n, t.c, t.h, t.w}, 11, lo, 5.0f)};
  if (t.residual) inputs.push_back(Random({t.n, t.m, t.h, t.w}, 12, -3.0f, 3.0f));
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**qdq)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();

  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      rt::Artifact::FromBytes(m->artifact, "case.kiln", "edge");
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  rt::Result<std::unique_ptr<EdgeModel>> model = EdgeModel::Create(std::move(*artifact), {2});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<TensorView> views;
  for (const ref::Tensor& in : inputs) views.push_back({rt::DType::kF32, in.shape(), in.raw()});
  rt::Status s = (*model)->Run(views);
  ASSERT_TRUE(s.ok()) << s.message();
  TensorView y = (*model)->output(0);

  const ref::Tensor& b = want->at(0);
  ASSERT_EQ(y.dtype, b.dtype());
  ASSERT_EQ(std::vector<int64_t>(y.dims.begin(), y.dims.end()),
            std::vector<int64_t>(b.shape().begin(), b.shape().end()));
  if (y.dtype != rt::DType::kF32) {
    ExpectCodesWithinOneStep(y.data, b);
    return;
  }
  double max_err = 0, max_ref = 0;
  for (int64_t i = 0; i < b.num_elements(); ++i) {
    const double got = static_cast<const float*>(y.data)[i], ref = b.data<float>()[i];
    max_err = std::max(max_err, std::abs(got - ref));
    max_ref = std::max(max_ref, std::abs(ref));
  }
  EXPECT_GT(max_ref, 0.0);
  EXPECT_LE(max_err, 1e-4 * max_ref) << "max error " << max_err << ", max |reference| " << max_ref;
}

TEST(EdgeInt8ModelTest, ConvOutputsMatchTheReferenceSimulationWithinOneStep) {
  const std::vector<QdqConvCase> cases = {
      {.name = "3x3 i8 (zp -128) -> relu -> i8 (zp -128)",
       .attrs = "activation=\"relu\"",
       .x_scalar = "i8",
       .x_zero_point = -128,
       .y_scalar = "i8",
       .y_zero_point = -128},
      {.name = "1x1 i8 (zp 3) -> i8 (zp -7)",
       .m = 24,
       .k = 1,
       .x_scalar = "i8",
       .x_zero_point = 3,
       .y_scalar = "i8",
       .y_zero_point = -7},
      {.name = "depthwise 3x3 i8 -> relu -> i8",
       .c = 16,
       .m = 16,
       .group = 16,
       .attrs = "activation=\"relu\"",
       .x_scalar = "i8",
       .x_zero_point = -20,
       .y_scalar = "i8",
       .y_zero_point = -128},
      {.name = "batch 2, 3x3 i8 -> clip -> i8",
       .n = 2,
       .attrs = "activation=\"clip\", activation_alpha=-1.0, activation_beta=3.0",
       .x_scalar = "i8",
       .y_scalar = "i8",
       .y_zero_point = -40},
  };
  for (const QdqConvCase& t : cases) CheckAgainstReference(t);
}

TEST(EdgeInt8ModelTest, MaxPoolRunsOnTheConvsCodes) {
  // conv -> relu -> max_pool -> quantize: the conv writes i8 and the pool runs on i8 (exact).
  CheckAgainstReference({.name = "conv + relu + max pool -> i8",
                         .attrs = "activation=\"relu\"",
                         .x_scalar = "i8",
                         .y_scalar = "i8",
                         .y_zero_point = -128,
                         .max_pool_after = true});
}

TEST(EdgeInt8ModelTest, ResidualAddOfQuantizedValuesRunsOnCodes) {
  // mobilenet's residual: add(dequantize(conv's i8), dequantize(r's i8)) -> quantize becomes
  // XNNPACK's qs8 add, each operand and the result on its own grid (no dequantize left).
  CheckAgainstReference({.name = "i8 conv + i8 residual -> i8",
                         .x_scalar = "i8",
                         .y_scalar = "i8",
                         .y_zero_point = -10,
                         .residual = true,
                         .r_scalar = "i8",
                         .quantize_before_add = true});
}

TEST(EdgeInt8ModelTest, WhatXnnpackCannotRunQuantizedRunsInFloat) {
  // XNNPACK's qs8 conv writes qs8 only: an f32 result makes the conv a float one on the
  // dequantized input; so do u8 inputs (qu8 convs want u8 weights) and a fused sigmoid.
  CheckAgainstReference({.name = "3x3 i8 -> f32", .x_scalar = "i8", .y_scalar = "f32"},
                        {.convs_kept_int8 = 0});
  CheckAgainstReference({.name = "3x3 u8 -> u8", .x_scalar = "u8", .y_scalar = "u8"},
                        {.convs_kept_int8 = 0});
  CheckAgainstReference({.name = "3x3 i8 -> sigmoid -> i8",
                         .attrs = "activation=\"sigmoid\"",
                         .x_scalar = "i8",
                         .y_scalar = "i8",
                         .s_y = 0.004f,
                         .y_zero_point = -128},
                        {.convs_kept_int8 = 0});
}

}  // namespace
}  // namespace kiln::edge
