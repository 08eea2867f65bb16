// The last steps of `sink-transposes` (passes/layout/sink_transposes.h), for transposes that
// sank as far as they go: one that only moves size-1 dims becomes a reshape, flatten looks
// through a reshape, and a flatten before a classifier takes a transpose into its weights.
// Each rewrites one op in place or replaces it, and returns the statistic to count (null when
// it did nothing); ops left unused go at once.
//
//   TransposeToReshape(*t);        // transpose [N,1,1,C] -> [N,C,1,1]  =>  reshape(x, [0,C,1,1])
//   FoldFlattenOfReshape(*f);      // flatten(reshape(x [N,1,1,C]), 1)  =>  flatten(x, 1)
//   FoldTransposeIntoWeights(*f);  // gemm(flatten(transpose(x)), w)  =>  gemm(flatten(x), w')
#pragma once

#include "ir/op.h"

namespace kiln {

// (d) A transpose whose non-1 dims keep their order, when no user is a transpose or an op
// that sink-transposes moves transposes past: a reshape to its result shape.
const char* TransposeToReshape(ir::Op& transpose);

// (e) flatten(reshape(x), a) -> flatten(x, a') where x's dims before a' multiply to what the
// reshape's dims before a do, and the rest to the rest (static sizes, or the same symbols).
const char* FoldFlattenOfReshape(ir::Op& flatten);

// (f) flatten(transpose(x, p), 1) with p[0] == 0 and x's other dims static, whose every use
// is operand 0 of gemm (trans_a 0), linear or matmul with a constant 2-D weight: flatten(x),
// and each weight gets its K rows (gemm trans_b 1: columns) permuted to x's order.
const char* FoldTransposeIntoWeights(ir::Op& flatten);

}  // namespace kiln
