#include "passes/quantize/quantize_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <unordered_map>

#include "ir/clone.h"
#include "ir/op.h"
#include "passes/match.h"
#include "passes/quantize/insert_qdq.h"
#include "passes/quantize/layer_gptq.h"
#include "passes/quantize/layer_hessian.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {
namespace {

struct Budget {
  std::string metric;  // "cosine" or "top1"
  double value = 0;
};

Budget ResolveBudget(const ErrorBudget& b, const Evaluation& eval) {
  bool all_classifiers = !eval.outputs.empty();
  for (const OutputError& o : eval.outputs) all_classifiers = all_classifiers && o.classifier;
  ErrorBudget::Metric m = b.metric;
  if (m == ErrorBudget::Metric::kAuto) {
    m = all_classifiers ? ErrorBudget::Metric::kTop1 : ErrorBudget::Metric::kCosine;
  }
  if (m == ErrorBudget::Metric::kTop1) return {"top1", b.value > 0 ? b.value : 0.99};
  return {"cosine", b.value > 0 ? b.value : 0.999};
}

// The worst output's metric.
double Measure(const Budget& budget, const Evaluation& eval) {
  double worst = 1.0;
  for (const OutputError& o : eval.outputs) {
    const double v =
        budget.metric == "top1" ? (o.classifier ? o.top1.rate() : 1.0) : o.error.cosine();
    worst = std::min(worst, v);
  }
  return worst;
}

class Quantizer {
 public:
  Quantizer(ir::Graph& graph, CalibrationSource& source, const QuantizeOptions& options)
      : graph_(graph), source_(source), options_(options) {}

  Expected<QuantizeReport> Run() {
    Log("calibrating");
    Expected<CalibrationStats> stats =
        Calibrate(graph_, source_, {.threads = options_.threads, .progress = options_.progress});
    if (!stats) return stats.error();
    stats_ = std::move(*stats);
    report_.calibration_batches = stats_.num_batches();
    report_.calibration_samples = stats_.num_samples();

    Expected<QuantPlan> plan = BuildQuantPlan(graph_, stats_, options_.plan);
    if (!plan) return plan.error();
    if (plan->ops.empty()) return Status::Error("no op to quantize (conv, gemm, matmul, linear)");
    if (options_.bias_correction) {
      Log("bias correction");
      if (Status s = CorrectBiases(*plan); !s.ok()) return s;
    }
    Log("measuring the quantized model");
    Expected<Evaluation> eval = EvaluatePlan(*plan, /*per_layer=*/true);
    if (!eval) return eval.error();
    budget_ = ResolveBudget(options_.budget, *eval);
    double metric = Measure(budget_, *eval);
    Log(fmt::format("{} {:.6f} (budget {} >= {})", budget_.metric, metric, budget_.metric,
                    budget_.value));

    if (metric < budget_.value && options_.repair) {
      Expected<double> m = TryRangeMethods(*plan, metric);
      if (!m) return m.error();
      metric = *m;
      if (metric < budget_.value) {
        // Rank by the isolated error of the plan being repaired, measured afresh.
        Expected<Evaluation> ranked = EvaluatePlan(*plan, /*per_layer=*/true);
        if (!ranked) return ranked.error();
        Expected<double> k = KeepWorstInFloat(*plan, *ranked, metric);
        if (!k) return k.error();
        metric = *k;
      }
    }

    Log("final measurement");
    Expected<Evaluation> final_eval = EvaluatePlan(*plan, /*per_layer=*/true);
    if (!final_eval) return final_eval.error();
    report_.metric = Measure(budget_, *final_eval);
    report_.budget_metric = budget_.metric;
    report_.budget_value = budget_.value;
    report_.budget_met = report_.metric >= budget_.value;
    report_.range_method = std::string(RangeMethodName(plan->options.method));
    report_.evaluation = std::move(*final_eval);
    for (const auto& [result, d] : plan->ops) {
      report_.quantized_ops += d.quantized ? 1 : 0;
      report_.bias_corrected += d.quantized && !d.bias_shift.empty() ? 1 : 0;
    }
    // Rewrite the caller's graph last: the plan's keys are its values.
    if (Status s = ApplyQuantPlan(graph_, *plan); !s.ok()) return s;
    return std::move(report_);
  }

 private:
  void Log(std::string_view line) const {
    if (options_.log) options_.log(line);
  }

