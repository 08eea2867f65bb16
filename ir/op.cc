#include "ir/op.h"

#include "ir/graph.h"

namespace kiln::ir {

Op::Op(OpKind kind, Graph* graph) : kind_(kind), graph_(graph) {}

Op::~Op() = default;

void Op::SetOperand(int i, Value* value) {
  if (operands_[i] == value) return;
  if (operands_[i]) operands_[i]->RemoveUse(Use{this, nullptr, i});
  operands_[i] = value;
  if (value) value->AddUse(Use{this, nullptr, i});
}

void Op::SetOperands(std::vector<Value*> operands) {
  for (int i = 0; i < num_operands(); ++i) SetOperand(i, nullptr);
  operands_.assign(operands.size(), nullptr);
  for (int i = 0; i < num_operands(); ++i) SetOperand(i, operands[i]);
}

bool Op::has_result_uses() const {
  for (const auto& r : results_) {
    if (r->has_uses()) return true;
  }
  return false;
}

Graph& Op::AddRegion(std::string name) {
  regions_.push_back(std::unique_ptr<Graph>(new Graph(graph_->context(), std::move(name), this)));
  return *regions_.back();
}

void Op::DropAllReferences() {
  for (auto it = regions_.rbegin(); it != regions_.rend(); ++it) (*it)->DropAllReferences();
  for (int i = num_operands() - 1; i >= 0; --i) SetOperand(i, nullptr);
}

}  // namespace kiln::ir
