// Weight-only quantization (passes/quantize/weight_only.h): which weights, which groups, the
// sizes it reports, and the numbers on the reference runtime against the float graph.
#include "passes/quantize/weight_only.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "passes/match.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln {
namespace {

using quant::QuantizeWeightsOnly;
using quant::WeightOnlyReport;
using testing::ParseOrDie;
using testing::SameOutputs;
using testing::Values;

// conv [8,4,3,3] -> reshape -> matmul [32, 6] (K = 32: two blocks of 16) -> gemm [5, 6]
// (trans_b; K = 6, shorter than a block).
std::string Model() {
  return "graph @g(%x: f32[N,4,2,2]) -> (f32[N,5]) {\n"
         "  %w = const @w : f32[8,4,3,3]\n"
         "  %b = const @b : f32[8]\n"
         "  %s = const @s : i64[2]\n"
         "  %wm = const @wm : f32[32,6]\n"
         "  %wg = const @wg : f32[5,6]\n"
         "  %c = conv(%x, %w, %b) {pads=[1,1,1,1]} : f32[N,8,2,2] loc(\"Conv\")\n"
         "  %f = reshape(%c, %s) : f32[N,32]\n"
         "  %m = matmul(%f, %wm) : f32[N,6] loc(\"MatMul\")\n"
         "  %y = gemm(%m, %wg) {trans_b=1} : f32[N,5] loc(\"Gemm\")\n"
         "  return %y\n}\nconstants {\n"
         "  @w = " +
         Values(288, 3) + "\n  @b = " + Values(8, 4) +
         "\n  @s = [-1, 32]\n  @wm = " + Values(192, 5) + "\n  @wg = " + Values(30, 6) + "\n}\n";
}

struct Quantized {
  std::unique_ptr<ir::Graph> original, graph;
  WeightOnlyReport report;
};

Quantized Quantize(ir::Context& ctx, const std::string& kir, quant::WeightOnlyOptions options) {
  Quantized q{.original = ParseOrDie(kir, ctx), .graph = ParseOrDie(kir, ctx), .report = {}};
  Expected<WeightOnlyReport> r = QuantizeWeightsOnly(*q.graph, options);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  if (r.ok()) q.report = *r;
  return q;
}

const ir::TensorType* CodesOf(const ir::Op& op) {
  const ir::Op* dq = op.operand(1)->producer();
  if (dq == nullptr || dq->kind() != ir::OpKind::kDequantize) return nullptr;
  return dq->operand(0)->is_constant() ? dq->operand(0)->type() : nullptr;
}

TEST(WeightOnlyTest, Int4GroupsAlongTheReductionAxis) {
  ir::Context ctx;
  Quantized q = Quantize(ctx, Model(), {.bits = 4, .block_size = 16});
  ASSERT_EQ(q.report.layers.size(), 3u);
  EXPECT_EQ(q.report.layers[0].grouping, "per channel (axis 0)");
  EXPECT_EQ(q.report.layers[1].grouping, "blocks of 16 along axis 0");
  EXPECT_EQ(q.report.layers[2].grouping, "per channel (axis 0)");
  for (const ir::Op* op : q.graph->ops()) {
    if (op->kind() != ir::OpKind::kConv && op->kind() != ir::OpKind::kMatMul &&
        op->kind() != ir::OpKind::kGemm) {
      continue;
    }
    const ir::TensorType* codes = CodesOf(*op);
    ASSERT_NE(codes, nullptr) << op->kind_name();
    EXPECT_EQ(codes->scalar(), ir::ScalarType::kI4);
    ASSERT_TRUE(codes->quant());
    if (op->kind() == ir::OpKind::kMatMul) {
      EXPECT_EQ(codes->quant()->granularity, ir::QuantGranularity::kPerBlock);
      EXPECT_EQ(codes->quant()->scales.size(), 2u * 6u);  // K 32 / 16 blocks x N 6
    }
  }
  // 288 + 192 + 30 weights: codes two a byte, one f32 scale per group (8 + 12 + 5).
  EXPECT_EQ(q.report.float_bytes, (288 + 192 + 30) * 4);
  EXPECT_EQ(q.report.packed_bytes, 144 + 96 + 15 + (8 + 12 + 5) * 4);
  EXPECT_EQ(q.graph->num_constants(), 5) << "codes x3, bias, reshape shape; the f32 weights go";

  // 4-bit weights move the output, a little.
  EXPECT_TRUE(SameOutputs(*q.original, *q.graph, {.max_rel_error = 0.15, .min_cosine = 0.99}));
  EXPECT_FALSE(SameOutputs(*q.original, *q.graph, {.max_rel_error = 1e-4, .min_cosine = 0.9999}))
      << "int4 weights left the outputs unchanged";
}

TEST(WeightOnlyTest, EightBitsAreCloserThanFour) {
  ir::Context ctx;
  Quantized q4 = Quantize(ctx, Model(), {.bits = 4, .block_size = 0});
  Quantized q8 = Quantize(ctx, Model(), {.bits = 8, .block_size = 0});
  ASSERT_EQ(q4.report.layers.size(), 3u);
  ASSERT_EQ(q8.report.layers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    // Each bit is worth about 6 dB: four more bits about 24.
    EXPECT_GT(q8.report.layers[i].sqnr_db, q4.report.layers[i].sqnr_db + 18)
        << q8.report.layers[i].node;
    EXPECT_EQ(q8.report.layers[i].grouping,
              "per channel (axis " + std::string(i == 1 ? "1" : "0") + ")");
  }
  EXPECT_TRUE(SameOutputs(*q8.original, *q8.graph, {.max_rel_error = 0.01, .min_cosine = 0.9999}));
}

TEST(WeightOnlyTest, SharedWeightIsQuantizedOnce) {
  const std::string kir =
      "graph @g(%x: f32[N,6]) -> (f32[N,6]) {\n"
      "  %w = const @w : f32[6,6]\n"
      "  %a = matmul(%x, %w) : f32[N,6]\n"
      "  %y = matmul(%a, %w) : f32[N,6]\n  return %y\n}\nconstants {\n  @w = " +
      Values(36, 2) + "\n}\n";
  ir::Context ctx;
  Quantized q = Quantize(ctx, kir, {.bits = 4, .block_size = 0});
  ASSERT_EQ(q.report.layers.size(), 1u);
  std::vector<const ir::Value*> weights;
  for (const ir::Op* op : q.graph->ops()) {
    if (op->kind() == ir::OpKind::kMatMul) weights.push_back(op->operand(1));
  }
  ASSERT_EQ(weights.size(), 2u);
  EXPECT_EQ(weights[0], weights[1]);
  EXPECT_EQ(q.graph->num_constants(), 1);
}

// Calibration inputs: 3 batches of 8 samples, channels correlated (x_c += 0.9 x_{c-1}).
quant::TensorListSource Calibration() {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<ref::Tensor>> batches;
  for (int b = 0; b < 3; ++b) {
    std::vector<float> x(8 * 4 * 2 * 2);
    for (float& v : x) v = normal(rng);
    for (int64_t i = 4; i < static_cast<int64_t>(x.size()); ++i) {
      if (i / 4 % 4 != 0) x[i] += 0.9f * x[i - 4];
    }
    batches.push_back({ref::Tensor::FromVector<float>(ref::DType::kF32, {8, 4, 2, 2}, x)});
  }
  return quant::TensorListSource(std::move(batches));
}

// The squared error of `graph`'s output against `reference`'s over the calibration batches.
double OutputError(const ir::Graph& reference, const ir::Graph& graph) {
  quant::TensorListSource source = Calibration();
  std::unique_ptr<ref::Executor> want = ref::CreateReferenceExecutor(reference);
  std::unique_ptr<ref::Executor> got = ref::CreateReferenceExecutor(graph);
  double error = 0;
  while (true) {
    Expected<std::optional<std::vector<ref::Tensor>>> batch = source.Next();
    if (!batch || !batch->has_value()) break;
    Expected<std::vector<ref::Tensor>> a = want->Run(**batch), b = got->Run(**batch);
    EXPECT_TRUE(a && b);
    if (!a || !b) return 0;
    for (int64_t i = 0; i < (*a)[0].num_elements(); ++i) {
      const double d = (*a)[0].data<float>()[i] - (*b)[0].data<float>()[i];
      error += d * d;
    }
  }
  return error;
}

TEST(WeightOnlyTest, CalibratedWeightsAreRoundedByGptq) {
  ir::Context ctx;
  const quant::WeightOnlyOptions options{.bits = 4, .block_size = 16, .min_size = 0};
  Quantized rtn = Quantize(ctx, Model(), options);
  std::unique_ptr<ir::Graph> gptq = ParseOrDie(Model(), ctx);
  quant::TensorListSource source = Calibration();
  Expected<WeightOnlyReport> r = QuantizeWeightsOnly(*gptq, options, &source);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->layers.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r->layers[i].method, "GPTQ");
    EXPECT_EQ(r->layers[i].grouping, rtn.report.layers[i].grouping);
    EXPECT_EQ(r->layers[i].packed_bytes, rtn.report.layers[i].packed_bytes);
    ASSERT_TRUE(r->layers[i].output_sqnr_db);
    EXPECT_GT(*r->layers[i].output_sqnr_db, 10.0) << r->layers[i].node;
    EXPECT_FALSE(rtn.report.layers[i].output_sqnr_db);
  }
  // On the data it was calibrated on, GPTQ's output is closer to float than rounding's.
  const double gptq_error = OutputError(*rtn.original, *gptq);
  const double rtn_error = OutputError(*rtn.original, *rtn.graph);
  EXPECT_GT(gptq_error, 0);
  EXPECT_LT(gptq_error, rtn_error);
}

