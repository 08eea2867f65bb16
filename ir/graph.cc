#include "ir/graph.h"

#include <cassert>
#include <unordered_set>

namespace kiln::ir {

Graph::Graph(Context& ctx, std::string name)
    : ctx_(&ctx), name_(std::move(name)), pool_(std::make_unique<ConstantPool>()) {}

Graph::Graph(Context& ctx, std::string name, Op* parent_op)
    : ctx_(&ctx), name_(std::move(name)), parent_op_(parent_op) {}

Graph::~Graph() {
  // Only the outermost graph being destroyed needs to unlink; nested graphs are reached
  // from it. Unlinking first means no value is destroyed while something still uses it.
  DropAllReferences();
  while (!ops_.empty()) ops_.pop_back();
}

Value* Graph::AddInput(std::string name, const TensorType* type) {
  inputs_.push_back(std::unique_ptr<Value>(new Value(ValueKind::kInput, type, this)));
  inputs_.back()->set_name(std::move(name));
  return inputs_.back().get();
}

ConstantPool& Graph::pool() const {
  const Graph* g = this;
  while (g->parent_op_) g = g->parent_op_->graph();
  return *g->pool_;
}

Value* Graph::AddConstant(const TensorType* type, std::shared_ptr<const TensorData> data,
                          std::string_view pool_name_hint) {
  return AddConstantRef(pool().Add(pool_name_hint, type, std::move(data)));
}

Value* Graph::AddConstantRef(Constant* constant) {
  constants_.push_back(
      std::unique_ptr<Value>(new Value(ValueKind::kConstant, constant->type, this)));
  Value* v = constants_.back().get();
  v->constant_ = constant;
  return v;
}

void Graph::EraseConstant(Value* value) {
  assert(!value->has_uses() && "erasing a constant that is still used");
  for (auto it = constants_.begin(); it != constants_.end(); ++it) {
    if (it->get() == value) {
      constants_.erase(it);
      return;
    }
  }
  assert(false && "constant not in this graph");
}

namespace {

void CollectReferencedConstants(const Graph& g, std::unordered_set<const Constant*>& out) {
  for (int i = 0; i < g.num_constants(); ++i) out.insert(g.constant(i)->constant());
  for (Op* op : g.ops()) {
    for (int r = 0; r < op->num_regions(); ++r) CollectReferencedConstants(op->region(r), out);
  }
}

}  // namespace

int Graph::PrunePool() {
  std::unordered_set<const Constant*> referenced;
  CollectReferencedConstants(root(), referenced);
  return pool().RemoveIf([&](const Constant& c) { return !referenced.count(&c); });
}

Op* Graph::CreateOp(OpKind kind, std::vector<Value*> operands,
                    const std::vector<const TensorType*>& result_types, AttrMap attrs,
                    Op* insert_before) {
  auto op = std::unique_ptr<Op>(new Op(kind, this));
  Op* raw = op.get();
  raw->attrs_ = std::move(attrs);
  raw->operands_.assign(operands.size(), nullptr);
  for (int i = 0; i < static_cast<int>(operands.size()); ++i) raw->SetOperand(i, operands[i]);
  for (int i = 0; i < static_cast<int>(result_types.size()); ++i) {
    auto v = std::unique_ptr<Value>(new Value(ValueKind::kOpResult, result_types[i], this));
    v->producer_ = raw;
    v->result_index_ = i;
    raw->results_.push_back(std::move(v));
  }
  assert(!insert_before || insert_before->graph_ == this);
  auto pos = insert_before ? insert_before->position_ : ops_.end();
  raw->position_ = ops_.insert(pos, std::move(op));
  return raw;
}

void Graph::EraseOp(Op* op) {
  assert(op->graph_ == this && "erasing an op of another graph");
  assert(!op->has_result_uses() && "erasing an op whose results are still used");
  op->DropAllReferences();
  ops_.erase(op->position_);
}

void Graph::MoveOpBefore(Op* op, Op* before) {
  assert(op->graph_ == this && before->graph_ == this);
  ops_.splice(before->position_, ops_, op->position_);
}

std::vector<Op*> Graph::OpList() const {
  std::vector<Op*> list;
  list.reserve(ops_.size());
  for (const auto& op : ops_) list.push_back(op.get());
  return list;
}

void Graph::AddOutput(Value* value, std::string name) {
  int index = num_outputs();
  outputs_.push_back(GraphOutput{value, std::move(name)});
  if (value) value->AddUse(Use{nullptr, this, index});
}

void Graph::SetOutput(int i, Value* value) {
  Value* old = outputs_[i].value;
  if (old == value) return;
  if (old) old->RemoveUse(Use{nullptr, this, i});
  outputs_[i].value = value;
  if (value) value->AddUse(Use{nullptr, this, i});
}

Graph* Graph::parent_graph() const { return parent_op_ ? parent_op_->graph() : nullptr; }

Graph& Graph::root() {
  Graph* g = this;
  while (g->parent_op_) g = g->parent_op_->graph();
  return *g;
}

const Graph& Graph::root() const {
  const Graph* g = this;
  while (g->parent_op_) g = g->parent_op_->graph();
  return *g;
}

bool Graph::IsVisible(const Value* value) const {
  for (const Graph* g = this; g; g = g->parent_graph()) {
    if (value->graph() == g) return true;
  }
  return false;
}

void Graph::DropAllReferences() {
  // Last to first, so each use removed is the newest of its value (see Value::RemoveUse).
  for (int i = num_outputs() - 1; i >= 0; --i) SetOutput(i, nullptr);
  for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) (*it)->DropAllReferences();
}

}  // namespace kiln::ir
