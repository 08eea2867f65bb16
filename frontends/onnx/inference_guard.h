// Checks a model for the attribute values that crash ONNX 1.12's own shape inference before the
// importer runs it. That code divides by some attributes without checking them: a Conv stride of
// 0 raises SIGFPE inside libonnx, which no try/catch can stop. Import runs shape inference on
// untrusted files, so such a model is rejected first with a one-line error naming the node
// (found by the importer's fuzz target).
//
//   if (Status s = CheckShapeInferenceInputs(model.graph(), "m.onnx"); !s.ok()) return s;
//   // "m.onnx: node 'conv1' (Conv): strides must be positive, got [2,0]"
#pragma once

#include <onnx/onnx_pb.h>

#include <string_view>

#include "ir/status.h"

namespace kiln::onnx_import {

// Checks every node of `graph` and of its subgraphs.
Status CheckShapeInferenceInputs(const onnx::GraphProto& graph, std::string_view file);

}  // namespace kiln::onnx_import
