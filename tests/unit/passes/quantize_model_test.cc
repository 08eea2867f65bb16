// Static int8 quantization of a small conv net on the reference runtime: the plan's grids, the
// QDQ graph insert_qdq writes, the error analysis and the repair loop.
#include "passes/quantize/quantize_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <optional>
#include <random>

#include "ir/clone.h"
#include "ir/op.h"
#include "ir/verifier.h"
#include "passes/match.h"
#include "passes/quantize/evaluate.h"
#include "passes/quantize/insert_qdq.h"
#include "passes/quantize/weight_quant.h"
#include "runtime/reference/interpreter/executor.h"
#include "tests/unit/passes/rewrite_numerics.h"

namespace kiln::quant {
namespace {

using testing::ParseOrDie;
using testing::Values;

std::string Net() {
  return R"(graph @net(%x: f32[N,2,8,8]) -> (f32[N,3]) {
  %w1 = const @w1 : f32[4,2,3,3]
  %b1 = const @b1 : f32[4]
  %w2 = const @w2 : f32[4,4,3,3]
  %b2 = const @b2 : f32[4]
  %w3 = const @w3 : f32[4,3]
  %b3 = const @b3 : f32[3]
  %c1 = conv(%x, %w1, %b1) {activation="relu", pads=[1,1,1,1]} : f32[N,4,8,8] loc("Conv_1")
  %c2 = conv(%c1, %w2, %b2) {pads=[1,1,1,1]} : f32[N,4,8,8] loc("Conv_2")
  %p = global_average_pool(%c2) : f32[N,4,1,1]
  %f = flatten(%p) {axis=1} : f32[N,4]
  %y = gemm(%f, %w3, %b3) : f32[N,3] loc("Gemm_3")
  return %y as "logits"
}
constants {
  @w1 = )" +
         Values(72, 1) + "\n  @b1 = " + Values(4, 2) + "\n  @w2 = " + Values(144, 3) +
         "\n  @b2 = " + Values(4, 4) + "\n  @w3 = " + Values(12, 5) + "\n  @b3 = " + Values(3, 6) +
         "\n}\n";
}

// `batches` batches of 4 samples, normal(0, 1), fixed seed.
TensorListSource Samples(int batches) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<std::vector<ref::Tensor>> all;
  for (int b = 0; b < batches; ++b) {
    std::vector<float> x(4 * 2 * 8 * 8);
    for (float& v : x) v = normal(rng);
    all.push_back({ref::Tensor::FromVector<float>(ref::DType::kF32, {4, 2, 8, 8}, x)});
  }
  return TensorListSource(std::move(all));
}

const ir::Op* OpNamed(const ir::Graph& g, std::string_view name) {
  for (const ir::Op* op : g.ops()) {
    if (op->name() == name) return op;
  }
  return nullptr;
}

class QuantizeModelTest : public ::testing::Test {
 protected:
  void SetUp() override { graph_ = ParseOrDie(Net(), ctx_); }
  ir::Context ctx_;
  std::unique_ptr<ir::Graph> graph_;
};

TEST_F(QuantizeModelTest, CloudGridsAreZeroPointFree) {
  TensorListSource source = Samples(4);
  Expected<CalibrationStats> stats = Calibrate(*graph_, source);
  ASSERT_TRUE(stats.ok()) << stats.error().message();
  EXPECT_EQ(stats->num_samples(), 16);
  Expected<QuantPlan> plan = BuildQuantPlan(*graph_, *stats, {});
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->ops.size(), 3u);
  // The input is signed: s8 symmetric; the ReLU'd conv output u8 with zero point 0.
  const TensorQuant& x = plan->activations.at(graph_->input(0)).quant;
  EXPECT_EQ(x.scalar, ir::ScalarType::kI8);
  EXPECT_TRUE(x.spec.zero_points.empty());
  const TensorObserver* xo = stats->observer(graph_->input(0));
  EXPECT_FLOAT_EQ(x.spec.scales[0], std::max(-xo->min(), xo->max()) / 127.0f);
  const ir::Value* c1 = OpNamed(*graph_, "Conv_1")->result(0);
  const TensorQuant& r = plan->activations.at(c1).quant;
  EXPECT_EQ(r.scalar, ir::ScalarType::kU8);
  EXPECT_TRUE(r.spec.zero_points.empty());
  EXPECT_FLOAT_EQ(r.spec.scales[0], stats->observer(c1)->max() / 255.0f);
}

