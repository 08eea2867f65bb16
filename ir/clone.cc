#include "ir/clone.h"

#include <vector>

#include "ir/op.h"

namespace kiln::ir {
namespace {

class Cloner {
 public:
  explicit Cloner(ValueMap& map) : map_(map) {}

  void CopyPool(const Graph& from, Graph& to) {
    for (const std::unique_ptr<Constant>& c : from.pool().entries()) {
      entries_[c.get()] = to.pool().Add(c->name, c->type, c->data);
    }
  }

  // Constants, ops (recursively) and outputs; inputs are added by the caller (regions' inputs
  // are created the same way).
  void CopyBody(const Graph& from, Graph& to) {
    for (int i = 0; i < from.num_inputs(); ++i) {
      const Value* v = from.input(i);
      Value* copy = to.AddInput(v->name(), v->type());
      map_[v] = copy;
    }
    for (int i = 0; i < from.num_constants(); ++i) {
      const Value* v = from.constant(i);
      Value* copy = to.AddConstantRef(entries_.at(v->constant()));
      copy->set_name(v->name());
      map_[v] = copy;
    }
    for (const Op* op : from.ops()) {
      std::vector<Value*> operands;
      operands.reserve(op->num_operands());
      for (const Value* v : op->operands()) operands.push_back(v == nullptr ? nullptr : map_.at(v));
      std::vector<const TensorType*> result_types;
      for (int i = 0; i < op->num_results(); ++i) result_types.push_back(op->result(i)->type());
      Op* copy = to.CreateOp(op->kind(), std::move(operands), result_types, op->attrs());
      copy->set_name(op->name());
      for (int i = 0; i < op->num_results(); ++i) {
        copy->result(i)->set_name(op->result(i)->name());
        map_[op->result(i)] = copy->result(i);
      }
      for (int r = 0; r < op->num_regions(); ++r) {
        CopyBody(op->region(r), copy->AddRegion(op->region(r).name()));
      }
    }
    for (int i = 0; i < from.num_outputs(); ++i) {
      to.AddOutput(map_.at(from.output(i)), from.output_name(i));
    }
  }

 private:
  ValueMap& map_;
  std::unordered_map<const Constant*, Constant*> entries_;
};

}  // namespace

std::unique_ptr<Graph> CloneGraph(const Graph& graph, ValueMap* map) {
  ValueMap local;
  ValueMap& m = map ? *map : local;
  auto copy = std::make_unique<Graph>(graph.context(), graph.name());
  Cloner cloner(m);
  cloner.CopyPool(graph, *copy);
  cloner.CopyBody(graph, *copy);
  return copy;
}

}  // namespace kiln::ir
