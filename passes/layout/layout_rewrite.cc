#include "passes/layout/layout_rewrite.h"

namespace kiln {

bool IsLayoutFree(const ir::TensorType* type) {
  return !type->is_quantized() || type->quant()->granularity == ir::QuantGranularity::kPerTensor;
}

bool SameElements(const ir::TensorType* a, const ir::TensorType* b) {
  return a == b || (a->scalar() == b->scalar() && a->quant() == b->quant());
}

bool UsedOnlyBy(const ir::Value* value, const ir::Op* op) {
  if (!value->has_uses()) return false;
  for (const ir::Use& use : value->uses()) {
    if (use.op != op) return false;
  }
  return true;
}

ir::Value* CreateTranspose(ir::Value* x, const Perm& perm, const ir::TensorType* type,
                           ir::Op* before) {
  ir::AttrMap attrs;
  attrs.Set("perm", perm);
  return before->graph()
      ->CreateOp(ir::OpKind::kTranspose, {x}, {type}, std::move(attrs), before)
      ->result(0);
}

bool IsSinkableUnary(const ir::Op& op) {
  if (op.num_results() != 1 || op.num_operands() < 1 || op.operand(0) == nullptr) return false;
  if (op.schema().has(ir::kUnaryElementwise)) return true;
  // Elementwise too while their scales do not depend on the position (per tensor).
  if (op.kind() == ir::OpKind::kQuantize || op.kind() == ir::OpKind::kDequantize) {
    return IsLayoutFree(op.operand(0)->type()) && IsLayoutFree(op.result(0)->type());
  }
  if (op.kind() != ir::OpKind::kClip) return false;
  for (int i = 1; i < op.num_operands(); ++i) {
    const ir::Value* bound = op.operand(i);
    if (bound != nullptr &&
        (!bound->is_constant() || bound->type()->shape().num_elements() != int64_t{1})) {
      return false;
    }
  }
  return true;
}

bool IsSinkableBinary(const ir::Op& op) {
  switch (op.kind()) {
    case ir::OpKind::kAdd:
    case ir::OpKind::kSub:
    case ir::OpKind::kMul:
    case ir::OpKind::kDiv:
    case ir::OpKind::kMin:
    case ir::OpKind::kMax:
    case ir::OpKind::kPow:
      return op.num_operands() == 2 && op.operand(0) != nullptr && op.operand(1) != nullptr &&
             op.num_results() == 1;
    default:
      return false;
  }
}

void EraseIfDead(ir::Op* op) {
  if (op == nullptr || op->num_regions() > 0) return;
  for (int i = 0; i < op->num_results(); ++i) {
    if (op->result(i)->has_uses()) return;
  }
  ir::Op* feeder = nullptr;
  if (op->num_operands() > 0 && op->operand(0) != nullptr) {
    ir::Op* p = op->operand(0)->producer();
    if (p && (p->kind() == ir::OpKind::kTranspose || p->kind() == ir::OpKind::kReshape)) feeder = p;
  }
  op->graph()->EraseOp(op);
  EraseIfDead(feeder);
}

}  // namespace kiln
