// Which ops the edge runtime runs on quantized types as they are, as nodes of its XNNPACK
// Subgraphs (docs/quantization.md, "Edge lowering"); the legalization expands every other op on
// quantized types to dequantize -> float op -> quantize (passes/quantize/expand_quantized.h).
// The edge scheme is asymmetric s8 (passes/quantize/quant_plan.h): XNNPACK's qs8 with zero
// points, per-channel (qc8) weights.
//
//   - quantize (f32 -> u8/i8 per tensor) and dequantize (u8/i8 per tensor -> f32): XNNPACK's
//     convert nodes; and any dequantize of a packed constant (codegen/packed_constant.h), which
//     the runtime decodes when it loads the model;
//   - conv with an i8 per-tensor input (any zero point), constant i8 weights of zero point 0
//     (per tensor, or per output channel: axis 0, axis 3 for an NHWC depthwise weight
//     [1, kh, kw, C_out]), an optional constant i32 bias of zero point 0, an i8 per-tensor
//     result, no residual, and no fused activation but relu or clip (the node's output clamp);
//   - add of i8 per-tensor operands to an i8 per-tensor result (each on its own grid), no fused
//     activation;
//   - max_pool of u8/i8 per tensor to the same grid;
//   - reshape, flatten, squeeze, unsqueeze, identity, transpose of one type to the same: byte
//     copies.
//
//   if (Status s = CheckEdgeQuantized(op); !s.ok()) ...   // "conv with a u8 input ..."
#pragma once

#include "ir/op.h"
#include "ir/status.h"

namespace kiln::codegen {

// Ok when the edge runtime runs `op` on its quantized types, else one line saying why not.
Status CheckEdgeQuantized(const ir::Op& op);

}  // namespace kiln::codegen
