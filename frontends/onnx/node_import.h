// Imports one ONNX node into Kiln ops: operands by name, ONNX attributes renamed to ops.def's,
// and the deliberate differences of ir/ops.def applied (axes inputs become attributes, Cast's
// `to` becomes the result type, QuantizeLinear/DequantizeLinear scales move into QuantSpecs,
// ConstantOfShape's tensor becomes a float). `Constant` nodes become constants, `If` nodes
// get regions (if_import.h), old opsets are rewritten (legacy_ops.h) and ops with an ONNX
// function body but no Kiln kind are inlined (function_inline.h).
//
//   ImportState state(graph, shared, /*opset=*/13);
//   for (const onnx::NodeProto& node : graph_proto.node())
//     if (Status s = ImportNode(node, state); !s.ok()) return s;
#pragma once

#include <onnx/onnx_pb.h>

#include <vector>

#include "frontends/onnx/import_state.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::onnx_import {

// An op about to be created; per-op rules rewrite it before it is checked and added.
struct PendingOp {
  ir::OpKind kind;
  std::vector<ir::Value*> operands;  // null for an absent optional operand
  ir::AttrMap attrs;
  std::vector<const ir::TensorType*> result_types;
};

Status ImportNode(const onnx::NodeProto& node, ImportState& state);

}  // namespace kiln::onnx_import
