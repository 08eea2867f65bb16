#include "passes/fusion/fuse_residual_add.h"

#include <unordered_map>
#include <vector>

#include "ir/fused_activation.h"
#include "passes/fusion/fusion_rewrite.h"
#include "passes/match.h"
#include "passes/pass_context.h"

namespace kiln {
namespace {

// The position of every op in its graph (regions numbered on their own). Fusing moves no op,
// so the numbers stay valid while the pass runs.
class ProgramOrder {
 public:
  explicit ProgramOrder(const ir::Graph& graph) { Number(graph); }

  // `v` is defined before `op`, which is in a graph where `v` is visible: a graph input or
  // constant, a result of an enclosing graph's op (that op precedes the region), or a result
  // of an earlier op of op's graph.
  bool DefinedBefore(const ir::Value* v, const ir::Op& op) const {
    const ir::Op* producer = v->producer();
    if (producer == nullptr || producer->graph() != op.graph()) return true;
    return position_.at(producer) < position_.at(&op);
  }

 private:
  void Number(const ir::Graph& graph) {
    int i = 0;
    for (const ir::Op* op : graph.ops()) {
      position_[op] = i++;
      for (int r = 0; r < op->num_regions(); ++r) Number(op->region(r));
    }
  }

  std::unordered_map<const ir::Op*, int> position_;
};

// Two values of this type have the same shape at run time: ranked, and every dim a size or a
// symbol (the same symbol is the same size); a `?` could be 1 in one and 5 in the other.
bool SameShapeWhenEqualTypes(const ir::TensorType* type) {
  const ir::Shape& shape = type->shape();
  if (!shape.is_ranked()) return false;
  for (const ir::Dim& d : shape.dims()) {
    if (d.is_unknown()) return false;
  }
  return true;
}

// The conv or linear producing operand `side` of `add` when it can take the other operand as
// its residual; null otherwise.
ir::Op* FusableProducer(const ir::Op& add, int side, const ProgramOrder& order) {
  ir::Value* y = add.operand(side);
  ir::Value* residual = add.operand(1 - side);
  ir::Op* p = y->producer();
  if (p == nullptr || !ir::HasResidualOperand(p->kind()) || p->graph() != add.graph()) {
    return nullptr;
  }
  if (!HasOneUse(y) || !HasNoActivation(*p) || ir::ResidualOf(*p) != nullptr) return nullptr;
  if (p->num_operands() < 2 || p->operand(0) == nullptr || p->operand(1) == nullptr) {
    return nullptr;
  }
  // One type for all three: nothing broadcasts, so the add is elementwise.
  const ir::TensorType* type = add.result(0)->type();
  if (y->type() != type || residual->type() != type || !SameShapeWhenEqualTypes(type)) {
    return nullptr;
  }
  if (!order.DefinedBefore(residual, *p)) return nullptr;
  return p;
}

}  // namespace

PassResult FuseResidualAddPass::run(ir::Graph& graph, PassContext& ctx) {
  const ProgramOrder order(graph);
  int fused = 0;
  ForEachOp(graph, [&](ir::Op* add) {
    if (add->kind() != ir::OpKind::kAdd || add->num_operands() != 2 || add->num_results() != 1 ||
        add->operand(0) == nullptr || add->operand(1) == nullptr ||
        !IsPlainF32(add->result(0)->type())) {
      return;
    }
    // At most one side qualifies: the residual must precede the conv, so of two convs only
    // the later one can take the other.
    for (int side = 0; side < 2; ++side) {
      ir::Op* p = FusableProducer(*add, side, order);
      if (p == nullptr) continue;
      std::vector<ir::Value*> operands(p->operands().begin(), p->operands().end());
      operands.resize(ir::kResidualOperand + 1, nullptr);
      operands[ir::kResidualOperand] = add->operand(1 - side);
      p->SetOperands(std::move(operands));
      TakeOverResult(p->result(0), add->result(0));
      add->graph()->EraseOp(add);
      ++fused;
      return;
    }
  });
  if (fused) ctx.AddStatistic("residual-adds-fused", fused);
  return PassResult::ChangedIf(fused);
}

}  // namespace kiln
