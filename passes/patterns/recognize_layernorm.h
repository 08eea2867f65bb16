// LayerNorm recognition (`recognize-layernorm`): layer normalization as torch exports it
// before opset 17 becomes one `layer_norm` op.
//
//   mean = reduce_mean(x) {axes}      d = sub(x, mean)      p = pow(d, 2)  (or mul(d, d))
//   var = reduce_mean(p) {axes}       s = sqrt(add(var, eps))
//   n = div(d, s)  (or mul(d, reciprocal(s)))
//   y = add(mul(n, gamma), beta)      (gamma and beta optional)
//     => layer_norm(x, gamma, beta) {axis=A, epsilon=eps}
//
// The axes (negative or not, keepdims 1) must be the trailing axes A..rank-1 of a ranked f32
// x whose normalized dims are static; eps and the exponent 2 are one-element constants;
// gamma and beta are f32 constants that broadcast only over the normalized dims ([D],
// [1,1,D], a scalar), given to layer_norm in the normalized shape (new constants unless
// they already have it). Without gamma, layer_norm gets a constant of ones (ONNX
// LayerNormalization requires a scale); without beta, none. Operands of add and mul in
// either order. Every intermediate value must have no user outside the pattern and not be a
// graph output. Statistic: layernorms-recognized.
//
//   RecognizeLayerNormPass layernorm;
//   PassResult r = layernorm.run(graph, ctx);
#pragma once

#include "passes/pass.h"

namespace kiln {

class RecognizeLayerNormPass : public Pass {
 public:
  std::string_view name() const override { return "recognize-layernorm"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
