// GELU recognition (`recognize-gelu`): GELU spelled out in basic ops becomes one `gelu` op.
//
//   0.5 * x * (1 + erf(x / sqrt(2)))                       => gelu(x)
//   0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))  => gelu(x) {approximate="tanh"}
//
// The three factors may be grouped either way, as torch writes it
// (Mul(Mul(x, Add(Erf(Div(x, 1.4142135)), 1)), 0.5)) and as Kiln's ONNX exporter does
// (Mul(Mul(x, 0.5), Add(Erf(Div(x, sqrt2)), 1))); x / sqrt(2) may be x * 0.70710678, and x^3
// pow(x, 3) or x * x * x. Operands of add and mul in either order; constants within a
// relative 1e-6 (they are f32 roundings). Every intermediate value must have no other user
// and not be a graph output. Statistic: gelus-recognized.
//
//   RecognizeGeluPass gelu;
//   PassResult r = gelu.run(graph, ctx);
#pragma once

#include "passes/pass.h"

namespace kiln {

class RecognizeGeluPass : public Pass {
 public:
  std::string_view name() const override { return "recognize-gelu"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
