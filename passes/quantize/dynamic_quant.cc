#include "passes/quantize/dynamic_quant.h"

#include <optional>
#include <unordered_set>

#include "ir/dynamic_quant.h"
#include "passes/match.h"
#include "passes/quantize/quantizable_op.h"

namespace kiln::quant {

bool DynamicQuantizable(const ir::Op& op) {
  // A bias must be a constant row the kernel adds after the product (quantizable_op.h's bias).
  if (op.num_operands() > 2 && op.operand(2) != nullptr) {
    std::optional<QuantizableOp> roles = AnalyzeQuantizable(op);
    if (!roles || roles->bias != 2) return false;
  }
  switch (op.kind()) {
    case ir::OpKind::kLinear:
    case ir::OpKind::kMatMul:
      return true;
    case ir::OpKind::kGemm:
      return op.attrs().GetInt("trans_a", 0) == 0 && op.attrs().GetFloat("alpha", 1.0) == 1.0 &&
             op.attrs().GetFloat("beta", 1.0) == 1.0;
    default:
      return false;
  }
}

Expected<WeightOnlyReport> QuantizeDynamic(ir::Graph& graph) {
  std::unordered_set<const ir::Op*> before;    // a pre-quantized model's own dequantize ops
  std::unordered_set<const ir::Op*> accepted;  // decided on the float graph
  for (const ir::Op* op : graph.ops()) {
    if (op->kind() == ir::OpKind::kDequantize) before.insert(op);
    if (DynamicQuantizable(*op)) accepted.insert(op);
  }
  Expected<WeightOnlyReport> report = QuantizeWeightsOnly(
      graph, {.bits = 8, .block_size = 0, .min_size = 0, .accept = DynamicQuantizable});
  if (!report) return report;
  // The ops whose weight the call above made dequantize(i8 constant), shared weights included.
  for (ir::Op* op : graph.OpList()) {
    if (accepted.count(op) == 0 || op->num_operands() < 2) continue;
    const ir::Op* dq = ProducerOf(op->operand(1), ir::OpKind::kDequantize);
    if (dq == nullptr || before.count(dq) != 0) continue;
    op->attrs().Set(ir::kDynamicQuantAttr, int64_t{1});
  }
  return report;
}

}  // namespace kiln::quant
