// Channels-last layout (`channels-last`): every conv, max_pool, average_pool,
// global_average_pool and global_max_pool in layout NCHW whose input and result have rank 4
// becomes its NHWC form (ir/layout.h) between two transposes:
//
//   y = conv(x, w, b)   =>   xt = transpose(x) {perm=[0,2,3,1]}
//                            yt = conv(xt, w', b) {layout="NHWC"}   (named like y)
//                            y  = transpose(yt) {perm=[0,3,1,2]}   (takes over y's uses)
//
// A conv's weight must be a constant of static shape [O, I/g, kh, kw] (O a multiple of group);
// it is repacked into a new constant w' in XNNPACK's layout: [1, kh, kw, O] when depthwise
// (group > 1 and I/g == 1), else [O, kh, kw, I/g]; a weight that is dequantize(@codes) of
// constant codes (weight-only quantization) reads a new dequantize of the repacked codes. The
// old weight is left for `dce`. Bias and
// fused activation stay; a conv with a residual operand is skipped, and so is a max_pool whose
// indices are used. Types must be unquantized or per-tensor quantized (a per-axis weight along
// O is kept). Result types are exact: the old result's shape permuted, refined by shape
// inference. The transposes are for `sink-transposes` to move and cancel:
//
//   infer-shapes,channels-last,fixpoint(sink-transposes,eliminate-noops,infer-shapes,cse,dce)
//
// (the registered pipeline `nhwc`). Statistics: convs-made-nhwc, pools-made-nhwc.
#pragma once

#include "passes/pass.h"

namespace kiln {

class ChannelsLastPass : public Pass {
 public:
  std::string_view name() const override { return "channels-last"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
