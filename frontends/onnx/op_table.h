// Which ONNX op (default domain) becomes which Kiln op, and how ONNX attribute names map to
// ops.def names. Ops that need more than a rename (axes inputs, Cast, quantization, ...) are
// handled in node_import.cc; this table only says where they go.
//
//   std::optional<ir::OpKind> k = OpKindForOnnx("Gemm");   // OpKind::kGemm
//   std::string_view a = KilnAttrName("transA");            // "trans_a"
//   std::string_view none = KilnAttrName("alpha");          // "alpha" (already snake_case)
#pragma once

#include <optional>
#include <string_view>

#include "ir/op_kind.h"

namespace kiln::onnx_import {

std::optional<ir::OpKind> OpKindForOnnx(std::string_view onnx_op_type);
std::string_view KilnAttrName(std::string_view onnx_attr_name);

}  // namespace kiln::onnx_import