TEST_F(QuantizeModelTest, EdgeGridsHaveZeroPoints) {
  TensorListSource source = Samples(2);
  Expected<CalibrationStats> stats = Calibrate(*graph_, source);
  ASSERT_TRUE(stats.ok());
  Expected<QuantPlan> plan =
      BuildQuantPlan(*graph_, *stats, {.scheme = ActivationScheme::kAsymmetricS8});
  ASSERT_TRUE(plan.ok());
  const ir::Value* c1 = OpNamed(*graph_, "Conv_1")->result(0);
  const TensorQuant& r = plan->activations.at(c1).quant;
  EXPECT_EQ(r.scalar, ir::ScalarType::kI8);
  ASSERT_EQ(r.spec.zero_points.size(), 1u);
  EXPECT_EQ(r.spec.zero_points[0], -128);  // a non-negative range starts at the lowest code
}

TEST(QuantPlanTest, AddsAreQuantizedOnlyWhenTheTargetAsks) {
  // A residual block: add(c1, c2). The cloud fuses the add into c2 (a sum post-op) and leaves it
  // out of the plan; the edge quantizes it, with both operands on grids of their own.
  ir::Context ctx;
  std::unique_ptr<ir::Graph> g = ParseOrDie(R"(graph @net(%x: f32[N,2,8,8]) -> (f32[N,2,8,8]) {
  %w1 = const @w1 : f32[2,2,3,3]
  %w2 = const @w2 : f32[2,2,3,3]
  %c1 = conv(%x, %w1) {activation="relu", pads=[1,1,1,1]} : f32[N,2,8,8] loc("Conv_1")
  %c2 = conv(%c1, %w2) {pads=[1,1,1,1]} : f32[N,2,8,8] loc("Conv_2")
  %s = add(%c1, %c2) : f32[N,2,8,8] loc("Add_3")
  return %s as "y"
}
constants {
  @w1 = )" + Values(36, 1) + "\n  @w2 = " + Values(36, 2) +
                                                "\n}\n",
                                            ctx);
  TensorListSource source = Samples(2);
  Expected<CalibrationStats> stats = Calibrate(*g, source);
  ASSERT_TRUE(stats.ok()) << stats.error().message();
  const ir::Value* c2 = OpNamed(*g, "Conv_2")->result(0);
  const ir::Value* sum = OpNamed(*g, "Add_3")->result(0);

  Expected<QuantPlan> cloud = BuildQuantPlan(*g, *stats, {});
  ASSERT_TRUE(cloud.ok());
  EXPECT_EQ(cloud->ops.size(), 2u);
  EXPECT_FALSE(cloud->ops.count(sum));
  EXPECT_FALSE(cloud->activations.count(c2));

  Expected<QuantPlan> edge = BuildQuantPlan(
      *g, *stats, {.scheme = ActivationScheme::kAsymmetricS8, .kinds = {.adds = true}});
  ASSERT_TRUE(edge.ok());
  EXPECT_EQ(edge->ops.size(), 3u);
  ASSERT_TRUE(edge->ops.count(sum));
  EXPECT_EQ(edge->ops.at(sum).roles.activations, (std::vector<int>{0, 1}));
  EXPECT_EQ(edge->ops.at(sum).roles.weight, -1);
  ASSERT_TRUE(edge->activations.count(c2));  // the conv's result gets its own grid
  EXPECT_EQ(edge->activations.at(c2).quant.scalar, ir::ScalarType::kI8);
}

