// Bias fusion (`fuse-conv-bias`): add(conv(x, w, b), d) where d is an f32 constant that is the
// same across everything but the output channel (shape [C,1,1], [1,C,1,1], ...; or one element,
// added to every channel) becomes conv(x, w, b + d). Likewise for conv_transpose, and for
// add(gemm(a, b, c), d) with d of shape [N] or [1,N] (or one element): d joins gemm's C
// (C' = beta * C + d, beta set to 1). The add may have the constant on either side.
//
// Matched: the conv/gemm has no fused activation, a plain f32 result used only by the add,
// and a bias (or C) that is absent or an f32 constant. The old bias stays in the pool for
// `dce`. Statistics: biases-fused.
//
//   FuseConvBiasPass fuse;
//   PassResult r = fuse.run(graph, ctx);   // add(conv(x, w), d[C,1,1])  =>  conv(x, w, d')
#pragma once

#include "passes/pass.h"

namespace kiln {

class FuseConvBiasPass : public Pass {
 public:
  std::string_view name() const override { return "fuse-conv-bias"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
