// simplify-shapes: shape arithmetic becomes constants where the dims it reads are static, and
// reshape/expand targets computed from shapes become constant targets that keep symbolic dims
// symbolic (0 = "copy this dim" and -1 = "whatever is left" in ONNX's reshape), so a dynamic
// batch dim is never fixed to the size it had when the model was exported.
//
//   %s = shape(%x : f32[N,128,256]); %d = gather(%s, 1)      ->  %d = const 128
//   reshape(%y : f32[128,N,256], concat(128, N*8, 32))       ->  reshape(%y, const [128,-1,32])
#pragma once

#include "passes/pass.h"

namespace kiln {

class SimplifyShapesPass : public Pass {
 public:
  std::string_view name() const override { return "simplify-shapes"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