TEST_F(QuantizeModelTest, QdqGraphQuantizesWeightsPerChannelAndBiasToI32) {
  TensorListSource source = Samples(2);
  Expected<CalibrationStats> stats = Calibrate(*graph_, source);
  ASSERT_TRUE(stats.ok());
  Expected<QuantPlan> plan = BuildQuantPlan(*graph_, *stats, {});
  ASSERT_TRUE(plan.ok());
  ir::ValueMap map;
  std::unique_ptr<ir::Graph> q = ir::CloneGraph(*graph_, &map);
  ASSERT_TRUE(ApplyQuantPlan(*q, *plan, &map).ok());
  ASSERT_TRUE(ir::VerifyGraph(*q).ok()) << ir::VerifyGraph(*q).message();

  const ir::Op* conv2 = OpNamed(*q, "Conv_2");
  ASSERT_NE(conv2, nullptr);
  // Activation: dequantize(quantize(%c1)) with the u8 grid.
  const ir::Op* dq_x = conv2->operand(0)->producer();
  ASSERT_EQ(dq_x->kind(), ir::OpKind::kDequantize);
  const ir::TensorType* xq = dq_x->operand(0)->type();
  EXPECT_EQ(xq->scalar(), ir::ScalarType::kU8);
  EXPECT_EQ(dq_x->operand(0)->producer()->kind(), ir::OpKind::kQuantize);
  // Weight: an i8 per-axis constant with one scale per output channel = max|w| / 127.
  const ir::Op* dq_w = conv2->operand(1)->producer();
  ASSERT_EQ(dq_w->kind(), ir::OpKind::kDequantize);
  const ir::TensorType* wq = dq_w->operand(0)->type();
  ASSERT_TRUE(dq_w->operand(0)->is_constant());
  EXPECT_EQ(wq->scalar(), ir::ScalarType::kI8);
  ASSERT_EQ(wq->quant()->granularity, ir::QuantGranularity::kPerAxis);
  EXPECT_EQ(wq->quant()->axis, 0);
  ASSERT_EQ(wq->quant()->scales.size(), 4u);
  const std::vector<float> w2 = *FloatConstant(OpNamed(*graph_, "Conv_2")->operand(1));
  for (int c = 0; c < 4; ++c) {
    float m = 0;
    for (int i = 0; i < 36; ++i) m = std::max(m, std::abs(w2[c * 36 + i]));
    EXPECT_FLOAT_EQ(wq->quant()->scales[c], m / 127.0f) << c;
  }
  // Bias: i32 with scale s_x * s_w[c].
  const ir::Op* dq_b = conv2->operand(2)->producer();
  ASSERT_EQ(dq_b->kind(), ir::OpKind::kDequantize);
  const ir::TensorType* bq = dq_b->operand(0)->type();
  EXPECT_EQ(bq->scalar(), ir::ScalarType::kI32);
  for (int c = 0; c < 4; ++c) {
    EXPECT_FLOAT_EQ(bq->quant()->scales[c], xq->quant()->scales[0] * wq->quant()->scales[c]);
  }
  // The original graph is untouched.
  EXPECT_EQ(OpNamed(*graph_, "Conv_2")->operand(1)->producer(), nullptr);
}

// The dequantized i32 bias of `op` in a QDQ graph.
std::vector<float> QuantizedBias(const ir::Op& op) {
  const ir::Op* dq = op.operand(2)->producer();
  if (dq == nullptr || dq->kind() != ir::OpKind::kDequantize) return {};
  const ir::TensorType* t = dq->operand(0)->type();
  const std::span<const uint8_t> bytes = ConstantData(dq->operand(0))->bytes();
  std::vector<float> b(t->quant()->scales.size());
  for (size_t c = 0; c < b.size(); ++c) {
    int32_t code;
    std::memcpy(&code, bytes.data() + 4 * c, 4);
    b[c] = static_cast<float>(code) * t->quant()->scales[c];
  }
  return b;
}