// Per output channel, the mean over `batches` of graph's output minus reference's.
std::vector<double> MeanOutputShift(const ir::Graph& reference, const ir::Graph& graph,
                                    const std::vector<std::vector<ref::Tensor>>& batches) {
  std::unique_ptr<ref::Executor> want = ref::CreateReferenceExecutor(reference);
  std::unique_ptr<ref::Executor> got = ref::CreateReferenceExecutor(graph);
  std::vector<double> shift;
  int64_t rows = 0;
  for (const std::vector<ref::Tensor>& batch : batches) {
    Expected<std::vector<ref::Tensor>> a = want->Run(batch), b = got->Run(batch);
    EXPECT_TRUE(a && b);
    if (!a || !b) return {};
    const int64_t n = (*a)[0].dim(1);
    shift.resize(n, 0.0);
    for (int64_t i = 0; i < (*a)[0].num_elements(); ++i) {
      shift[i % n] += (*b)[0].data<float>()[i] - (*a)[0].data<float>()[i];
    }
    rows += (*a)[0].dim(0);
  }
  for (double& v : shift) v /= static_cast<double>(rows);
  return shift;
}

// Rounded to nearest with calibration data: the bias takes back the mean shift rounding puts
// on each output channel over those inputs (which have mean 1, so the shift is far from 0).
TEST(WeightOnlyTest, BiasCorrectionRemovesTheMeanOutputShift) {
  const std::string kir =
      "graph @g(%x: f32[N,32]) -> (f32[N,8]) {\n"
      "  %w = const @w : f32[32,8]\n  %b = const @b : f32[8]\n"
      "  %y = linear(%x, %w, %b) : f32[N,8] loc(\"Linear\")\n  return %y\n}\n"
      "constants {\n  @w = " +
      Values(256, 8) + "\n  @b = " + Values(8, 9) + "\n}\n";
  std::mt19937 rng(4);
  std::normal_distribution<float> normal(1.0f, 0.5f);
  std::vector<std::vector<ref::Tensor>> batches;
  for (int b = 0; b < 4; ++b) {
    std::vector<float> x(16 * 32);
    for (float& v : x) v = normal(rng);
    batches.push_back({ref::Tensor::FromVector<float>(ref::DType::kF32, {16, 32}, x)});
  }
  ir::Context ctx;
  std::unique_ptr<ir::Graph> original = ParseOrDie(kir, ctx);
  double shift_with = 0, shift_without = 0;
  for (bool correct : {true, false}) {
    std::unique_ptr<ir::Graph> g = ParseOrDie(kir, ctx);
    quant::TensorListSource source(batches);
    Expected<WeightOnlyReport> r = QuantizeWeightsOnly(
        *g, {.bits = 4, .block_size = 0, .gptq = false, .bias_correction = correct}, &source);
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_EQ(r->layers.size(), 1u);
    EXPECT_EQ(r->layers[0].bias_corrected, correct);
    EXPECT_EQ(r->layers[0].method, "round to nearest");
    double worst = 0;
    for (double v : MeanOutputShift(*original, *g, batches)) worst = std::max(worst, std::abs(v));
    (correct ? shift_with : shift_without) = worst;
  }
  EXPECT_GT(shift_without, 1e-2);
  EXPECT_LT(shift_with, 1e-5);
}

TEST(WeightOnlyTest, BadOptionsAreErrors) {
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(Model(), ctx);
  Expected<WeightOnlyReport> r = QuantizeWeightsOnly(*g, {.bits = 2});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(), "weight-only quantization: 2 bits, expected 4 or 8");
  r = QuantizeWeightsOnly(*g, {.bits = 4, .block_size = 3});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "weight-only quantization: block size 3, expected 0 (per channel) or an even size");
}

}  // namespace
}  // namespace kiln
