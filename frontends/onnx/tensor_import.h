// Turns an ONNX TensorProto (an initializer or a Constant node's value) into a Kiln type and
// dense little-endian bytes, from raw_data, the typed repeated fields, or external data.
//
//   Expected<ImportedTensor> t = ImportTensor(proto, ctx, model_dir);
//   if (!t) return t.error();   // "tensor 'w': unsupported dtype DOUBLE"
//   graph.AddConstant(t->type, t->data, t->name);
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "frontends/onnx/imported_tensor.h"
#include "ir/context.h"
#include "ir/status.h"

namespace kiln::onnx_import {

// Sizes are checked against the data actually present before anything is allocated, so a
// hostile header cannot make this allocate more than the message already holds. External data
// is read relative to `model_dir` (external_data.h); empty means none may be read.
Expected<ImportedTensor> ImportTensor(const onnx::TensorProto& tensor, ir::Context& ctx,
                                      const std::string& model_dir = "");

}  // namespace kiln::onnx_import
