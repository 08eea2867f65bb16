#include "passes/shapes/infer_shapes.h"

#include <optional>
#include <vector>

#include "passes/pass_context.h"
#include "passes/shapes/shape_inference.h"

namespace kiln {
namespace {

// Refines the result types of the ops of `graph` (and of its regions) in program order, so a
// refined type feeds the rules of the ops after it. Returns how many types changed.
int64_t RefineGraph(ir::Graph& graph, int64_t& conflicts) {
  int64_t refined = 0;
  ir::Context& ctx = graph.context();
  for (ir::Op* op : graph.ops()) {
    for (int r = 0; r < op->num_regions(); ++r) refined += RefineGraph(op->region(r), conflicts);
    std::vector<std::optional<ir::Shape>> shapes = InferResultShapes(*op);
    for (int i = 0; i < op->num_results() && i < static_cast<int>(shapes.size()); ++i) {
      if (!shapes[i]) continue;
      ir::Value* result = op->result(i);
      const ir::TensorType* type = result->type();
      std::optional<ir::Shape> merged = MergeShapes(type->shape(), *shapes[i]);
      if (!merged) {
        ++conflicts;
        continue;
      }
      if (*merged == type->shape()) continue;
      result->set_type(ctx.GetType(type->scalar(), std::move(*merged), type->quant()));
      ++refined;
    }
  }
  return refined;
}

}  // namespace

PassResult InferShapesPass::run(ir::Graph& graph, PassContext& ctx) {
  int64_t conflicts = 0;
  const int64_t refined = RefineGraph(graph, conflicts);
  ctx.AddStatistic("types-refined", refined);
  if (conflicts > 0) ctx.AddStatistic("conflicts-kept", conflicts);
  return PassResult::ChangedIf(refined > 0);
}

}  // namespace kiln
