// Common subexpression elimination (`cse`): merges ops that compute the same thing, and
// constants that hold the same bytes.
//
// Two ops are the same when they have the same kind, operands (in any order for commutative
// ops), attributes (floats compared bit for bit) and result types, and no regions. The first
// in program order survives; later ones' results are replaced by its results and erased. Ops
// in a region may reuse ops of enclosing graphs defined before the region's op, never the
// other way round. Constants merge when type and bytes agree; their pool entries are left
// for `dce` to prune. Statistics: ops-merged, constants-merged.
//
//   CommonSubexpressionEliminationPass cse;
//   PassResult r = cse.run(graph, ctx);   // then `dce` drops the unreferenced pool entries
#pragma once

#include "passes/pass.h"

namespace kiln {

class CommonSubexpressionEliminationPass : public Pass {
 public:
  std::string_view name() const override { return "cse"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
