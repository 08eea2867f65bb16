// Old opsets read by their own semantics and expressed in today's ops: attributes that later
// opsets turned into inputs become constant operands (Pad-2's pads and value, Slice-1's starts
// and ends, Clip-6's min and max, Dropout's ratio), Upsample becomes resize, Resize-10 gets
// its implied modes, and attributes that only steered training go (BatchNormalization's
// is_test and consumed_inputs).
//
//   PendingOp op{OpKind::kPad, {x}, attrs, {type}};     // from a Pad-2 node
//   if (Status s = ApplyLegacyForm(node, state, op); !s.ok()) return s;
//   // op.operands == {x, pads_constant, value_constant}
#pragma once

#include <onnx/onnx_pb.h>

#include "frontends/onnx/node_import.h"

namespace kiln::onnx_import {

// Rewrites `op` (made from `node` at `state.opset`) into the current form; a no-op for nodes
// that are already current.
Status ApplyLegacyForm(const onnx::NodeProto& node, ImportState& state, PendingOp& op);

// True for Softmax/LogSoftmax before opset 13 whose axis is not the last one: these coerce the
// input to 2-D, which ImportCoercedSoftmax expresses as flatten + softmax + reshape.
bool NeedsCoercedSoftmax(const ImportState& state, const PendingOp& op);
Status ImportCoercedSoftmax(const onnx::NodeProto& node, ImportState& state, PendingOp& op);

}  // namespace kiln::onnx_import
