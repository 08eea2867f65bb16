#include "passes/quantize/weight_only.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "ir/context.h"
#include "ir/tensor_data.h"
#include "passes/match.h"
#include "passes/quantize/error_stats.h"
#include "passes/quantize/layer_gptq.h"
#include "passes/quantize/quantizable_op.h"
#include "passes/quantize/weight_quant.h"

namespace kiln::quant {
namespace {

// The axis a weight's reduction runs along: the other axis of a 2-D weight, none for a conv.
std::optional<int> ReductionAxis(const ir::Op& op, const QuantizableOp& roles) {
  if (op.kind() == ir::OpKind::kConv) return std::nullopt;
  return 1 - roles.weight_axis;
}

WeightQuantOptions GroupsFor(const ir::Op& op, const QuantizableOp& roles,
                             std::span<const int64_t> shape, const WeightOnlyOptions& options) {
  WeightQuantOptions groups{.bits = options.bits, .axis = roles.weight_axis, .search_scale = true};
  std::optional<int> k = ReductionAxis(op, roles);
  if (options.block_size > 0 && k && shape[*k] >= options.block_size) {
    groups.axis = *k;
    groups.block_size = options.block_size;
  }
  return groups;
}

std::string GroupingText(const WeightQuantOptions& groups) {
  if (groups.block_size == 0) return fmt::format("per channel (axis {})", groups.axis);
  return fmt::format("blocks of {} along axis {}", groups.block_size, groups.axis);
}

class WeightOnlyWriter {
 public:
  WeightOnlyWriter(ir::Graph& graph, const WeightOnlyOptions& options)
      : graph_(graph), options_(options) {}

  // The ops whose weights Run quantizes (the first reader of a shared weight), each with a
  // Hessian shape GPTQ can use.
  std::vector<const ir::Op*> GptqLayers() const {
    std::vector<const ir::Op*> ops;
    std::unordered_set<const ir::Value*> seen;
    for (ir::Op* op : graph_.OpList()) {
      std::optional<QuantizableOp> roles = AnalyzeQuantizable(*op);
      if (!roles || roles->weight != 1 || !Accepts(*op)) continue;
      if (!seen.insert(op->operand(1)).second) continue;
      if (op->operand(1)->type()->shape().num_elements().value_or(0) < options_.min_size) continue;
      if (HessianShapeOf(*op)) ops.push_back(op);
    }
    return ops;
  }

  Expected<WeightOnlyReport> Run(const LayerHessians* hessians) {
    hessians_ = hessians;
    for (ir::Op* op : graph_.OpList()) {
      std::optional<QuantizableOp> roles = AnalyzeQuantizable(*op);
      if (!roles || roles->weight < 0 || !Accepts(*op)) continue;
      if (Status s = Quantize(*op, *roles); !s.ok()) return s;
    }
    // The float weights nothing reads any more.
    bool erased = false;
    for (ir::Value* w : replaced_) {
      if (!w->has_uses() && w->graph() == &graph_) {
        graph_.EraseConstant(w);
        erased = true;
      }
    }
    if (erased) graph_.PrunePool();
    return std::move(report_);
  }

 private:
  bool Accepts(const ir::Op& op) const { return !options_.accept || options_.accept(op); }

  // Null without calibration, or when some group saw no calibration row.
  const std::vector<HessianAccumulator>* HessiansOf(const ir::Op& op) const {
    const std::vector<HessianAccumulator>* h = hessians_ ? hessians_->Find(&op) : nullptr;
    if (h == nullptr) return nullptr;
    for (const HessianAccumulator& group : *h) {
      if (group.count() == 0) return nullptr;
    }
    return h;
  }

  // bias += shift (one per output channel), as a new constant; a conv, linear or plain gemm
  // without a bias gets one. False when the op has no place for it (matmul, a scaled gemm).
  bool CorrectBias(ir::Op& op, const QuantizableOp& roles, const std::vector<double>& shift) {
    if (shift.empty()) return false;
    std::vector<float> bias(shift.size(), 0.0f);
    std::string name = op.name().empty() ? std::string("bias") : op.name() + ".bias";
    if (roles.bias >= 0) {
      ir::Value* old = op.operand(roles.bias);
      std::optional<std::vector<float>> values = FloatConstant(old);
      if (!values || values->size() != shift.size()) return false;
      bias = std::move(*values);
      if (old->constant() != nullptr) name = old->constant()->name;
      replaced_.push_back(old);
    } else {
      const bool scaled_gemm =
          op.kind() == ir::OpKind::kGemm &&
          (op.attrs().GetFloat("alpha", 1.0) != 1.0 || op.attrs().GetFloat("beta", 1.0) != 1.0);
      if (op.kind() == ir::OpKind::kMatMul || scaled_gemm) return false;
      if (op.num_operands() > 2 && op.operand(2) != nullptr) return false;  // not a bias
    }
    for (size_t i = 0; i < bias.size(); ++i) bias[i] += static_cast<float>(shift[i]);
    ir::Value* corrected =
        AddFloatConstant(graph_, {static_cast<int64_t>(bias.size())}, bias, name + ".corrected");
    if (op.num_operands() > 2) {
      op.SetOperand(2, corrected);
    } else {
      op.SetOperands({op.operand(0), op.operand(1), corrected});
    }
    return true;
  }

