// Batch-norm folding (`fold-batchnorm`): an inference batch_norm is a per-channel affine map
// y = x * s[c] + t[c], with s = scale / sqrt(var + epsilon) and t = bias - mean * s. When x is
// the result of a conv, conv_transpose or gemm that nothing else reads, has no fused
// activation and has f32 constant weights, the map moves into that op's weights and bias
// (created when absent) and the batch_norm disappears. Any other inference batch_norm of a
// ranked operand becomes mul(x, s) then add(., t), with constants shaped [C, 1, ..., 1] so they
// broadcast on channel dim 1.
//
// Matched: training_mode absent or 0, only result 0 used, scale/bias/mean/var f32 constants
// of shape [C]. Folding multiplies conv weights per output channel (conv_transpose: channel
// group * O/g + j), gemm's B per column (either layout), and rewrites gemm's C for beta.
// Computed in double, stored f32. The old weights stay in the pool for `dce`.
// Statistics: batchnorms-folded, batchnorms-decomposed.
//
//   FoldBatchNormPass fold;
//   PassResult r = fold.run(graph, ctx);   // conv -> batch_norm  =>  conv (new weight, bias)
#pragma once

#include "passes/pass.h"

namespace kiln {

class FoldBatchNormPass : public Pass {
 public:
  std::string_view name() const override { return "fold-batchnorm"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
