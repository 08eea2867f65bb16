// HardSwish recognition (`recognize-hardswish`): the spelled-out forms of hard_swish and
// hard_sigmoid become one op.
//
//   x * hard_sigmoid(x) {alpha=1/6, beta=0.5}       => hard_swish(x)   (torch, opset < 14)
//   x * clip(x + 3, 0, 6) / 6, as (x * c) / 6,
//     (x * c) * (1/6), or x * (c / 6)               => hard_swish(x)   (x * relu6(x + 3) / 6)
//   clip(x + 3, 0, 6) / 6  (or * 1/6)               => hard_sigmoid(x) {alpha=1/6, beta=0.5}
//
// The clip may read relu(x + 3) (torch 1.13 exports relu6 so). Operands of add and mul in
// either order; constants within a relative 1e-6. x * (c / 6) becomes x * hard_sigmoid(x)
// first, then hard_swish, in one run. Every intermediate value must have no other user and
// not be a graph output. Statistics: hard-swishes-recognized, hard-sigmoids-recognized.
//
//   RecognizeHardSwishPass hard_swish;
//   PassResult r = hard_swish.run(graph, ctx);
#pragma once

#include "passes/pass.h"

namespace kiln {

class RecognizeHardSwishPass : public Pass {
 public:
  std::string_view name() const override { return "recognize-hardswish"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
