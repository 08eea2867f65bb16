// Imports an ONNX model (ONNX 1.12: opsets up to 17, IR version up to 8) into a Kiln graph.
//
// Initializers and `Constant` nodes become constants (pool names are the ONNX names), value
// names are ONNX tensor names, op names are node names, and ONNX shape inference fills in
// types the model leaves out. Where ONNX passes compile-time facts as inputs (ReduceSum and
// Squeeze axes, quantization scales, Cast's `to`), they become attributes or types, as
// ir/ops.def describes. The graph verifies (ir::VerifyGraph) or the import fails.
// Every failure is one line naming the file and, where there is one, the node:
// "model.onnx: node 'Conv_3' (ConvInteger): unsupported op".
//
//   ir::Context ctx;
//   Expected<std::unique_ptr<ir::Graph>> g = ImportOnnxFile("model.onnx", ctx);
//   if (!g) { std::cerr << g.error().message() << "\n"; return 1; }
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "ir/context.h"
#include "ir/graph.h"
#include "ir/status.h"

namespace kiln::onnx_import {

Expected<std::unique_ptr<ir::Graph>> ImportOnnxFile(const std::string& path, ir::Context& ctx);

// `bytes` is a serialized ModelProto; `name_for_errors` stands in for the file name.
Expected<std::unique_ptr<ir::Graph>> ImportOnnxBytes(std::string_view bytes,
                                                     std::string_view name_for_errors,
                                                     ir::Context& ctx);

}  // namespace kiln::onnx_import

namespace kiln {
using onnx_import::ImportOnnxBytes;
using onnx_import::ImportOnnxFile;
}  // namespace kiln
