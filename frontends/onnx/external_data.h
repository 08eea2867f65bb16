// Reads tensors stored outside the .onnx file (TensorProto.data_location == EXTERNAL), the way
// models beyond protobuf's 2 GB limit keep their weights. The bytes are memory-mapped and the
// mapping lives as long as the returned TensorData.
//
// A location must be relative, contain no "..", and resolve (symlinks included) inside the
// model's directory; offset and length must lie within the file.
//
//   Expected<std::shared_ptr<const ir::TensorData>> d =
//       ReadExternalData(tensor_proto, "/models/bert", /*expected_bytes=*/4096);
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <memory>
#include <string>

#include "ir/status.h"
#include "ir/tensor_data.h"

namespace kiln::onnx_import {

// Errors are phrased to follow "tensor 'w': ". An empty `model_dir` means the model came from
// memory, with no directory to read from.
Expected<std::shared_ptr<const ir::TensorData>> ReadExternalData(const onnx::TensorProto& tensor,
                                                                 const std::string& model_dir,
                                                                 int64_t expected_bytes);

}  // namespace kiln::onnx_import
