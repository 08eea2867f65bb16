#include "frontends/onnx/onnx_types.h"

#include <vector>

#include "ir/str_cat.h"

namespace kiln::onnx_import {

using ir::StrCat;

using ir::ScalarType;
using onnx::TensorProto;

std::optional<ScalarType> ScalarTypeFromOnnx(int32_t onnx_elem_type) {
  switch (onnx_elem_type) {
    case TensorProto::FLOAT:
      return ScalarType::kF32;
    case TensorProto::FLOAT16:
      return ScalarType::kF16;
    case TensorProto::BFLOAT16:
      return ScalarType::kBF16;
    case TensorProto::INT8:
      return ScalarType::kI8;
    case TensorProto::UINT8:
      return ScalarType::kU8;
    case TensorProto::INT16:
      return ScalarType::kI16;
    case TensorProto::INT32:
      return ScalarType::kI32;
    case TensorProto::INT64:
      return ScalarType::kI64;
    case TensorProto::BOOL:
      return ScalarType::kBool;
    case TensorProto::DOUBLE:
      return ScalarType::kF64;
    case TensorProto::UINT16:
      return ScalarType::kU16;
    case TensorProto::UINT32:
      return ScalarType::kU32;
    case TensorProto::UINT64:
      return ScalarType::kU64;
    default:
      return std::nullopt;
  }
}

std::string OnnxDataTypeName(int32_t onnx_elem_type) {
  if (TensorProto::DataType_IsValid(onnx_elem_type)) {
    return TensorProto::DataType_Name(static_cast<TensorProto::DataType>(onnx_elem_type));
  }
  return StrCat("data type ", onnx_elem_type);
}

Expected<ir::Shape> ShapeFromOnnx(const onnx::TensorShapeProto& shape) {
  std::vector<ir::Dim> dims;
  dims.reserve(shape.dim_size());
  for (const onnx::TensorShapeProto::Dimension& d : shape.dim()) {
    if (d.has_dim_value()) {
      if (d.dim_value() < 0 || d.dim_value() > kMaxDim) {
        return Status::Error(StrCat("dim ", d.dim_value(), " is negative or too large"));
      }
      dims.emplace_back(d.dim_value());
    } else if (d.has_dim_param() && !d.dim_param().empty()) {
      dims.push_back(ir::Dim::Symbol(d.dim_param()));
    } else {
      dims.push_back(ir::Dim::Unknown());
    }
  }
  return ir::Shape(std::move(dims));
}

Expected<const ir::TensorType*> TensorTypeFromOnnx(const onnx::TypeProto& type, ir::Context& ctx,
                                                   std::string_view tensor_name) {
  if (!type.has_tensor_type()) {
    return Status::Error(StrCat("tensor '", tensor_name, "' is not a dense tensor (",
                                "sequences, maps, optionals and sparse tensors are unsupported)"));
  }
  const onnx::TypeProto::Tensor& t = type.tensor_type();
  std::optional<ScalarType> scalar = ScalarTypeFromOnnx(t.elem_type());
  if (!scalar) {
    return Status::Error(StrCat("tensor '", tensor_name, "' has unsupported dtype ",
                                OnnxDataTypeName(t.elem_type())));
  }
  if (!t.has_shape()) return ctx.GetType(*scalar, ir::Shape::Unranked());
  Expected<ir::Shape> shape = ShapeFromOnnx(t.shape());
  if (!shape) {
    return Status::Error(StrCat("tensor '", tensor_name, "': ", shape.error().message()));
  }
  return ctx.GetType(*scalar, std::move(*shape));
}

onnx::TypeProto OnnxTypeFromKiln(const ir::TensorType& type) {
  onnx::TypeProto out;
  onnx::TypeProto::Tensor* t = out.mutable_tensor_type();
  int32_t elem = TensorProto::UNDEFINED;
  switch (type.scalar()) {
    case ScalarType::kF32:
      elem = TensorProto::FLOAT;
      break;
    case ScalarType::kF16:
      elem = TensorProto::FLOAT16;
      break;
    case ScalarType::kBF16:
      elem = TensorProto::BFLOAT16;
      break;
    case ScalarType::kI8:
    case ScalarType::kI4:
      elem = TensorProto::INT8;
      break;
    case ScalarType::kU8:
    case ScalarType::kU4:
      elem = TensorProto::UINT8;
      break;
    case ScalarType::kI16:
      elem = TensorProto::INT16;
      break;
    case ScalarType::kI32:
      elem = TensorProto::INT32;
      break;
    case ScalarType::kI64:
      elem = TensorProto::INT64;
      break;
    case ScalarType::kBool:
      elem = TensorProto::BOOL;
      break;
    case ScalarType::kF64:
      elem = TensorProto::DOUBLE;
      break;
    case ScalarType::kU16:
      elem = TensorProto::UINT16;
      break;
    case ScalarType::kU32:
      elem = TensorProto::UINT32;
      break;
    case ScalarType::kU64:
      elem = TensorProto::UINT64;
      break;
  }
  t->set_elem_type(elem);
  if (!type.shape().is_ranked()) return out;
  onnx::TensorShapeProto* shape = t->mutable_shape();
  for (const ir::Dim& d : type.shape().dims()) {
    onnx::TensorShapeProto::Dimension* dim = shape->add_dim();
    if (d.is_static()) {
      dim->set_dim_value(d.size());
    } else if (d.is_symbolic()) {
      dim->set_dim_param(d.symbol());
    }
  }
  return out;
}

}  // namespace kiln::onnx_import