// Conv_1 reads the graph input: its mean im2col patch over the samples, computed here by hand,
// times the rounding error of its weights is the shift its bias takes back (to one step of the
// bias's i32 grid).
TEST_F(QuantizeModelTest, BiasCorrectionTakesBackTheMeanShiftOfWeightRounding) {
  std::vector<std::unique_ptr<ir::Graph>> graphs;
  std::vector<QuantizeReport> reports;
  for (bool correct : {false, true}) {
    graphs.push_back(ParseOrDie(Net(), ctx_));
    TensorListSource source = Samples(3);
    Expected<QuantizeReport> r =
        QuantizeModel(*graphs.back(), source, {.repair = false, .bias_correction = correct});
    ASSERT_TRUE(r.ok()) << r.error().message();
    reports.push_back(*r);
  }
  EXPECT_EQ(reports[0].bias_corrected, 0);
  EXPECT_EQ(reports[1].bias_corrected, 3);

  // The mean patch of Conv_1 (3x3, pads 1) over every sample and position.
  TensorListSource source = Samples(3);
  std::vector<double> mean(2 * 9, 0.0);
  int64_t count = 0;
  while (true) {
    Expected<std::optional<std::vector<ref::Tensor>>> batch = source.Next();
    ASSERT_TRUE(batch);
    if (!batch->has_value()) break;
    const float* x = (**batch)[0].data<float>();
    for (int n = 0; n < 4; ++n) {
      for (int oh = 0; oh < 8; ++oh) {
        for (int ow = 0; ow < 8; ++ow, ++count) {
          for (int c = 0; c < 2; ++c) {
            for (int k = 0; k < 9; ++k) {
              const int ih = oh + k / 3 - 1, iw = ow + k % 3 - 1;
              if (ih >= 0 && ih < 8 && iw >= 0 && iw < 8) {
                mean[c * 9 + k] += x[((n * 2 + c) * 8 + ih) * 8 + iw];
              }
            }
          }
        }
      }
    }
  }
  for (double& m : mean) m /= static_cast<double>(count);
  const std::vector<float> w = *FloatConstant(OpNamed(*graph_, "Conv_1")->operand(1));
  const std::vector<int64_t> shape = {4, 2, 3, 3};
  Expected<QuantizedWeight> q = QuantizeWeight(w, shape, {.bits = 8, .axis = 0});
  ASSERT_TRUE(q);
  const std::vector<float> wq = *DequantizeWeight(*q, shape, {.bits = 8, .axis = 0});
  const std::vector<float> before = QuantizedBias(*OpNamed(*graphs[0], "Conv_1"));
  const std::vector<float> after = QuantizedBias(*OpNamed(*graphs[1], "Conv_1"));
  ASSERT_EQ(before.size(), 4u);
  ASSERT_EQ(after.size(), 4u);
  const ir::Op* dq = OpNamed(*graphs[1], "Conv_1")->operand(2)->producer();
  for (int o = 0; o < 4; ++o) {
    double shift = 0;
    for (int i = 0; i < 18; ++i) shift += (w[o * 18 + i] - wq[o * 18 + i]) * mean[i];
    const float step = dq->operand(0)->type()->quant()->scales[o];
    EXPECT_NEAR(after[o] - before[o], shift, 1.01 * step) << o;
  }
}

