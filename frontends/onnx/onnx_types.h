// Maps ONNX element types, shapes and TypeProtos onto Kiln's ScalarType, Shape and TensorType.
//
//   std::optional<ir::ScalarType> s = ScalarTypeFromOnnx(onnx::TensorProto::FLOAT);  // kF32
//   Expected<ir::Shape> shape = ShapeFromOnnx(type_proto.tensor_type().shape());
//   Expected<const ir::TensorType*> t = TensorTypeFromOnnx(type_proto, ctx, "x");
//   onnx::TypeProto back = OnnxTypeFromKiln(**t);
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ir/context.h"
#include "ir/status.h"

namespace kiln::onnx_import {

// Dims larger than this are rejected as absurd (matches the textual IR's limit).
inline constexpr int64_t kMaxDim = int64_t{1} << 40;

// Null for ONNX element types Kiln has no scalar type for (double, string, uint16, ...).
std::optional<ir::ScalarType> ScalarTypeFromOnnx(int32_t onnx_elem_type);
// "DOUBLE", "STRING", ...: for error messages.
std::string OnnxDataTypeName(int32_t onnx_elem_type);

// Static dims from dim_value, symbolic from dim_param, unknown from neither.
Expected<ir::Shape> ShapeFromOnnx(const onnx::TensorShapeProto& shape);

// A tensor TypeProto as a Kiln type; a tensor type without shape becomes unranked. Errors name
// `tensor_name` (non-tensor types, unsupported element types, bad dims).
Expected<const ir::TensorType*> TensorTypeFromOnnx(const onnx::TypeProto& type, ir::Context& ctx,
                                                   std::string_view tensor_name);

// The other way: a Kiln type as an ONNX tensor TypeProto (for shape-inferring function bodies).
// Quantization is dropped; unknown dims have neither value nor param.
onnx::TypeProto OnnxTypeFromKiln(const ir::TensorType& type);

}  // namespace kiln::onnx_import
