// Activation fusion (`fuse-activation`): relu, leaky_relu, clip, hard_sigmoid, hard_swish,
// sigmoid, silu, gelu (approximate "none" or "tanh") or tanh applied to the result of a conv,
// conv_transpose, gemm, matmul or linear becomes that op's fused activation
// (ir/fused_activation.h), so runtimes run both as one kernel. The op takes over the
// activation's result (uses, name, type) and the activation op goes. A conv or linear with a
// residual (`fuse-residual-add`) applies its activation after adding the residual, which is
// where the activation read the sum, so it fuses the same way.
//
// Matched: the op has no activation yet and a float result (f32, f16, ...) that only the
// activation reads, in the same graph; clip's min and max are absent (-/+ FLT_MAX) or
// one-element f32 constants. Quantized results are left alone (the activation would act on
// the real values, not the stored integers). Statistics: activations-fused.
//
//   FuseActivationPass fuse;
//   PassResult r = fuse.run(graph, ctx);   // relu(conv(x, w))  =>  conv(x, w) {activation="relu"}
#pragma once

#include "passes/pass.h"

namespace kiln {

class FuseActivationPass : public Pass {
 public:
  std::string_view name() const override { return "fuse-activation"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