TEST_F(QuantizeModelTest, ErrorAnalysisSeparatesIsolatedFromAccumulated) {
  TensorListSource source = Samples(3);
  Expected<CalibrationStats> stats = Calibrate(*graph_, source);
  ASSERT_TRUE(stats.ok());
  Expected<QuantPlan> plan = BuildQuantPlan(*graph_, *stats, {});
  ASSERT_TRUE(plan.ok());
  ir::ValueMap map;
  std::unique_ptr<ir::Graph> q = ir::CloneGraph(*graph_, &map);
  ASSERT_TRUE(ApplyQuantPlan(*q, *plan, &map).ok());
  Expected<Evaluation> e = Evaluate(*graph_, *q, map, *plan, source);
  ASSERT_TRUE(e.ok()) << e.error().message();
  ASSERT_EQ(e->layers.size(), 3u);
  EXPECT_EQ(e->layers[0].node, "Conv_1");
  EXPECT_EQ(e->layers[2].node, "Gemm_3");
  EXPECT_EQ(e->num_batches, 3);
  // The first layer reads the graph input: alone or in the graph, the same error.
  EXPECT_DOUBLE_EQ(e->layers[0].isolated.sqnr_db(), e->layers[0].accumulated.sqnr_db());
  for (const LayerError& l : e->layers) {
    EXPECT_GT(l.isolated.sqnr_db(), 20.0) << l.node;  // int8 on a well-behaved layer
    EXPECT_LT(l.isolated.sqnr_db(), 80.0) << l.node;  // ... but not exact
    EXPECT_EQ(l.isolated.count(), l.accumulated.count());
  }
  // Downstream, upstream error adds up.
  EXPECT_LT(e->layers[1].accumulated.sqnr_db(), e->layers[1].isolated.sqnr_db());
  ASSERT_EQ(e->outputs.size(), 1u);
  EXPECT_TRUE(e->outputs[0].classifier);
  EXPECT_EQ(e->outputs[0].top1.rows(), 12);
  EXPECT_GT(e->outputs[0].error.cosine(), 0.99);
  EXPECT_LT(e->outputs[0].error.cosine(), 1.0);
}

