#include "passes/quantize/quant_plan.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "ir/op.h"

namespace kiln::quant {
namespace {

std::string NodeLabel(const ir::Value& v) {
  const ir::Op* op = v.producer();
  if (op != nullptr && !op->name().empty()) return "node '" + op->name() + "'";
  if (!v.name().empty()) return "value '" + v.name() + "'";
  return "an unnamed value";
}

Expected<ActivationDecision> Decide(const CalibrationStats& stats, const ir::Value* v,
                                    RangeMethod method, ActivationScheme scheme) {
  const TensorObserver* o = stats.observer(v);
  if (o == nullptr || o->count() == 0) {
    return Status::Error(NodeLabel(*v) + ": no calibration values for the activation");
  }
  RangeRequest request{.method = method, .num_levels = 256};
  // A zero-point-free grid is symmetric unless the tensor is never negative.
  request.symmetric = scheme == ActivationScheme::kZeroPointFree && o->min() < 0.0f;
  return ActivationDecision{method, ChooseActivationQuant(o->Compute(request), scheme)};
}

}  // namespace

TensorQuant ChooseActivationQuant(Range range, ActivationScheme scheme) {
  const double lo = std::min(0.0, static_cast<double>(range.lo));
  const double hi = std::max(0.0, static_cast<double>(range.hi));
  constexpr double kTiny = 1e-30;
  TensorQuant q;
  q.range = range;
  if (scheme == ActivationScheme::kZeroPointFree) {
    if (lo >= 0.0) {
      q.scalar = ir::ScalarType::kU8;
      q.spec = ir::QuantSpec::PerTensor(static_cast<float>(std::max(hi / 255.0, kTiny)));
    } else {
      q.scalar = ir::ScalarType::kI8;
      const double m = std::max(-lo, hi);
      q.spec = ir::QuantSpec::PerTensor(static_cast<float>(std::max(m / 127.0, kTiny)));
    }
    return q;
  }
  q.scalar = ir::ScalarType::kI8;
  const float scale = static_cast<float>(std::max((hi - lo) / 255.0, kTiny));
  const double zp = std::nearbyint(-128.0 - lo / scale);
  q.spec = ir::QuantSpec::PerTensor(scale, static_cast<int32_t>(std::clamp(zp, -128.0, 127.0)));
  q.spec.Canonicalize();
  return q;
}

Expected<QuantPlan> BuildQuantPlan(const ir::Graph& graph, const CalibrationStats& stats,
                                   const QuantPlanOptions& options) {
  QuantPlan plan;
  plan.options = options;
  for (const ir::Op* op : graph.ops()) {
    std::optional<QuantizableOp> roles = AnalyzeQuantizable(*op, options.kinds);
    if (!roles) continue;
    plan.ops[op->result(0)] = OpDecision{.roles = *roles};
  }
  if (Status s = SyncActivations(plan, stats); !s.ok()) return s;
  return plan;
}

void SetActivationMethod(QuantPlan& plan, const CalibrationStats& stats, const ir::Value* value,
                         RangeMethod method) {
  Expected<ActivationDecision> d = Decide(stats, value, method, plan.options.scheme);
  if (d) plan.activations[value] = *d;
}

Status SyncActivations(QuantPlan& plan, const CalibrationStats& stats) {
  std::set<const ir::Value*> read;
  for (const auto& [result, decision] : plan.ops) {
    if (!decision.quantized) continue;
    const ir::Op& op = *result->producer();
    for (int i : decision.roles.activations) read.insert(op.operand(i));
  }
  std::erase_if(plan.activations, [&](const auto& entry) { return !read.count(entry.first); });
  for (const ir::Value* v : read) {
    if (plan.activations.count(v)) continue;
    Expected<ActivationDecision> d = Decide(stats, v, plan.options.method, plan.options.scheme);
    if (!d) return d.error();
    plan.activations[v] = *d;
  }
  return Status::Ok();
}

}  // namespace kiln::quant
