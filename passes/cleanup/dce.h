// Dead code elimination (`dce`): removes ops whose results nobody uses, constants nobody
// uses, and constant pool entries no constant refers to. Graph inputs always stay.
//
// Every Kiln op is pure, so an op is dead exactly when its results are unused. Ops are
// visited last to first, so a whole dead chain goes in one run; regions are cleaned too.
// Statistics: ops-removed, constants-removed, pool-entries-removed.
//
//   DeadCodeEliminationPass dce;
//   PassResult r = dce.run(graph, ctx);   // r.changed() when anything was removed
#pragma once

#include "passes/pass.h"

namespace kiln {

class DeadCodeEliminationPass : public Pass {
 public:
  std::string_view name() const override { return "dce"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
