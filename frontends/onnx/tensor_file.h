// Reads a serialized ONNX TensorProto file (such as an ONNX test's
// test_data_set_0/input_0.pb) as a Kiln type and bytes, without exposing ONNX types.
//
//   ir::Context ctx;
//   Expected<ImportedTensor> t = ReadTensorProtoFile("test_data_set_0/input_0.pb", ctx);
//   if (t) std::cout << t->name << ": " << t->type->ToString() << "\n";
#pragma once

#include <string>

#include "frontends/onnx/imported_tensor.h"
#include "ir/context.h"
#include "ir/status.h"

namespace kiln::onnx_import {

// External data is read relative to the file's directory. Errors name the file.
Expected<ImportedTensor> ReadTensorProtoFile(const std::string& path, ir::Context& ctx);

}  // namespace kiln::onnx_import

namespace kiln {
using onnx_import::ImportedTensor;
using onnx_import::ReadTensorProtoFile;
}  // namespace kiln
