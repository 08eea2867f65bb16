// Weight-only quantized graphs (dequantize of constant codes read by a float conv, matmul or
// gemm) compiled for the edge target: the codes stay packed in the artifact (no dequantize op,
// no arena slot), the loader decodes them to f32, and XNNPACK's float nodes give the reference
// runtime's result of the same graph within max |d| <= 1e-5 * max |reference|. x86-64 only (it
// needs the compiler and the reference runtime; edge_model_test covers the loading on aarch64).
#include <gtest/gtest.h>

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
#include "tests/unit/codegen/packed_weight_case.h"

namespace kiln::edge {
namespace {

using kiln::testing::ExpectRelativeErrorAtMost;
using kiln::testing::PackedWeightCase;
using kiln::testing::PackedWeightInputShape;
using kiln::testing::PackedWeightKir;

ref::Tensor Random(const ref::Shape& shape, uint32_t seed) {
  ref::Tensor t = *ref::Tensor::Empty(rt::DType::kF32, shape);
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  float* p = t.mutable_data<float>();
  for (int64_t i = 0; i < t.num_elements(); ++i) p[i] = dist(gen);
  return t;
}

void CheckAgainstReference(const PackedWeightCase& t) {
  SCOPED_TRACE(t.name);
  const std::string kir = PackedWeightKir(t, 7);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = ir::ParseGraph(kir, "case.kir", ctx);
  ASSERT_TRUE(graph.ok()) << graph.error().message() << "\n" << kir;
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**graph);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "edge", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  // The weight is a packed constant, not a dequantize op (an NCHW conv has transposes around it).
  EXPECT_EQ(m->report.ops_after.count("dequantize"), 0u);
  EXPECT_EQ(m->report.ops_after.at(t.op), 1);

  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      rt::Artifact::FromBytes(m->artifact, "case.kiln", "edge");
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  int packed = 0;
  for (const artifact::Tensor* tensor : *(*artifact)->model().tensors())
    packed += !!tensor->packed();
  EXPECT_EQ(packed, 1);

  const std::vector<ref::Tensor> inputs = {Random(PackedWeightInputShape(t), 11)};
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**graph)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();
  rt::Result<std::unique_ptr<EdgeModel>> model = EdgeModel::Create(std::move(*artifact), {2});
  ASSERT_TRUE(model.ok()) << model.status().message();
  std::vector<TensorView> views;
  for (const ref::Tensor& in : inputs) views.push_back({rt::DType::kF32, in.shape(), in.raw()});
  rt::Status s = (*model)->Run(views);
  ASSERT_TRUE(s.ok()) << s.message();
  TensorView y = (*model)->output(0);
  const ref::Tensor& b = want->at(0);
  ASSERT_EQ(std::vector<int64_t>(y.dims.begin(), y.dims.end()),
            std::vector<int64_t>(b.shape().begin(), b.shape().end()));
  ExpectRelativeErrorAtMost(static_cast<const float*>(y.data), b.data<float>(), b.num_elements(),
                            1e-5);
}

TEST(EdgePackedWeightModelTest, ConvWithPackedWeightsMatchesTheReference) {
  const std::vector<PackedWeightCase> cases = {
      // Channels-last already: the OHWI weight's blocks run along C_in (axis 3).
      {.name = "NHWC conv, i4 in blocks of 32 along C_in", .layout = "NHWC", .axis = 3},
      {.name = "NHWC conv, u4 in blocks of 16 along C_in, zero points",
       .layout = "NHWC",
       .codes = "u4",
       .axis = 3,
       .block_size = 16,
       .zero_points = true},
      // NCHW: legalization repacks the codes per output channel into XNNPACK's layout.
      {.name = "conv, i8 per output channel", .codes = "i8", .axis = 0, .block_size = 0},
      {.name = "conv, i4 per output channel, zero points, odd sizes",
       .codes = "i4",
       .axis = 0,
       .block_size = 0,
       .zero_points = true,
       .c = 5,
       .m = 7},
  };
  for (const PackedWeightCase& t : cases) CheckAgainstReference(t);
}

TEST(EdgePackedWeightModelTest, MatmulAndGemmWithPackedWeightsMatchTheReference) {
  const std::vector<PackedWeightCase> cases = {
      {.name = "matmul, i4 in blocks of 32 along K", .op = "matmul", .axis = 0, .c = 96, .m = 24},
      {.name = "matmul, u8 per tensor, zero point",
       .op = "matmul",
       .codes = "u8",
       .axis = -1,
       .block_size = 0,
       .zero_points = true,
       .n = 3,
       .c = 33,
       .m = 5},
      {.name = "gemm, i4 in blocks of 32 along K (a short last block)",
       .op = "gemm",
       .n = 2,
       .c = 100,
       .m = 16},
      {.name = "gemm, u4 per output channel, zero points",
       .op = "gemm",
       .codes = "u4",
       .axis = 0,
       .block_size = 0,
       .zero_points = true,
       .n = 2,
       .c = 40,
       .m = 12},
  };
  for (const PackedWeightCase& t : cases) CheckAgainstReference(t);
}

}  // namespace
}  // namespace kiln::edge
