#include "codegen/materialize_outputs.h"

#include <unordered_set>

namespace kiln::codegen {

int MaterializeGraphOutputs(ir::Graph& graph) {
  int added = 0;
  std::unordered_set<const ir::Value*> seen;
  for (int i = 0; i < graph.num_outputs(); ++i) {
    ir::Value* value = graph.output(i);
    if (value->is_op_result() && seen.insert(value).second) continue;
    ir::Op* copy = graph.CreateOp(ir::OpKind::kIdentity, {value}, {value->type()});
    graph.SetOutput(i, copy->result(0));
    seen.insert(copy->result(0));
    ++added;
  }
  return added;
}

}  // namespace kiln::codegen
