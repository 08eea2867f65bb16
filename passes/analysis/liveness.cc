#include "passes/analysis/liveness.h"

#include <algorithm>
#include <cassert>

namespace kiln {
namespace {

// The op of `graph` that contains `op` (itself, or the op whose region nests it).
const ir::Op* AncestorIn(const ir::Graph& graph, const ir::Op* op) {
  while (op && op->graph() != &graph) op = op->graph()->parent_op();
  return op;
}

}  // namespace

Liveness::Liveness(const ir::Graph& graph) {
  for (const ir::Op* op : graph.ops()) {
    op_index_[op] = num_ops();
    ops_.push_back(op);
  }
  for (int i = 0; i < graph.num_inputs(); ++i) values_.push_back(graph.input(i));
  for (int i = 0; i < graph.num_constants(); ++i) values_.push_back(graph.constant(i));
  for (const ir::Op* op : ops_) {
    for (int r = 0; r < op->num_results(); ++r) values_.push_back(op->result(r));
  }

  for (const ir::Value* value : values_) {
    int def = value->producer() ? op_index_.at(value->producer()) : -1;
    int last_use = def;
    for (const ir::Use& use : value->uses()) {
      if (use.is_graph_output()) {
        // An output of a region (the value is visible there) ends with its region's op.
        const ir::Op* region_op = AncestorIn(graph, use.graph->parent_op());
        last_use = std::max(last_use, region_op ? op_index_.at(region_op) : num_ops());
      } else {
        const ir::Op* user = AncestorIn(graph, use.op);
        assert(user && "a use outside the graph that defines the value");
        last_use = std::max(last_use, op_index_.at(user));
      }
    }
    intervals_.emplace(value, Interval{def, last_use});
  }
}

int Liveness::OpIndex(const ir::Op* op) const {
  auto it = op_index_.find(op);
  assert(it != op_index_.end() && "op not in the analysed graph");
  return it->second;
}

Liveness::Interval Liveness::Get(const ir::Value* value) const {
  auto it = intervals_.find(value);
  assert(it != intervals_.end() && "value not in the analysed graph");
  return it->second;
}

bool Liveness::Interferes(const ir::Value* a, const ir::Value* b) const {
  Interval x = Get(a);
  Interval y = Get(b);
  return x.def <= y.last_use && y.def <= x.last_use;
}

}  // namespace kiln
