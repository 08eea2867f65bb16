#include "passes/quantize/insert_qdq.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/context.h"
#include "ir/op.h"
#include "ir/tensor_data.h"
#include "passes/match.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {
namespace {

std::string HintOf(const ir::Value* v, std::string_view suffix) {
  std::string base = v->is_constant() && v->constant() ? v->constant()->name : v->name();
  if (base.empty()) base = "q";
  return base + std::string(suffix);
}

class QdqWriter {
 public:
  QdqWriter(ir::Graph& graph, const QuantPlan& plan, const ir::ValueMap* map)
      : graph_(graph), plan_(plan) {
    auto to_local = [&](const ir::Value* v) -> const ir::Value* { return map ? map->at(v) : v; };
    for (const auto& [result, decision] : plan.ops) {
      if (decision.quantized) ops_[to_local(result)] = &decision;
    }
    for (const auto& [value, decision] : plan.activations) {
      activations_[to_local(value)] = &decision.quant;
    }
  }

  Status Run() {
    const std::vector<ir::Op*> ops = graph_.OpList();
    // Activations: graph inputs before the first op, op results right after their producer.
    ir::Op* first = ops.empty() ? nullptr : ops.front();
    for (int i = 0; i < graph_.num_inputs(); ++i) QuantizeActivation(graph_.input(i), first);
    for (size_t i = 0; i < ops.size(); ++i) {
      ir::Op* next = i + 1 < ops.size() ? ops[i + 1] : nullptr;
      for (int r = 0; r < ops[i]->num_results(); ++r) QuantizeActivation(ops[i]->result(r), next);
    }
    for (ir::Op* op : ops) {
      auto it = ops_.find(op->result(0));
      if (it == ops_.end()) continue;
      if (Status s = QuantizeWeights(*op, *it->second); !s.ok()) return s;
    }
    // The float weights nothing reads any more, and their bytes (a weight two ops share is
    // listed twice).
    std::sort(replaced_.begin(), replaced_.end());
    replaced_.erase(std::unique(replaced_.begin(), replaced_.end()), replaced_.end());
    for (ir::Value* w : replaced_) {
      if (!w->has_uses() && w->graph() == &graph_) {
        graph_.EraseConstant(w);
        removed_any_ = true;
      }
    }
    if (removed_any_) graph_.PrunePool();
    return Status::Ok();
  }

 private:
  void QuantizeActivation(ir::Value* v, ir::Op* insert_before) {
    auto it = activations_.find(v);
    if (it == activations_.end()) return;
    const TensorQuant& q = *it->second;
    ir::Context& ctx = graph_.context();
    const ir::TensorType* q_type = ctx.GetType(q.scalar, v->type()->shape(), q.spec);
    ir::Op* quantize = graph_.CreateOp(ir::OpKind::kQuantize, {v}, {q_type}, {}, insert_before);
    ir::Op* dequantize = graph_.CreateOp(ir::OpKind::kDequantize, {quantize->result(0)},
                                         {v->type()}, {}, insert_before);
    const std::string base = v->producer() ? v->producer()->name() : v->name();
    if (!base.empty()) {
      quantize->set_name(base + "/quantize");
      dequantize->set_name(base + "/dequantize");
    }
    // Every op use (not the new quantize) reads the dequantized copy; outputs stay float.
    std::vector<ir::Use> uses = v->uses();
    for (const ir::Use& use : uses) {
      if (use.is_graph_output() || use.op == quantize) continue;
      use.op->SetOperand(use.index, dequantize->result(0));
    }
  }

  // Reads `value` (a constant) through a new dequantize of a quantized constant.
  void ReadThroughDequantize(ir::Op& op, int operand, ir::ScalarType scalar, ir::QuantSpec spec,
                             std::vector<uint8_t> bytes, std::string_view role) {
    ir::Value* w = op.operand(operand);
    ir::Context& ctx = graph_.context();
    const ir::TensorType* type = ctx.GetType(scalar, w->type()->shape(), std::move(spec));
    ir::Value* qc =
        graph_.AddConstant(type, ir::TensorData::FromBytes(std::move(bytes)), HintOf(w, ".q"));
    ir::Op* dq = graph_.CreateOp(ir::OpKind::kDequantize, {qc}, {w->type()}, {}, &op);
    replaced_.push_back(w);
    if (!op.name().empty()) dq->set_name(op.name() + "/dequantize_" + std::string(role));
    op.SetOperand(operand, dq->result(0));
  }

