#include "frontends/onnx/export_context.h"

#include <cstring>

namespace kiln::onnx_export {

using ir::ScalarType;

std::string ExportContext::FreshName(const std::string& hint) {
  std::string base = hint.empty() ? "v" : hint;
  std::string name = base;
  for (int k = 1; used_.contains(name); ++k) name = base + "_" + std::to_string(k);
  used_.insert(name);
  return name;
}

std::string ExportContext::NameOf(const ir::Value* value) {
  auto it = names_.find(value);
  if (it != names_.end()) return it->second;
  std::string name = FreshName(value->name());
  names_.emplace(value, name);
  return name;
}

Expected<std::string> ExportContext::FloatInput(const ir::Value* value, onnx::GraphProto* graph) {
  const ir::TensorType& type = *value->type();
  if (!type.is_quantized()) return NameOf(value);
  auto it = dequantized_.find(value);
  if (it != dequantized_.end()) return it->second;
  std::string q = NameOf(value);
  std::string out = FreshName(q + "_dequantized");
  onnx::NodeProto* node = AddNode(graph, "DequantizeLinear", {q}, {out}, out);
  if (Status s = AddQuantParams(graph, type, q, node); !s.ok()) {
    return Status::Error("value '" + value->name() + "': " + s.message());
  }
  dequantized_.emplace(value, out);
  return out;
}

onnx::NodeProto* ExportContext::AddNode(onnx::GraphProto* graph, const std::string& op_type,
                                        const std::vector<std::string>& inputs,
                                        const std::vector<std::string>& outputs,
                                        const std::string& name) {
  onnx::NodeProto* node = graph->add_node();
  node->set_op_type(op_type);
  if (!name.empty()) node->set_name(name);
  for (const std::string& in : inputs) node->add_input(in);
  for (const std::string& out : outputs) node->add_output(out);
  return node;
}

std::string ExportContext::AddInt64s(onnx::GraphProto* graph, const std::string& hint,
                                     const std::vector<int64_t>& values, bool as_scalar) {
  onnx::TensorProto* t = graph->add_initializer();
  t->set_name(FreshName(hint));
  t->set_data_type(onnx::TensorProto::INT64);
  if (!as_scalar) t->add_dims(static_cast<int64_t>(values.size()));
  t->set_raw_data(values.data(), values.size() * sizeof(int64_t));
  return t->name();
}

std::string ExportContext::AddFloats(onnx::GraphProto* graph, const std::string& hint,
                                     const std::vector<float>& values, bool as_scalar) {
  onnx::TensorProto* t = graph->add_initializer();
  t->set_name(FreshName(hint));
  t->set_data_type(onnx::TensorProto::FLOAT);
  if (!as_scalar) t->add_dims(static_cast<int64_t>(values.size()));
  t->set_raw_data(values.data(), values.size() * sizeof(float));
  return t->name();
}

namespace {

void AddAxisAttribute(onnx::NodeProto* node, int axis) {
  onnx::AttributeProto* a = node->add_attribute();
  a->set_name("axis");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(axis);
}

}  // namespace

Status ExportContext::AddQuantParams(onnx::GraphProto* graph, const ir::TensorType& type,
                                     const std::string& hint, onnx::NodeProto* node) {
  const ir::QuantSpec& q = *type.quant();
  ScalarType s = type.scalar();
  // ONNX dequantizes int32 (a bias in the accumulator's scale) with no zero point.
  const bool i32_bias =
      s == ScalarType::kI32 && node->op_type() == "DequantizeLinear" && q.zero_points.empty();
  if (s != ScalarType::kI8 && s != ScalarType::kU8 && s != ScalarType::kI4 &&
      s != ScalarType::kU4 && !i32_bias) {
    return Status::Error("quantized type " + type.ToString() +
                         " has no QuantizeLinear/DequantizeLinear form in ONNX opset 17");
  }
  if (q.granularity == ir::QuantGranularity::kPerBlock) {
    return Status::Error("per-block quantization (" + type.ToString() +
                         ") cannot be written as ONNX opset 17 QDQ (needs opset 21)");
  }
  bool per_axis = q.granularity == ir::QuantGranularity::kPerAxis;
  node->add_input(AddFloats(graph, hint + "_scale", q.scales, !per_axis));
  if (i32_bias) {
    if (per_axis) AddAxisAttribute(node, q.axis);
    return Status::Ok();
  }
  // i4/u4 values are exported unpacked as INT8/UINT8, so their zero points are too.
  onnx::TensorProto* zp = graph->add_initializer();
  zp->set_name(FreshName(hint + "_zero_point"));
  bool is_signed = s == ScalarType::kI8 || s == ScalarType::kI4;
  zp->set_data_type(is_signed ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8);
  size_t n = q.scales.size();
  if (per_axis) zp->add_dims(static_cast<int64_t>(n));
  std::string bytes(n, '\0');
  for (size_t i = 0; i < n && i < q.zero_points.size(); ++i) {
    bytes[i] = static_cast<char>(q.zero_points[i]);
  }
  zp->set_raw_data(bytes);
  node->add_input(zp->name());
  if (per_axis) AddAxisAttribute(node, q.axis);
  return Status::Ok();
}

int32_t OnnxElemType(ScalarType scalar) {
  switch (scalar) {
    case ScalarType::kF32:
      return onnx::TensorProto::FLOAT;
    case ScalarType::kF16:
      return onnx::TensorProto::FLOAT16;
    case ScalarType::kBF16:
      return onnx::TensorProto::BFLOAT16;
    case ScalarType::kI8:
      return onnx::TensorProto::INT8;
    case ScalarType::kU8:
      return onnx::TensorProto::UINT8;
    case ScalarType::kI16:
      return onnx::TensorProto::INT16;
    case ScalarType::kI32:
      return onnx::TensorProto::INT32;
    case ScalarType::kI64:
      return onnx::TensorProto::INT64;
    case ScalarType::kBool:
      return onnx::TensorProto::BOOL;
    case ScalarType::kF64:
      return onnx::TensorProto::DOUBLE;
    case ScalarType::kU16:
      return onnx::TensorProto::UINT16;
    case ScalarType::kU32:
      return onnx::TensorProto::UINT32;
    case ScalarType::kU64:
      return onnx::TensorProto::UINT64;
    case ScalarType::kI4:
    case ScalarType::kU4:
      return onnx::TensorProto::UNDEFINED;
  }
  return onnx::TensorProto::UNDEFINED;
}

Status SetOnnxType(const ir::TensorType& type, onnx::TypeProto* out, std::string_view what) {
  int32_t elem = OnnxElemType(type.scalar());
  if (elem == onnx::TensorProto::UNDEFINED) {
    return Status::Error(std::string(what) + ": type " + type.ToString() +
                         " has no ONNX opset 17 element type");
  }
  onnx::TypeProto::Tensor* t = out->mutable_tensor_type();
  t->set_elem_type(elem);
  if (!type.shape().is_ranked()) return Status::Ok();
  onnx::TensorShapeProto* shape = t->mutable_shape();
  for (const ir::Dim& d : type.shape().dims()) {
    onnx::TensorShapeProto::Dimension* dim = shape->add_dim();
    if (d.is_static()) dim->set_dim_value(d.size());
    if (d.is_symbolic()) dim->set_dim_param(d.symbol());
  }
  return Status::Ok();
}

Status FillTensorProto(const ir::TensorType& type, std::span<const uint8_t> bytes,
                       const std::string& name, onnx::TensorProto* out) {
  if (!type.shape().is_static()) {
    return Status::Error("constant '" + name + "' has a non-static shape " +
                         type.shape().ToString());
  }
  out->set_name(name);
  for (int64_t d : type.shape().static_sizes()) out->add_dims(d);
  ScalarType s = type.scalar();
  if (s == ScalarType::kI4 || s == ScalarType::kU4) {
    // Unpacked to one byte per value (low nibble first), sign-extended for i4.
    int64_t n = type.shape().num_elements().value_or(0);
    std::string unpacked(n, '\0');
    for (int64_t i = 0; i < n; ++i) {
      uint8_t nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0xF;
      if (s == ScalarType::kI4 && (nibble & 0x8)) nibble |= 0xF0;
      unpacked[i] = static_cast<char>(nibble);
    }
    out->set_data_type(s == ScalarType::kI4 ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8);
    out->set_raw_data(std::move(unpacked));
    return Status::Ok();
  }
  out->set_data_type(OnnxElemType(s));
  out->set_raw_data(bytes.data(), bytes.size());
  return Status::Ok();
}

}  // namespace kiln::onnx_export
