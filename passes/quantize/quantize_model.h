// Static int8 quantization of a float graph, end to end: calibrate on the reference runtime,
// plan (quant_plan.h), measure the quantized graph against the float one (evaluate.h), and, if
// the error budget does not hold, repair: first the cheap fixes (another range method for every
// activation), then keep the worst layers (lowest isolated SQNR first) in float one at a time
// until it holds. The graph is rewritten in place into its QDQ form; the report says what was
// measured, what was changed and why.
//
//   Expected<QuantizeReport> r = QuantizeModel(graph, source, {.scheme =
//   ActivationScheme::kZeroPointFree}); r->budget_met;  r->float_layers;  r->steps;
//   r->evaluation.layers;
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"
#include "passes/quantize/evaluate.h"
#include "passes/quantize/quant_plan.h"

namespace kiln::quant {

// The error budget: the smallest acceptable output metric on the calibration set.
struct ErrorBudget {
  enum class Metric : uint8_t { kAuto, kCosine, kTop1 };
  Metric metric = Metric::kAuto;  // auto: top1 >= 0.99 if every output is [N, C] scores, else
  double value = 0.0;             // cosine >= 0.999; value 0 means that default
};
// "cosine=0.999", "top1=0.99" (or "top1=99%"), "auto".
Expected<ErrorBudget> ParseErrorBudget(std::string_view text);

struct QuantizeOptions {
  QuantPlanOptions plan = {};
  ErrorBudget budget = {};
  bool repair = true;
  // Adds each biased layer's mean output shift from weight rounding, (W - Wq) times its mean
  // input over the calibration data, back to its bias (one more pass over the data).
  bool bias_correction = true;
  int threads = 1;
  ProgressFn progress = nullptr;                        // per batch, for every pass over the data
  std::function<void(std::string_view)> log = nullptr;  // one line per stage / repair step
};

struct RepairStep {
  std::string action;  // "range-method", "keep-float"
  std::string detail;  // "entropy", or the node name
  std::string reason = "";
  double metric_before = 0, metric_after = 0;
};

struct QuantizeReport {
  std::string budget_metric;  // "cosine" or "top1"
  double budget_value = 0;
  double metric = 0;  // the final value
  bool budget_met = false;
  std::string range_method;  // the activations' final method
  int64_t calibration_samples = 0;
  int64_t calibration_batches = 0;
  int quantized_ops = 0;
  int bias_corrected = 0;                 // layers whose bias took its shift back
  std::vector<std::string> float_layers;  // kept in float by the repair, in the order kept
  std::vector<RepairStep> steps;
  Evaluation evaluation;  // of the final graph, per layer
};

Expected<QuantizeReport> QuantizeModel(ir::Graph& graph, CalibrationSource& source,
                                       const QuantizeOptions& options);

}  // namespace kiln::quant