  // Sets bias_shift for every op with a weight and a bias: (W - Wq) times the op's mean input
  // over the calibration data, Wq the per-channel grid insert_qdq.h gives the weight.
  Status CorrectBiases(QuantPlan& plan) {
    std::vector<const ir::Op*> layers;
    for (const auto& [result, d] : plan.ops) {
      const ir::Op* op = result->producer();
      if (op != nullptr && d.roles.weight == 1 && d.roles.bias >= 0 && HessianShapeOf(*op)) {
        layers.push_back(op);
      }
    }
    if (layers.empty()) return Status::Ok();
    // In program order, so that the passes over the data do not depend on pointer order.
    std::unordered_map<const ir::Op*, int> order;
    for (const ir::Op* op : graph_.ops()) order.emplace(op, static_cast<int>(order.size()));
    std::sort(layers.begin(), layers.end(),
              [&](const ir::Op* a, const ir::Op* b) { return order.at(a) < order.at(b); });
    Expected<LayerHessians> means = CollectLayerHessians(
        graph_, layers, source_,
        {.threads = options_.threads, .means_only = true, .progress = options_.progress});
    if (!means) return means.error();
    for (const ir::Op* op : layers) {
      OpDecision& d = plan.ops.at(op->result(0));
      const ir::Value* w = op->operand(1);
      std::optional<std::vector<float>> values = FloatConstant(w);
      if (!values) continue;
      const std::vector<int64_t> shape = w->type()->shape().static_sizes();
      const WeightQuantOptions grid = StaticWeightGrid(plan.options, d.roles);
      Expected<QuantizedWeight> q = QuantizeWeight(*values, shape, grid);
      if (!q) return q.error();
      Expected<std::vector<float>> back = DequantizeWeight(*q, shape, grid);
      if (!back) return back.error();
      const std::vector<HessianAccumulator>* groups = means->Find(op);
      if (groups == nullptr || groups->front().count() == 0) continue;
      d.bias_shift = LayerBiasShift(
          *values, *back, shape,
          {.conv = op->kind() == ir::OpKind::kConv, .weight_axis = d.roles.weight_axis}, *groups);
    }
    return Status::Ok();
  }

  Expected<Evaluation> EvaluatePlan(const QuantPlan& plan, bool per_layer) {
    ir::ValueMap map;
    std::unique_ptr<ir::Graph> q = ir::CloneGraph(graph_, &map);
    if (Status s = ApplyQuantPlan(*q, plan, &map); !s.ok()) return s;
    return Evaluate(
        graph_, *q, map, plan, source_,
        {.threads = options_.threads, .per_layer = per_layer, .progress = options_.progress});
  }

  // Cheap fix: every activation with another range method; keeps the best.
  Expected<double> TryRangeMethods(QuantPlan& plan, double metric) {
    const RangeMethod start = plan.options.method;
    RangeMethod best = start;
    double best_metric = metric;
    for (RangeMethod m : {RangeMethod::kMinMax, RangeMethod::kPercentile, RangeMethod::kEntropy,
                          RangeMethod::kMse}) {
      if (m == start) continue;
      QuantPlan trial = WithMethod(plan, m);
      Log(fmt::format("trying range method {}", RangeMethodName(m)));
      Expected<Evaluation> e = EvaluatePlan(trial, /*per_layer=*/false);
      if (!e) return e.error();
      const double v = Measure(budget_, *e);
      Log(fmt::format("  {} {:.6f}", budget_.metric, v));
      if (v > best_metric) {
        best_metric = v;
        best = m;
      }
    }
    if (best != start) {
      plan = WithMethod(plan, best);
      report_.steps.push_back(
          {.action = "range-method",
           .detail = std::string(RangeMethodName(best)),
           .reason = fmt::format("{} {:.6f} with {} < {}; {} gives {:.6f}", budget_.metric, metric,
                                 RangeMethodName(start), budget_.value, RangeMethodName(best),
                                 best_metric),
           .metric_before = metric,
           .metric_after = best_metric});
    }
    return best_metric;
  }

  QuantPlan WithMethod(const QuantPlan& plan, RangeMethod method) {
    QuantPlan trial = plan;
    trial.options.method = method;
    for (auto& [value, decision] : trial.activations) {
      SetActivationMethod(trial, stats_, value, method);
    }
    return trial;
  }

  // The plan with the first `k` of `order` kept in float.
  Expected<QuantPlan> WithFloatPrefix(const QuantPlan& plan,
                                      const std::vector<const LayerError*>& order, size_t k) {
    QuantPlan trial = plan;
    for (size_t i = 0; i < k; ++i) trial.ops.at(order[i]->result).quantized = false;
    if (Status s = SyncActivations(trial, stats_); !s.ok()) return s;
    return trial;
  }

