// Measures a quantized graph (QDQ form, insert_qdq.h) against the float graph it came from on
// calibration samples, both on the reference runtime:
//   - per quantized op, the error of its output (SQNR and cosine against the float op's output)
//     two ways: "isolated", the op alone fed the float graph's inputs through its quantizers
//     (what quantizing this op costs by itself), and "accumulated", inside the quantized graph
//     (what it costs with every quantized op upstream);
//   - per graph output, SQNR and cosine, and top-1 agreement for [N, C] score outputs.
//
//   ir::ValueMap map;  auto q = ir::CloneGraph(graph, &map);  ApplyQuantPlan(*q, plan, &map);
//   Expected<Evaluation> e = Evaluate(graph, *q, map, plan, source, {.per_layer = true});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/clone.h"
#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"
#include "passes/quantize/error_stats.h"
#include "passes/quantize/quant_plan.h"

namespace kiln::quant {

struct LayerError {
  const ir::Value* result = nullptr;  // the float graph's op result (the plan's key)
  std::string node = "";              // the op's name, or "<kind>#<index>"
  std::string kind = "";
  ErrorStats isolated = {};
  ErrorStats accumulated = {};
};

struct OutputError {
  std::string name;
  ErrorStats error;
  bool classifier = false;  // [N, C] with C > 1: top1 is meaningful
  TopOneAgreement top1;
};

struct Evaluation {
  std::vector<LayerError> layers;  // quantized ops in graph order (empty without per_layer)
  std::vector<OutputError> outputs;
  int64_t num_batches = 0;
};

struct EvaluateOptions {
  int threads = 1;
  bool per_layer = true;
  int64_t max_batches = -1;  // -1: all of the source
  ProgressFn progress = nullptr;
};

Expected<Evaluation> Evaluate(const ir::Graph& float_graph, const ir::Graph& quant_graph,
                              const ir::ValueMap& map, const QuantPlan& plan,
                              CalibrationSource& source, const EvaluateOptions& options = {});

}  // namespace kiln::quant
