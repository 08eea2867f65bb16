#include "passes/quantize/fold_qdq.h"

#include <unordered_set>

#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

bool Foldable(ir::OpKind kind) {
  return kind == ir::OpKind::kConv || kind == ir::OpKind::kGemm || kind == ir::OpKind::kLinear ||
         kind == ir::OpKind::kMatMul;
}

// v's quantized source when v = dequantize(source).
ir::Value* DequantizedFrom(const ir::Value* v) {
  const ir::Op* dq = v == nullptr ? nullptr : ProducerOf(v, ir::OpKind::kDequantize);
  return dq == nullptr ? nullptr : dq->operand(0);
}

}  // namespace

PassResult FoldQdqPass::run(ir::Graph& graph, PassContext& ctx) {
  int folded = 0, quantize_folded = 0;
  std::unordered_set<const ir::Op*> erased;  // quantize ops later in the list, gone already
  for (ir::Op* op : graph.OpList()) {
    if (erased.count(op)) continue;
    if (!Foldable(op->kind()) || op->num_results() != 1 || !IsPlainF32(op->result(0)->type())) {
      continue;
    }
    if (DequantizedFrom(op->operand(0)) == nullptr) continue;
    for (int i = 0; i < op->num_operands(); ++i) {
      if (ir::Value* source = DequantizedFrom(op->operand(i))) op->SetOperand(i, source);
    }
    ++folded;
    ir::Value* y = op->result(0);
    if (y->uses().size() != 1 || y->uses()[0].is_graph_output()) continue;
    ir::Op* quantize = y->uses()[0].op;
    if (quantize->kind() != ir::OpKind::kQuantize || quantize->graph() != &graph) continue;
    ir::Value* yq = quantize->result(0);
    y->set_type(yq->type());
    yq->ReplaceAllUsesWith(y);
    if (!yq->name().empty()) y->set_name(yq->name());
    erased.insert(quantize);
    graph.EraseOp(quantize);
    ++quantize_folded;
  }
  ctx.AddStatistic("ops-folded", folded);
  ctx.AddStatistic("quantize-folded", quantize_folded);
  return PassResult::ChangedIf(folded > 0);
}

}  // namespace kiln
