// Imports the body of an ONNX GraphProto into the graph of an ImportState: initializers become
// constants, the remaining inputs graph inputs, nodes ops (node_import.h), and the outputs are
// recorded; the GraphProto's input, output and value_info types feed result typing.
//
//   ImportState state(graph, shared, opset);
//   if (Status s = ImportGraphBody(model.graph(), state, GraphRole::kRoot); !s.ok()) return s;
#pragma once

#include <onnx/onnx_pb.h>

#include "frontends/onnx/import_state.h"
#include "ir/status.h"

namespace kiln::onnx_import {

enum class GraphRole {
  kRoot,    // the model's graph: inputs and outputs become the Kiln graph's
  kRegion,  // an If branch imported as a region: no inputs, outputs become the region's
  kInline,  // an If branch inlined into the enclosing graph: outputs stay names only
};

// `initializer_data`, when given, is the GraphProto whose initializers hold the data (the
// model as read, when `graph` is a shape-inferred copy with large weights dropped).
Status ImportGraphBody(const onnx::GraphProto& graph, ImportState& state, GraphRole role,
                       const onnx::GraphProto* initializer_data = nullptr);

}  // namespace kiln::onnx_import
