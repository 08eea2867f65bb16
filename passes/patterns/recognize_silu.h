// SiLU recognition (`recognize-silu`): x * sigmoid(x), the way exporters write SiLU (Swish),
// becomes one `silu(x)` op. Either operand order; the sigmoid's result must have no other
// user and not be a graph output. Statistic: silus-recognized.
//
//   RecognizeSiluPass silu;
//   PassResult r = silu.run(graph, ctx);   // mul(%x, sigmoid(%x))  =>  silu(%x)
#pragma once

#include "passes/pass.h"

namespace kiln {

class RecognizeSiluPass : public Pass {
 public:
  std::string_view name() const override { return "recognize-silu"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
