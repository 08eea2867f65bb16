// Quantized-op expansion (`expand-quantized`): the inverse of fold-qdq for the ops a target
// cannot run on quantized types. Such an op reads dequantize(v) for each quantized operand v
// and writes a float result, which a new quantize turns back into the quantized type its
// users expect. The numbers do not change (docs/ir.md: an op on quantized types computes on
// the real values, and that is what the expanded form computes). quantize and dequantize
// themselves are never expanded; each quantized value is dequantized once and shared, a
// quantized constant at compile time (a float constant of its real values replaces it).
//
//   %y = max_pool(%xq) : u8<..>           %x = dequantize(%xq)  %f = max_pool(%x) : f32
//                                   =>    %y = quantize(%f) : u8<..>
//
//   pm.AddPass(std::make_unique<ExpandQuantizedPass>(
//       [](const ir::Op& op) { return op.kind() == ir::OpKind::kConv; }));
//
// Registered as `expand-quantized` with no op kept quantized. Statistics: ops-expanded.
#pragma once

#include <functional>

#include "passes/pass.h"

namespace kiln {

class ExpandQuantizedPass : public Pass {
 public:
  // True for an op the target runs on its quantized types as they are.
  using Keeps = std::function<bool(const ir::Op&)>;

  explicit ExpandQuantizedPass(Keeps keeps = nullptr) : keeps_(std::move(keeps)) {}
  std::string_view name() const override { return "expand-quantized"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;

 private:
  Keeps keeps_;
};

}  // namespace kiln