TEST_F(QuantizeModelTest, MeetsALooseBudgetWithoutRepair) {
  TensorListSource source = Samples(3);
  Expected<QuantizeReport> r =
      QuantizeModel(*graph_, source, {.budget = {ErrorBudget::Metric::kCosine, 0.9}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_TRUE(r->budget_met);
  EXPECT_EQ(r->budget_metric, "cosine");
  EXPECT_TRUE(r->steps.empty());
  EXPECT_EQ(r->quantized_ops, 3);
  ASSERT_TRUE(ir::VerifyGraph(*graph_).ok());
  int quantize_ops = 0;
  for (const ir::Op* op : graph_->ops()) quantize_ops += op->kind() == ir::OpKind::kQuantize;
  EXPECT_EQ(quantize_ops, 3);  // the input, Conv_1's result, the flatten's result
}

TEST_F(QuantizeModelTest, RepairKeepsTheWorstLayersInFloatUntilTheBudgetHolds) {
  TensorListSource source = Samples(2);
  // Nothing quantized meets a cosine of 1 - 1e-12: every layer ends in float, worst first.
  Expected<QuantizeReport> r =
      QuantizeModel(*graph_, source, {.budget = {ErrorBudget::Metric::kCosine, 1.0 - 1e-12}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  EXPECT_EQ(r->float_layers.size(), 3u);
  EXPECT_EQ(r->quantized_ops, 0);
  EXPECT_TRUE(r->budget_met);
  ASSERT_FALSE(r->steps.empty());
  EXPECT_EQ(r->steps.back().action, "keep-float");
  for (const ir::Op* op : graph_->ops()) EXPECT_NE(op->kind(), ir::OpKind::kQuantize);
}

TEST_F(QuantizeModelTest, RepairStopsAsSoonAsTheBudgetHolds) {
  // A budget halfway between the all-int8 cosine and 1: some layers must go back to float,
  // not all of them.
  TensorListSource probe = Samples(2);
  ir::Context ctx;
  std::unique_ptr<ir::Graph> copy = ParseOrDie(Net(), ctx);
  Expected<QuantizeReport> all =
      QuantizeModel(*copy, probe, {.budget = {ErrorBudget::Metric::kCosine, 0.5}, .repair = false});
  ASSERT_TRUE(all.ok());
  const double int8_cosine = all->metric;
  ASSERT_LT(int8_cosine, 1.0);
  const double budget = int8_cosine + (1.0 - int8_cosine) * 0.5;
  TensorListSource source = Samples(2);
  Expected<QuantizeReport> r =
      QuantizeModel(*graph_, source, {.budget = {ErrorBudget::Metric::kCosine, budget}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->budget_met);
  EXPECT_GE(r->metric, budget);
  EXPECT_LT(r->float_layers.size(), 3u);  // some layers stay int8
  EXPECT_GT(r->quantized_ops, 0);
}

// fold-qdq: the same numbers, bit for bit, with int8 flowing from conv to conv.
TEST_F(QuantizeModelTest, FoldQdqKeepsTheNumbersAndMakesIntegerOps) {
  TensorListSource source = Samples(2);
  Expected<QuantizeReport> r =
      QuantizeModel(*graph_, source, {.budget = {ErrorBudget::Metric::kCosine, 0.9}});
  ASSERT_TRUE(r.ok()) << r.error().message();
  source.Rewind();
  std::vector<ref::Tensor> x = **source.Next();
  auto run = [&](const ir::Graph& g) {
    Expected<std::vector<ref::Tensor>> y = ref::CreateReferenceExecutor(g)->Run(x);
    EXPECT_TRUE(y.ok()) << y.error().message();
    const float* p = (*y)[0].data<float>();
    return std::vector<float>(p, p + (*y)[0].num_elements());
  };
  const std::vector<float> qdq = run(*graph_);
  ASSERT_TRUE(testing::RunPipelineOn(*graph_, "fold-qdq,dce").ok());
  ASSERT_TRUE(ir::VerifyGraph(*graph_).ok()) << ir::VerifyGraph(*graph_).message();
  EXPECT_EQ(run(*graph_), qdq);

  const ir::Op* conv1 = OpNamed(*graph_, "Conv_1");
  const ir::Op* conv2 = OpNamed(*graph_, "Conv_2");
  EXPECT_EQ(conv1->operand(0)->type()->scalar(), ir::ScalarType::kI8);   // the input's grid
  EXPECT_EQ(conv1->operand(1)->type()->scalar(), ir::ScalarType::kI8);   // the weight constant
  EXPECT_EQ(conv1->operand(2)->type()->scalar(), ir::ScalarType::kI32);  // the bias constant
  EXPECT_EQ(conv1->result(0)->type()->scalar(), ir::ScalarType::kU8);    // after its ReLU
  EXPECT_EQ(conv2->operand(0), conv1->result(0));                        // int8 from op to op
  EXPECT_EQ(conv2->result(0)->type()->scalar(), ir::ScalarType::kF32);   // read by the pool
  int quantize = 0, dequantize = 0;
  for (const ir::Op* op : graph_->ops()) {
    quantize += op->kind() == ir::OpKind::kQuantize;
    dequantize += op->kind() == ir::OpKind::kDequantize;
  }
  EXPECT_EQ(quantize, 2);  // the input and the flatten's result
  EXPECT_EQ(dequantize, 0);
}

TEST(ErrorBudgetTest, Parses) {
  EXPECT_EQ(ParseErrorBudget("cosine=0.999")->metric, ErrorBudget::Metric::kCosine);
  EXPECT_DOUBLE_EQ(ParseErrorBudget("top1=99%")->value, 0.99);
  EXPECT_EQ(ParseErrorBudget("auto")->metric, ErrorBudget::Metric::kAuto);
  EXPECT_FALSE(ParseErrorBudget("cosine=2").ok());
  EXPECT_FALSE(ParseErrorBudget("sqnr=30").ok());
  EXPECT_FALSE(ParseErrorBudget("top1=").ok());
}

}  // namespace
}  // namespace kiln::quant
