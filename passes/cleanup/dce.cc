#include "passes/cleanup/dce.h"

#include <vector>

#include "passes/pass_context.h"

namespace kiln {
namespace {

struct Removed {
  int ops = 0;
  int constants = 0;
};

void EliminateDeadCode(ir::Graph& graph, Removed& removed) {
  std::vector<ir::Op*> ops = graph.OpList();
  for (auto it = ops.rbegin(); it != ops.rend(); ++it) {
    ir::Op* op = *it;
    if (!op->has_result_uses()) {
      graph.EraseOp(op);
      ++removed.ops;
      continue;
    }
    // A region's dead ops may hold the last uses of values defined above this op, so clean
    // it before visiting the ops above.
    for (int r = 0; r < op->num_regions(); ++r) EliminateDeadCode(op->region(r), removed);
  }
  // Constants are used only by ops of this graph and its regions, all visited by now.
  for (int i = graph.num_constants() - 1; i >= 0; --i) {
    if (!graph.constant(i)->has_uses()) {
      graph.EraseConstant(graph.constant(i));
      ++removed.constants;
    }
  }
}

}  // namespace

PassResult DeadCodeEliminationPass::run(ir::Graph& graph, PassContext& ctx) {
  Removed removed;
  EliminateDeadCode(graph, removed);
  int pruned = graph.root().PrunePool();
  if (removed.ops) ctx.AddStatistic("ops-removed", removed.ops);
  if (removed.constants) ctx.AddStatistic("constants-removed", removed.constants);
  if (pruned) ctx.AddStatistic("pool-entries-removed", pruned);
  return PassResult::ChangedIf(removed.ops || removed.constants || pruned);
}

}  // namespace kiln
