// Pad fusion (`fuse-pad-conv`): conv(pad(x, pads)) with zero constant padding of the spatial
// dims becomes conv(x) with the pad amounts added to the conv's `pads` attribute, since a
// conv pads with zeros itself. ONNX pads are [d0_begin, d1_begin, ..., d0_end, ...] (for the
// dims in `axes` when given); conv pads are [x1_begin, x2_begin, ..., x1_end, x2_end] over the
// spatial dims only.
//
// Matched: mode "constant" (or absent), constant_value absent or a constant 0, pads (and
// axes) int constants with no padding on dims 0 and 1 and none negative, a ranked non-quantized
// x of rank >= 3, and every use of the pad's result is operand 0 of a conv whose auto_pad is
// absent or "NOTSET" (pooling is not a conv: an average pool would count the pads). All those
// convs change and the pad goes. Statistics: pads-fused.
//
//   FusePadConvPass fuse;
//   PassResult r = fuse.run(graph, ctx);
//   // conv(pad(x, [0,0,1,1,0,0,1,1]))  =>  conv(x) {pads=[1,1,1,1]}
#pragma once

#include "passes/pass.h"

namespace kiln {

class FusePadConvPass : public Pass {
 public:
  std::string_view name() const override { return "fuse-pad-conv"; }
  PassResult run(ir::Graph& graph, PassContext& ctx) override;
};

}  // namespace kiln
