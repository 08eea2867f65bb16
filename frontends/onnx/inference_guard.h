// Checks a model for the attribute values that crash ONNX 1.12's own shape inference before the
// importer runs it. That code divides by some attributes without checking them: a Conv stride of
// 0 raises SIGFPE inside libonnx, which no try/catch can stop. Import runs shape inference on
// untrusted files, so such a model is rejected first with a one-line error naming the node
// (found by the importer's fuzz target).
//
//   if (Status s = CheckShapeInferenceInputs(model.graph(), "m.onnx"); !s.ok()) return s;
//   // "m.onnx: node 'conv1' (Conv): strides must be positive, got [2,0]"
//
// Other crashes depend on shapes, which only shape inference itself knows: a Conv whose weight
// has another rank than its input makes ONNX read past its own arrays. GuardedSchemaRegistry()
// is ONNX's schema registry with the inference of every window op wrapped in a check of those
// ranks and attribute sizes, which fails that node's inference (an InferenceError, which
// InferShapes catches) instead of letting ONNX's code run:
//
//   onnx::shape_inference::InferShapes(model, &GuardedSchemaRegistry(), options);
#pragma once

#include <onnx/defs/schema.h>
#include <onnx/onnx_pb.h>

#include <string_view>

#include "ir/status.h"

namespace kiln::onnx_import {

// Checks every node of `graph` and of its subgraphs.
Status CheckShapeInferenceInputs(const onnx::GraphProto& graph, std::string_view file);

// ONNX's schemas, the window ops' inference guarded (thread-safe; lives for the process).
const onnx::ISchemaRegistry& GuardedSchemaRegistry();

}  // namespace kiln::onnx_import