  // Keeps quantized ops in float, lowest isolated SQNR first, until the budget holds: the
  // smallest such prefix of the ranking, found by bisection (about log2(n) measurements instead
  // of one per layer; with every op in float the outputs are exact, so the full prefix holds).
  Expected<double> KeepWorstInFloat(QuantPlan& plan, const Evaluation& ranked, double metric) {
    std::vector<const LayerError*> order;
    for (const LayerError& l : ranked.layers) order.push_back(&l);
    std::stable_sort(order.begin(), order.end(), [](const LayerError* a, const LayerError* b) {
      return a->isolated.sqnr_db() < b->isolated.sqnr_db();
    });
    size_t fails = 0, holds = order.size();  // prefix lengths known to fail / assumed to hold
    double holds_metric = 1.0, fails_metric = metric;
    bool holds_measured = false;
    while (holds - fails > 1) {
      const size_t mid = fails + (holds - fails) / 2;
      Expected<QuantPlan> trial = WithFloatPrefix(plan, order, mid);
      if (!trial) return trial.error();
      Expected<Evaluation> e = EvaluatePlan(*trial, /*per_layer=*/false);
      if (!e) return e.error();
      const double v = Measure(budget_, *e);
      Log(fmt::format("{} worst layer{} in float: {} {:.6f}", mid, mid == 1 ? "" : "s",
                      budget_.metric, v));
      if (v >= budget_.value) {
        holds = mid;
        holds_metric = v;
        holds_measured = true;
      } else {
        fails = mid;
        fails_metric = v;
      }
    }
    if (!holds_measured) {
      Expected<QuantPlan> trial = WithFloatPrefix(plan, order, holds);
      if (!trial) return trial.error();
      Expected<Evaluation> e = EvaluatePlan(*trial, /*per_layer=*/false);
      if (!e) return e.error();
      holds_metric = Measure(budget_, *e);
    }
    Expected<QuantPlan> kept = WithFloatPrefix(plan, order, holds);
    if (!kept) return kept.error();
    plan = std::move(*kept);
    for (size_t i = 0; i < holds; ++i) {
      OpDecision& d = plan.ops.at(order[i]->result);
      d.reason = fmt::format(
          "isolated SQNR {:.1f} dB, rank {} of {}; with the {} worst in float {} {:.6f} < {}, "
          "with {}: {:.6f}",
          order[i]->isolated.sqnr_db(), i + 1, order.size(), fails, budget_.metric, fails_metric,
          budget_.value, holds, holds_metric);
      report_.steps.push_back({.action = "keep-float",
                               .detail = order[i]->node,
                               .reason = d.reason,
                               .metric_before = metric,
                               .metric_after = holds_metric});
      report_.float_layers.push_back(order[i]->node);
    }
    return holds_metric;
  }

  ir::Graph& graph_;
  CalibrationSource& source_;
  const QuantizeOptions& options_;
  CalibrationStats stats_;
  Budget budget_;
  QuantizeReport report_;
};

}  // namespace

Expected<ErrorBudget> ParseErrorBudget(std::string_view text) {
  if (text == "auto" || text.empty()) return ErrorBudget{};
  const size_t eq = text.find('=');
  const std::string_view key = text.substr(0, eq);
  std::string_view number = eq == std::string_view::npos ? "" : text.substr(eq + 1);
  const bool percent = !number.empty() && number.back() == '%';
  if (percent) number.remove_suffix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  const bool parsed = !number.empty() && ec == std::errc() && ptr == number.data() + number.size();
  if (percent) v /= 100.0;
  if (!parsed || !(v > 0.0 && v <= 1.0) || (key != "cosine" && key != "top1")) {
    return Status::Error("--max-error '" + std::string(text) +
                         "': expected auto, cosine=C or top1=R with 0 < C, R <= 1 (e.g. "
                         "cosine=0.999, top1=99%)");
  }
  return ErrorBudget{key == "top1" ? ErrorBudget::Metric::kTop1 : ErrorBudget::Metric::kCosine, v};
}

Expected<QuantizeReport> QuantizeModel(ir::Graph& graph, CalibrationSource& source,
                                       const QuantizeOptions& options) {
  return Quantizer(graph, source, options).Run();
}

}  // namespace kiln::quant