  Status Quantize(ir::Op& op, const QuantizableOp& roles) {
    ir::Value* w = op.operand(roles.weight);
    // A weight several ops share is quantized once (with the first op's grouping).
    if (auto it = replacement_.find(w); it != replacement_.end()) {
      op.SetOperand(roles.weight, it->second);
      return Status::Ok();
    }
    std::optional<std::vector<float>> values = FloatConstant(w);
    if (!values) return Status::Error(NodeWhere(op) + ": the weight is not a float constant");
    if (static_cast<int64_t>(values->size()) < std::max<int64_t>(options_.min_size, 1)) {
      return Status::Ok();
    }
    const std::vector<int64_t> shape = w->type()->shape().static_sizes();
    const WeightQuantOptions groups = GroupsFor(op, roles, shape, options_);
    const LayerWeightForm form{.conv = op.kind() == ir::OpKind::kConv,
                               .weight_axis = roles.weight_axis};
    const std::vector<HessianAccumulator>* hessians = HessiansOf(op);
    std::string method = "round to nearest";
    Expected<QuantizedWeight> q = QuantizedWeight{};
    if (hessians != nullptr && options_.gptq) {
      Expected<LayerGptq> gptq = QuantizeLayerGptq(*values, shape, form, groups, *hessians);
      if (!gptq) return Status::Error(NodeWhere(op) + ": weight: " + gptq.error().message());
      method = gptq->fell_back_to_rtn ? "round to nearest (GPTQ: H not positive definite)" : "GPTQ";
      q = std::move(gptq->weight);
    } else {
      q = QuantizeWeight(*values, shape, groups);
    }
    if (!q) return Status::Error(NodeWhere(op) + ": weight: " + q.error().message());
    Expected<std::vector<float>> back = DequantizeWeight(*q, shape, groups);
    if (!back) return Status::Error(NodeWhere(op) + ": weight: " + back.error().message());
    ErrorStats error;
    error.Add(*values, *back);
    std::optional<double> output_sqnr;
    bool bias_corrected = false;
    if (hessians != nullptr) {
      output_sqnr = LayerOutputSqnrDb(*values, *back, shape, form, *hessians);
      if (options_.bias_correction) {
        bias_corrected =
            CorrectBias(op, roles, LayerBiasShift(*values, *back, shape, form, *hessians));
      }
    }

    const auto elements = static_cast<int64_t>(values->size());
    const auto packed = static_cast<int64_t>(q->data.size() + q->scales.size() * sizeof(float));
    report_.layers.push_back({.node = op.name(),
                              .kind = std::string(op.kind_name()),
                              .grouping = GroupingText(groups),
                              .elements = elements,
                              .float_bytes = elements * 4,
                              .packed_bytes = packed,
                              .sqnr_db = error.sqnr_db(),
                              .method = method,
                              .output_sqnr_db = output_sqnr,
                              .bias_corrected = bias_corrected});
    report_.float_bytes += elements * 4;
    report_.packed_bytes += packed;

    ir::Context& ctx = graph_.context();
    const ir::ScalarType scalar = options_.bits == 4 ? ir::ScalarType::kI4 : ir::ScalarType::kI8;
    const ir::TensorType* type = ctx.GetType(
        scalar, w->type()->shape(), ToQuantSpec(*q, static_cast<int>(shape.size()), groups));
    const std::string name = w->constant() ? w->constant()->name : std::string("weight");
    ir::Value* codes = graph_.AddConstant(type, ir::TensorData::FromBytes(std::move(q->data)),
                                          name + ".q" + std::to_string(options_.bits));
    ir::Op* dq = graph_.CreateOp(ir::OpKind::kDequantize, {codes}, {w->type()}, {}, &op);
    if (!op.name().empty()) dq->set_name(op.name() + "/dequantize_weight");
    op.SetOperand(roles.weight, dq->result(0));
    replacement_.emplace(w, dq->result(0));
    replaced_.push_back(w);
    return Status::Ok();
  }

  ir::Graph& graph_;
  const WeightOnlyOptions& options_;
  const LayerHessians* hessians_ = nullptr;
  WeightOnlyReport report_;
  std::unordered_map<const ir::Value*, ir::Value*> replacement_;  // float weight -> dequantized
  std::vector<ir::Value*> replaced_;  // those float weights and the biases corrected, in order
};

}  // namespace

Expected<WeightOnlyReport> QuantizeWeightsOnly(ir::Graph& graph, const WeightOnlyOptions& options,
                                               CalibrationSource* calibration,
                                               const LayerHessianOptions& hessian_options) {
  if (options.bits != 4 && options.bits != 8) {
    return Status::Error(
        fmt::format("weight-only quantization: {} bits, expected 4 or 8", options.bits));
  }
  if (options.block_size < 0 || options.block_size == 1 || options.block_size % 2 != 0) {
    return Status::Error(fmt::format(
        "weight-only quantization: block size {}, expected 0 (per channel) or an even size",
        options.block_size));
  }
  WeightOnlyWriter writer(graph, options);
  if (calibration == nullptr) return writer.Run(nullptr);
  const std::vector<const ir::Op*> layers = writer.GptqLayers();
  Expected<LayerHessians> hessians =
      CollectLayerHessians(graph, layers, *calibration, hessian_options);
  if (!hessians) return hessians.error();
  return writer.Run(&*hessians);
}

}  // namespace kiln::quant
