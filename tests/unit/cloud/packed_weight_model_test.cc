// Weight-only quantized graphs (dequantize of constant codes read by a float conv, matmul or
// gemm) compiled for the cloud target: the codes stay packed in the artifact (no dequantize op,
// no arena slot), the loader decodes them to f32, and oneDNN's float kernels give the reference
// runtime's result of the same graph within max |d| <= 1e-5 * max |reference|.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codegen/compile.h"
#include "ir/clone.h"
#include "ir/context.h"
#include "ir/parser.h"
#include "runtime/core/artifact.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/cloud/kernel_harness.h"
#include "tests/unit/codegen/packed_weight_case.h"

namespace kiln::cloud::testing {
namespace {

using kiln::testing::ExpectRelativeErrorAtMost;
using kiln::testing::PackedWeightCase;
using kiln::testing::PackedWeightInputShape;
using kiln::testing::PackedWeightKir;

void CheckAgainstReference(const PackedWeightCase& t) {
  SCOPED_TRACE(t.name);
  const std::string kir = PackedWeightKir(t, 7);
  ir::Context ctx;
  Expected<std::unique_ptr<ir::Graph>> graph = ir::ParseGraph(kir, "case.kir", ctx);
  ASSERT_TRUE(graph.ok()) << graph.error().message() << "\n" << kir;
  std::unique_ptr<ir::Graph> compiled = ir::CloneGraph(**graph);
  Expected<codegen::CompiledModel> m =
      codegen::CompileModel(*compiled, {.target = "cloud", .pipeline = ""});
  ASSERT_TRUE(m.ok()) << m.error().message();
  // One op, the float one; the weight is a packed constant.
  EXPECT_EQ(m->report.num_ops, 1);
  EXPECT_EQ(m->report.ops_after.count("dequantize"), 0u);

  rt::Result<std::unique_ptr<rt::Artifact>> artifact =
      rt::Artifact::FromBytes(m->artifact, "case.kiln", "cloud");
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  int packed = 0;
  for (const artifact::Tensor* tensor : *(*artifact)->model().tensors())
    packed += !!tensor->packed();
  EXPECT_EQ(packed, 1);

  const std::vector<ref::Tensor> inputs = {Random(PackedWeightInputShape(t), 11)};
  Expected<std::vector<ref::Tensor>> want = ref::CreateReferenceExecutor(**graph)->Run(inputs);
  ASSERT_TRUE(want.ok()) << want.error().message();
  rt::Result<std::vector<ref::Tensor>> got = RunArtifact(m->artifact, inputs);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->at(0).shape(), want->at(0).shape());
  ExpectRelativeErrorAtMost(got->at(0).data<float>(), want->at(0).data<float>(),
                            want->at(0).num_elements(), 1e-5);
}

TEST(CloudPackedWeightModelTest, ConvWithPackedWeightsMatchesTheReference) {
  const std::vector<PackedWeightCase> cases = {
      {.name = "conv, i4 in blocks of 32 along C_in"},
      {.name = "conv, u4 in blocks of 16 along C_in, zero points",
       .codes = "u4",
       .block_size = 16,
       .zero_points = true},
      {.name = "conv, i8 per output channel", .codes = "i8", .axis = 0, .block_size = 0},
      {.name = "conv, u8 per tensor, zero point",
       .codes = "u8",
       .axis = -1,
       .block_size = 0,
       .zero_points = true},
      {.name = "conv 1x1, i4 per output channel, odd sizes",
       .codes = "i4",
       .axis = 0,
       .block_size = 0,
       .c = 5,
       .m = 7,
       .k = 1},
  };
  for (const PackedWeightCase& t : cases) CheckAgainstReference(t);
}

TEST(CloudPackedWeightModelTest, MatmulAndGemmWithPackedWeightsMatchTheReference) {
  const std::vector<PackedWeightCase> cases = {
      {.name = "matmul, i4 in blocks of 32 along K", .op = "matmul", .axis = 0, .c = 96, .m = 24},
      {.name = "matmul, u4 blocks of 32 along K (a short last block), zero points",
       .op = "matmul",
       .codes = "u4",
       .axis = 0,
       .zero_points = true,
       .n = 3,
       .c = 81,
       .m = 5},
      {.name = "gemm, i4 in blocks of 32 along K", .op = "gemm", .n = 2, .c = 128, .m = 16},
      {.name = "gemm, i8 per output channel, zero points",
       .op = "gemm",
       .codes = "i8",
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
}  // namespace kiln::cloud::testing
