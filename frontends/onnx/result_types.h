// The Kiln type of each result of an imported node: from ONNX shape inference where it
// succeeded, else from what the op's ONNX schema says (an output shares its type constraint
// with an input, or the constraint allows one type), with an unranked shape.
//
//   Expected<const ir::TensorType*> t = NodeResultType(node, 0, kind, operands, state);
//   if (!t) return t.error();  // "m.onnx: node 'n' (Foo): tensor 'y' has no known type"
#pragma once

#include <onnx/onnx_pb.h>

#include <vector>

#include "frontends/onnx/import_state.h"
#include "ir/op_kind.h"

namespace kiln::onnx_import {

Expected<const ir::TensorType*> NodeResultType(const onnx::NodeProto& node, int index,
                                               ir::OpKind kind,
                                               const std::vector<ir::Value*>& operands,
                                               const ImportState& state);

}  // namespace kiln::onnx_import
