// int8-dynamic (passes/quantize/dynamic_quant.h) compiled for the cloud target: linear, matmul
// and gemm read their i8 weights as constants (fold-qdq) and run oneDNN's u8 x s8 matmul with
// the input quantized at run time. The reference runtime computes the same grids in float, so
// one layer agrees within float rounding: max |d| <= 1e-5 * max |reference|. Run on AVX-512 and
// with oneDNN limited to AVX2 (large inputs and weights: no saturated u8 x s8 pair sums).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codegen/compile.h"
#include "ir/clone.h"
#include "ir/context.h"
#include "ir/parser.h"
#include "passes/quantize/dynamic_quant.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/cloud/kernel_harness.h"
#include "tests/unit/codegen/packed_weight_case.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::cloud::testing {
namespace {

using kiln::testing::ExpectRelativeErrorAtMost;
using kiln::testing::Values;

struct Case {
  std::string name;
  std::string kir;
  ref::Shape input;
  float scale = 1.0f;  // inputs uniform in [-scale, scale] + 0.3 * scale (a zero point != 0)
};

void CheckAgainstReference(const Case& t) {
  SCOPED_TRACE(t.name);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = ir::ParseGraph(t.kir, "case.kir", ctx);
  ASSERT_TRUE(graph.ok()) << graph.error().message() << "\n" << t.kir;
  Expected<quant::WeightOnlyReport> report = quant::QuantizeDynamic(**graph);
  ASSERT_TRUE(report.ok()) << report.error().message();
  ASSERT_EQ(report->layers.size(), 1u);
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**graph);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "cloud", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  EXPECT_EQ(m->report.num_ops, 1);  // the matrix product, reading the i8 weight itself
  EXPECT_EQ(m->report.ops_after.count("dequantize"), 0u);

  ref::Tensor x = Random(t.input, 5, -t.scale, t.scale);
  for (int64_t i = 0; i < x.num_elements(); ++i) x.mutable_data<float>()[i] += 0.3f * t.scale;
  const std::vector<ref::Tensor> inputs = {x};
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**graph)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();
  rt::Result<std::vector<ref::Tensor>> got = RunArtifact(m->artifact, inputs);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->at(0).shape(), want->at(0).shape());
  ExpectRelativeErrorAtMost(got->at(0).data<float>(), want->at(0).data<float>(),
                            want->at(0).num_elements(), 1e-5);
}

std::string Graph(const std::string& signature, const std::string& body,
                  const std::string& constants) {
  return "graph @g" + signature + " {\n" + body + "}\nconstants {\n" + constants + "}\n";
}

TEST(CloudDynamicInt8ModelTest, MatrixProductsMatchTheReference) {
  const std::vector<Case> cases = {
      {.name = "linear [2,3,64] x [64,48] + bias, relu",
       .kir = Graph("(%x: f32[2,3,64]) -> (f32[2,3,48])",
                    "  %w = const @w : f32[64,48]\n  %b = const @b : f32[48]\n"
                    "  %y = linear(%x, %w, %b) {activation=\"relu\"} : f32[2,3,48]\n"
                    "  return %y\n",
                    "  @w = " + Values(64 * 48, 1) + "\n  @b = " + Values(48, 2) + "\n"),
       .input = {2, 3, 64}},
      {.name = "matmul [5,40] x [40,24]",
       .kir = Graph("(%x: f32[5,40]) -> (f32[5,24])",
                    "  %w = const @w : f32[40,24]\n  %y = matmul(%x, %w) : f32[5,24]\n"
                    "  return %y\n",
                    "  @w = " + Values(40 * 24, 3) + "\n"),
       .input = {5, 40}},
      {.name = "gemm [6,64] x [40,64]^T + C[40]",
       .kir = Graph("(%x: f32[6,64]) -> (f32[6,40])",
                    "  %w = const @w : f32[40,64]\n  %c = const @c : f32[40]\n"
                    "  %y = gemm(%x, %w, %c) {trans_b=1} : f32[6,40]\n  return %y\n",
                    "  @w = " + Values(40 * 64, 4) + "\n  @c = " + Values(40, 5) + "\n"),
       .input = {6, 64}},
      // Inputs up to 130 and weights up to 50: codes near 255 and 127 in every pair.
      {.name = "linear with large inputs and weights",
       .kir = Graph("(%x: f32[8,256]) -> (f32[8,16])",
                    "  %w = const @w : f32[256,16]\n  %y = linear(%x, %w) : f32[8,16]\n"
                    "  return %y\n",
                    "  @w = " + Values(256 * 16, 6, -50.0, 50.0) + "\n"),
       .input = {8, 256},
       .scale = 100.0f},
  };
  for (const Case& t : cases) CheckAgainstReference(t);
}

}  // namespace
}  // namespace kiln::cloud::testing
