// Applies a quantization plan to a float graph: after every planned activation a
// quantize/dequantize pair (every op reading the value reads the dequantized copy; graph
// outputs keep the float value); every quantized op's weight becomes an i8 constant per output
// channel and its bias an i32 constant with scale activation x weight scale, each read through
// a dequantize. The result is the QDQ form (docs/quantization.md): the reference runtime runs
// it as the simulation of the quantized model, the ONNX exporter writes it as QDQ ONNX, and
// targets lower dequantize -> op -> quantize groups to integer kernels.
//
//   ir::ValueMap map;
//   std::unique_ptr<ir::Graph> q = ir::CloneGraph(graph, &map);
//   Status s = ApplyQuantPlan(*q, plan, &map);   // plan keys are `graph`'s values
#pragma once

#include "ir/clone.h"
#include "ir/graph.h"
#include "ir/status.h"
#include "passes/quantize/quant_plan.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {

// The grid a quantized op's weight gets: s8 (or the plan's weight bits) per output channel,
// symmetric, rounded to nearest. Bias correction (quantize_model.cc) measures its error.
WeightQuantOptions StaticWeightGrid(const QuantPlanOptions& options, const QuantizableOp& roles);

// `map` translates the plan's keys to `graph`'s values (null: the plan was built on `graph`).
// Fails (naming the node) when a weight cannot be quantized, e.g. a non-finite value.
Status ApplyQuantPlan(ir::Graph& graph, const QuantPlan& plan, const ir::ValueMap* map = nullptr);

}  // namespace kiln::quant
