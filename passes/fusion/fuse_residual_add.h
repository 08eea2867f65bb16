// Residual-add fusion (`fuse-residual-add`): add(conv(x, w, b), r), or add(r, conv(...)),
// becomes conv(x, w, b, r): the conv adds r to its result itself (ir/fused_activation.h), which
// a runtime executes as one kernel (oneDNN's "sum" post-op writes the conv's result onto r's
// buffer). The same for linear, the residual connections of a transformer. The conv takes over
// the add's result (uses, name) and the add goes; a relu after the add can then be fused by
// `fuse-activation` (y = relu(conv + r)).
//
// Matched: the conv or linear has no residual and no fused activation yet (an activation
// before the add cannot move after it), a plain f32 result that only the add reads, in the
// add's graph; r has exactly the add's result type, which is also the conv's, ranked and with
// no `?` dim (so nothing broadcasts either way), and is defined before the conv. When both operands
// could be the conv (two convs), the one later in program order takes the earlier one as its
// residual: the earlier value is the one a memory planner can overwrite in place. Statistics:
// residual-adds-fused.
//
// Not in the `optimize` pipeline: targets whose kernels take a residual run it when they
// legalize the graph.
//
//   FuseResidualAddPass fuse;
//   PassResult r = fuse.run(graph, ctx);   // add(conv(x, w, b), r)  =>  conv(x, w, b, r)
#pragma once

#include "passes/pass.h"

namespace kiln {

class FuseResidualAddPass : public Pass {
 public:
  std::string_view name() const override { return "fuse-residual-add"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
