// Linear formation (`fuse-linear`): add(matmul(x, w), b), or add(b, matmul(x, w)) as torch
// exports it, where w is an f32 constant [K, N] and b an f32 constant that varies along the
// last dim only ([N], [1,N], [1,1,N], ... with no more dims than the result; or one element)
// becomes linear(x, w, b') with b' of shape [N]. The linear takes over the add's result (its
// uses, name and type); the matmul and the add go.
//
// Matched: the matmul has no fused activation, a plain f32 result used only by the add, and
// a ranked x of rank >= 1. Statistics: linears-formed.
//
//   FuseLinearPass fuse;
//   PassResult r = fuse.run(graph, ctx);   // add(b, matmul(x, w))  =>  linear(x, w, b)
#pragma once

#include "passes/pass.h"

namespace kiln {

class FuseLinearPass : public Pass {
 public:
  std::string_view name() const override { return "fuse-linear"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
