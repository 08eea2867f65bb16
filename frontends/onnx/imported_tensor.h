// A tensor read from ONNX (an initializer, a Constant node's value, or a TensorProto file),
// in Kiln terms only: its type, its bytes and its ONNX name.
//
//   Expected<ImportedTensor> t = ReadTensorProtoFile("test_data_set_0/input_0.pb", ctx);
//   graph.AddConstant(t->type, t->data, t->name);
#pragma once

#include <memory>
#include <string>

#include "ir/tensor_data.h"
#include "ir/tensor_type.h"

namespace kiln::onnx_import {

struct ImportedTensor {
  const ir::TensorType* type = nullptr;        // static shape
  std::shared_ptr<const ir::TensorData> data;  // dense row-major bytes of `type`
  std::string name;                            // the TensorProto's name; may be empty
};

}  // namespace kiln::onnx_import
