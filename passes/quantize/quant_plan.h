// A quantization plan: the decisions static int8 quantization makes for a float graph, kept
// apart from the graph so the repair loop can change one decision and rebuild. It says which
// quantizable ops (quantizable_op.h) are quantized, the scalar type and per-tensor spec of each
// activation they read, and how weights are stored. ApplyQuantPlan (insert_qdq.h) turns it
// into quantize/dequantize ops; the reference runtime then simulates the quantized graph.
//
// Activation grids depend on the target (docs/quantization.md):
//   kZeroPointFree (cloud, oneDNN): u8 with zero point 0 for a non-negative range (after ReLU),
//     else s8 symmetric, so oneDNN keeps its fastest int8 kernels (zero points slow it down).
//   kAsymmetricS8 (edge, XNNPACK qs8): s8 with a zero point over [lo, hi].
//
//   Expected<QuantPlan> plan = BuildQuantPlan(graph, stats, {.scheme =
//   ActivationScheme::kZeroPointFree}); plan->ops.at(conv->result(0)).quantized = false;   // keep
//   this conv in f32
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "ir/graph.h"
#include "ir/quant_spec.h"
#include "ir/scalar_type.h"
#include "ir/status.h"
#include "passes/quantize/calibration.h"
#include "passes/quantize/observer.h"
#include "passes/quantize/quantizable_op.h"

namespace kiln::quant {

enum class ActivationScheme : uint8_t { kZeroPointFree, kAsymmetricS8 };

// A per-tensor grid: storage type and spec.
struct TensorQuant {
  ir::ScalarType scalar = ir::ScalarType::kU8;
  ir::QuantSpec spec;
  Range range;  // the calibrated range it was made from
};

// The grid for `range` (lo <= 0 <= hi, lo < hi) under `scheme`.
TensorQuant ChooseActivationQuant(Range range, ActivationScheme scheme);

struct ActivationDecision {
  RangeMethod method = RangeMethod::kMinMax;
  TensorQuant quant;
};

struct OpDecision {
  QuantizableOp roles;
  bool quantized = true;
  std::string reason = "";  // why it stays float (set by the repair loop)
  // Bias correction: added to the float bias (one per output channel) before it is quantized;
  // empty for none.
  std::vector<double> bias_shift = {};
};

struct QuantPlanOptions {
  ActivationScheme scheme = ActivationScheme::kZeroPointFree;
  RangeMethod method = RangeMethod::kMinMax;  // for every activation unless overridden
  int weight_bits = 8;                        // per output channel, symmetric
  QuantizableKinds kinds = {};                // adds too where the target has no residual fusion
};

struct QuantPlan {
  QuantPlanOptions options;
  // Keyed by the op's result (values map through CloneGraph's ValueMap; ops do not). Pointer
  // order: nothing that reaches an output iterates these maps.
  std::map<const ir::Value*, OpDecision> ops;
  // Every activation read by a quantized op, keyed by the value.
  std::map<const ir::Value*, ActivationDecision> activations;
};

// Every quantizable op of the top-level graph, quantized, with ranges from `stats`. An
// activation with no observer (never computed in calibration) is an error naming the node.
Expected<QuantPlan> BuildQuantPlan(const ir::Graph& graph, const CalibrationStats& stats,
                                   const QuantPlanOptions& options);

// Recomputes one activation's grid with another range method.
void SetActivationMethod(QuantPlan& plan, const CalibrationStats& stats, const ir::Value* value,
                         RangeMethod method);

// Brings `activations` in line with `ops` after ops were turned on or off: adds the activations
// of quantized ops (with the plan's default method), drops those no quantized op reads.
Status SyncActivations(QuantPlan& plan, const CalibrationStats& stats);

}  // namespace kiln::quant
