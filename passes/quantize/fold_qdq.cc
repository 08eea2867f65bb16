#include "passes/quantize/fold_qdq.h"

#include <unordered_set>
#include <vector>

#include "ir/dynamic_quant.h"
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

// v itself when it is quantized, its source when it is dequantize(source), else null.
ir::Value* QuantizedForm(ir::Value* v) {
  if (v != nullptr && v->type()->is_quantized()) return v;
  return DequantizedFrom(v);
}

// The operand conv and linear add after the op (fuse-residual-add); -1 for the others.
int ResidualIndex(const ir::Op& op) {
  const bool has = op.kind() == ir::OpKind::kConv || op.kind() == ir::OpKind::kLinear;
  return has && op.num_operands() > 3 ? 3 : -1;
}

// The quantize that is the only use of `y`, in y's graph; else null.
ir::Op* OnlyQuantizeUse(ir::Graph& graph, ir::Value* y) {
  if (y->uses().size() != 1 || y->uses()[0].is_graph_output()) return nullptr;
  ir::Op* quantize = y->uses()[0].op;
  if (quantize->kind() != ir::OpKind::kQuantize || quantize->graph() != &graph) return nullptr;
  return quantize;
}

// Ops that commute with a per-tensor quantize exactly: max pooling (quantization is monotonic)
// and the byte copies (they move elements without changing them).
bool CommutesWithQuantize(ir::OpKind kind) {
  switch (kind) {
    case ir::OpKind::kMaxPool:
    case ir::OpKind::kGlobalMaxPool:
    case ir::OpKind::kReshape:
    case ir::OpKind::kFlatten:
    case ir::OpKind::kSqueeze:
    case ir::OpKind::kUnsqueeze:
    case ir::OpKind::kIdentity:
    case ir::OpKind::kTranspose:
      return true;
    default:
      return false;
  }
}

// quantize(c_k(...c_1(y))) -> c_k(...c_1(quantize(y))) for ops c_i that commute with it, when y
// is the float result of a foldable op and each value of the chain has one use: the producer
// then folds the quantize and the chain runs on int8 (resnet's stem pool, a classifier's pool
// and flatten). Returns how many quantize ops moved.
int HoistQuantizeToProducers(ir::Graph& graph) {
  int hoisted = 0;
  for (ir::Op* quantize : graph.OpList()) {
    if (quantize->kind() != ir::OpKind::kQuantize) continue;
    const ir::TensorType* q_type = quantize->result(0)->type();
    if (q_type->quant()->granularity != ir::QuantGranularity::kPerTensor) continue;
    std::vector<ir::Op*> chain;  // from the quantize down
    ir::Value* y = quantize->operand(0);
    while (y->uses().size() == 1 && !y->uses()[0].is_graph_output() && IsPlainF32(y->type()) &&
           y->producer() != nullptr && y->producer()->graph() == &graph &&
           y->producer()->num_results() == 1 && CommutesWithQuantize(y->producer()->kind())) {
      chain.push_back(y->producer());
      y = chain.back()->operand(0);
    }
    if (chain.empty() || y->uses().size() != 1 || y->uses()[0].is_graph_output() ||
        !IsPlainF32(y->type()) || y->producer() == nullptr || !Foldable(y->producer()->kind())) {
      continue;
    }
    const ir::TensorType* y_type =
        graph.context().GetType(q_type->scalar(), y->type()->shape(), q_type->quant());
    ir::Op* early = graph.CreateOp(ir::OpKind::kQuantize, {y}, {y_type}, {}, chain.back());
    early->set_name(quantize->name());
    chain.back()->SetOperand(0, early->result(0));
    for (ir::Op* op : chain) {
      ir::Value* r = op->result(0);
      r->set_type(graph.context().GetType(q_type->scalar(), r->type()->shape(), q_type->quant()));
    }
    ir::Value* top = chain.front()->result(0);
    ir::Value* old = quantize->result(0);
    old->ReplaceAllUsesWith(top);
    if (!old->name().empty()) top->set_name(old->name());
    graph.EraseOp(quantize);
    ++hoisted;
  }
  return hoisted;
}

