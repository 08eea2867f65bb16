// Transpose sinking (`sink-transposes`): moves transposes down the graph until they meet and
// cancel, so that after `channels-last` a whole chain of convs, activations, residual adds and
// pools stays NHWC with one transpose at the input. Rewrites, repeated until none applies:
//
//  (a) transpose(transpose(x, p), q) becomes transpose(x, p[q[i]]), or x itself when that is
//      the identity;
//  (b) a unary elementwise op (kUnaryElementwise; clip with absent or one-element bounds) of
//      transpose(x, p) becomes transpose(op(x), p), when the transpose has no other user;
//  (c) add, sub, mul, div, min, max, pow of two operands of one rank: of transpose(a, p) and
//      transpose(b, p), or of transpose(a, p) and a constant (permuted to match: a per-channel
//      [C,1,1] under perm [0,3,1,2] becomes [C]; one element stays as it is), becomes
//      transpose(op(a, b'), p), when that removes at least as many transposes as it adds;
//  (d) a transpose that only moves size-1 dims (the others keep their order) becomes a
//      reshape to its result shape (a new i64 constant; 0 copies a symbolic dim in place),
//      once no user could take it further (no transpose, elementwise unary or binary user);
//  (e) flatten(reshape(x)) becomes flatten(x) with the axis that splits x into the same two
//      products, where there is one;
//  (f) flatten(transpose(x, p), axis 1) with p[0] == 0, read only as operand 0 of gemm
//      (trans_a 0), linear or matmul with a constant 2-D weight, becomes flatten(x) with the
//      weights' K rows permuted to match (the classifier after the last NHWC pool).
// Types must be unquantized or per-tensor quantized, results ranked; new ops get exact types.
// Ops left unused by a rewrite go at once (with the transposes and reshapes that fed only
// them). Statistics: transposes-merged, transposes-cancelled, ops-sunk-past,
// transposes-to-reshapes, flattens-folded, transposes-into-weights.
//
//   infer-shapes,channels-last,fixpoint(sink-transposes,eliminate-noops,infer-shapes,cse,dce)
#pragma once

#include "passes/pass.h"

namespace kiln {

class SinkTransposesPass : public Pass {
 public:
  std::string_view name() const override { return "sink-transposes"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