  Status QuantizeWeights(ir::Op& op, const OpDecision& decision) {
    const QuantizableOp& roles = decision.roles;
    if (roles.weight < 0) return Status::Ok();
    ir::Value* w = op.operand(roles.weight);
    std::optional<std::vector<float>> values = FloatConstant(w);
    if (!values) return Status::Error(NodeWhere(op) + ": the weight is not a float constant");
    const std::vector<int64_t> shape = w->type()->shape().static_sizes();
    const WeightQuantOptions options = StaticWeightGrid(plan_.options, roles);
    Expected<QuantizedWeight> q = QuantizeWeight(*values, shape, options);
    if (!q) return Status::Error(NodeWhere(op) + ": weight: " + q.error().message());
    const ir::ScalarType scalar = options.bits == 4 ? ir::ScalarType::kI4 : ir::ScalarType::kI8;
    const ir::QuantSpec spec = ToQuantSpec(*q, static_cast<int>(shape.size()), options);
    const std::vector<float> w_scales = q->scales;
    ReadThroughDequantize(op, roles.weight, scalar, spec, std::move(q->data), "weight");
    if (roles.bias >= 0) return QuantizeBias(op, roles, w_scales, decision.bias_shift);
    return Status::Ok();
  }

  // b / (s_x * s_w[c]) rounded to i32: the bias added exactly into the int32 accumulator.
  Status QuantizeBias(ir::Op& op, const QuantizableOp& roles, const std::vector<float>& w_scales,
                      const std::vector<double>& shift) {
    ir::Value* b = op.operand(roles.bias);
    std::optional<std::vector<float>> values = FloatConstant(b);
    const ir::Value* x = op.operand(roles.activations.at(0));
    // x is the dequantize QuantizeActivation inserted; its scale is that of its operand.
    const ir::Op* dq = x->producer();
    if (!values || dq == nullptr || dq->kind() != ir::OpKind::kDequantize) return Status::Ok();
    if (shift.size() == values->size()) {
      for (size_t c = 0; c < shift.size(); ++c) (*values)[c] += static_cast<float>(shift[c]);
    }
    const float s_x = dq->operand(0)->type()->quant()->scales.at(0);
    const size_t n = values->size();
    std::vector<float> scales(n);
    std::vector<int32_t> codes(n);
    for (size_t c = 0; c < n; ++c) {
      scales[c] = s_x * w_scales[w_scales.size() == 1 ? 0 : c];
      const double code = std::nearbyint(static_cast<double>((*values)[c]) / scales[c]);
      if (!std::isfinite(code)) return Status::Error(NodeWhere(op) + ": the bias is not finite");
      codes[c] = static_cast<int32_t>(
          std::clamp(code, static_cast<double>(std::numeric_limits<int32_t>::min()),
                     static_cast<double>(std::numeric_limits<int32_t>::max())));
    }
    std::vector<uint8_t> bytes(n * sizeof(int32_t));
    std::memcpy(bytes.data(), codes.data(), bytes.size());
    ReadThroughDequantize(op, roles.bias, ir::ScalarType::kI32,
                          ir::QuantSpec::PerAxis(0, std::move(scales), {}), std::move(bytes),
                          "bias");
    return Status::Ok();
  }

  ir::Graph& graph_;
  const QuantPlan& plan_;
  std::unordered_map<const ir::Value*, const OpDecision*> ops_;
  std::unordered_map<const ir::Value*, const TensorQuant*> activations_;
  std::vector<ir::Value*> replaced_;
  bool removed_any_ = false;
};

}  // namespace

WeightQuantOptions StaticWeightGrid(const QuantPlanOptions& options, const QuantizableOp& roles) {
  return {.bits = options.weight_bits, .axis = roles.weight_axis};
}

Status ApplyQuantPlan(ir::Graph& graph, const QuantPlan& plan, const ir::ValueMap* map) {
  return QdqWriter(graph, plan, map).Run();
}

}  // namespace kiln::quant