// y takes the type of `quantize`, its only use, which goes (erased records it for the loop).
void AbsorbQuantize(ir::Graph& graph, ir::Value* y, ir::Op* quantize,
                    std::unordered_set<const ir::Op*>& erased) {
  ir::Value* yq = quantize->result(0);
  y->set_type(yq->type());
  yq->ReplaceAllUsesWith(y);
  if (!yq->name().empty()) y->set_name(yq->name());
  erased.insert(quantize);
  graph.EraseOp(quantize);
}

// quantize(add(dequantize(a), dequantize(b))) -> add(a, b) of the quantize's type, when every
// operand has a quantized form and the quantize is the add's only use. True if it folded.
bool FoldAdd(ir::Graph& graph, ir::Op* add, std::unordered_set<const ir::Op*>& erased) {
  if (add->kind() != ir::OpKind::kAdd || add->num_results() != 1 ||
      !IsPlainF32(add->result(0)->type())) {
    return false;
  }
  ir::Op* quantize = OnlyQuantizeUse(graph, add->result(0));
  if (quantize == nullptr) return false;
  for (int i = 0; i < add->num_operands(); ++i) {
    if (QuantizedForm(add->operand(i)) == nullptr) return false;
  }
  for (int i = 0; i < add->num_operands(); ++i) add->SetOperand(i, QuantizedForm(add->operand(i)));
  AbsorbQuantize(graph, add->result(0), quantize, erased);
  return true;
}

}  // namespace

PassResult FoldQdqPass::run(ir::Graph& graph, PassContext& ctx) {
  const int hoisted = HoistQuantizeToProducers(graph);
  int folded = 0, quantize_folded = 0;
  std::unordered_set<const ir::Op*> erased;  // quantize ops later in the list, gone already
  for (ir::Op* op : graph.OpList()) {
    if (erased.count(op)) continue;
    if (FoldAdd(graph, op, erased)) {
      ++folded;
      ++quantize_folded;
      continue;
    }
    if (!Foldable(op->kind()) || op->num_results() != 1 || !IsPlainF32(op->result(0)->type())) {
      continue;
    }
    if (ir::IsDynamicQuant(*op)) {  // its input stays f32: only the weight folds
      ir::Value* w = op->num_operands() > 1 ? DequantizedFrom(op->operand(1)) : nullptr;
      if (w != nullptr && w->is_constant()) {
        op->SetOperand(1, w);
        ++folded;
      }
      continue;
    }
    if (QuantizedForm(op->operand(0)) == nullptr) continue;
    const int residual = ResidualIndex(*op);
    bool changed = false;
    for (int i = 0; i < op->num_operands(); ++i) {
      if (i == residual) continue;
      if (ir::Value* source = DequantizedFrom(op->operand(i))) {
        op->SetOperand(i, source);
        changed = true;
      }
    }
    ir::Value* y = op->result(0);
    ir::Op* quantize = OnlyQuantizeUse(graph, y);
    ir::Value* residual_source = residual >= 0 ? QuantizedForm(op->operand(residual)) : nullptr;
    if (quantize != nullptr && residual >= 0) {
      // Integer kernels add the residual in the result's type (oneDNN's sum post-op): fold the
      // quantize only when the residual has a quantized form of the same scalar type.
      const bool same = residual_source != nullptr &&
                        residual_source->type()->scalar() == quantize->result(0)->type()->scalar();
      if (!same) quantize = nullptr;
    }
    if (quantize != nullptr) {
      if (residual >= 0) op->SetOperand(residual, residual_source);
      AbsorbQuantize(graph, y, quantize, erased);
      ++quantize_folded;
      changed = true;
    }
    if (changed) ++folded;
  }
  ctx.AddStatistic("quantize-hoisted", hoisted);
  ctx.AddStatistic("ops-folded", folded);
  ctx.AddStatistic("quantize-folded", quantize_folded);
  return PassResult::ChangedIf(hoisted > 0 || folded > 0);
}

}  // namespace kiln
