// QuantizeLinear/DequantizeLinear → quantize/dequantize: the constant scale and zero point
// operands become the QuantSpec of the quantized type (per-tensor or per-axis).
//
//   PendingOp op{OpKind::kQuantize, {x, scale, zero_point}, attrs, {u8_type}};
//   if (Status s = ApplyQuantization(node, state, op); !s.ok()) return s;
//   // op.operands == {x}; op.result_types[0] is u8<per_axis axis=0 scales=[...]>[...]
#pragma once

#include <onnx/onnx_pb.h>

#include "frontends/onnx/node_import.h"

namespace kiln::onnx_import {

// For dequantize, the operand's own type becomes quantized (a constant's pool entry too); an
// operand that already carries a different spec is an error.
Status ApplyQuantization(const onnx::NodeProto& node, ImportState& state, PendingOp& op);

}  // namespace kiln::onnx_import
