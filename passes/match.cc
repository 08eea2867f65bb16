#include "passes/match.h"

#include <cstring>

#include "runtime/reference/kernels/fp16.h"

namespace kiln {
namespace {

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Element `i` of constant bytes of scalar type `s`, as a double; nullopt for types it cannot
// read (sub-byte, bf16, u64).
std::optional<double> ElementAt(ir::ScalarType s, const uint8_t* data, int64_t i) {
  using ir::ScalarType;
  switch (s) {
    case ScalarType::kF32:
      return Load<float>(data + 4 * i);
    case ScalarType::kF64:
      return Load<double>(data + 8 * i);
    case ScalarType::kF16:
      return ref::HalfToFloat(Load<uint16_t>(data + 2 * i));
    case ScalarType::kI64:
      return static_cast<double>(Load<int64_t>(data + 8 * i));
    case ScalarType::kI32:
      return Load<int32_t>(data + 4 * i);
    case ScalarType::kI16:
      return Load<int16_t>(data + 2 * i);
    case ScalarType::kI8:
      return Load<int8_t>(data + i);
    case ScalarType::kU8:
    case ScalarType::kBool:
      return data[i];
    default:
      return std::nullopt;
  }
}

// Element count of a constant's static shape, when its bytes hold exactly that many.
std::optional<int64_t> ElementCount(const ir::Value* value, const ir::TensorData& data) {
  std::optional<int64_t> n = value->type()->shape().num_elements();
  if (!n) return std::nullopt;
  if (ir::StorageBytes(value->type()->scalar(), *n) != static_cast<int64_t>(data.size())) {
    return std::nullopt;
  }
  return n;
}

}  // namespace

const ir::TensorData* ConstantData(const ir::Value* value) {
  if (value == nullptr || !value->is_constant() || value->constant() == nullptr) return nullptr;
  return value->constant()->data.get();
}

std::optional<double> ScalarConstant(const ir::Value* value) {
  const ir::TensorData* data = ConstantData(value);
  if (data == nullptr || value->type()->is_quantized()) return std::nullopt;
  std::optional<int64_t> n = ElementCount(value, *data);
  if (!n || *n != 1) return std::nullopt;
  return ElementAt(value->type()->scalar(), data->data(), 0);
}

bool IsConstantSplat(const ir::Value* value, double x) {
  const ir::TensorData* data = ConstantData(value);
  if (data == nullptr || value->type()->is_quantized()) return false;
  std::optional<int64_t> n = ElementCount(value, *data);
  if (!n || *n == 0) return false;
  for (int64_t i = 0; i < *n; ++i) {
    std::optional<double> e = ElementAt(value->type()->scalar(), data->data(), i);
    if (!e || *e != x) return false;
  }
  return true;
}

std::optional<std::vector<float>> FloatConstant(const ir::Value* value) {
  const ir::TensorData* data = ConstantData(value);
  if (data == nullptr || value->type()->scalar() != ir::ScalarType::kF32 ||
      value->type()->is_quantized() || !ElementCount(value, *data)) {
    return std::nullopt;
  }
  std::span<const float> f = data->As<float>();
  return std::vector<float>(f.begin(), f.end());
}

std::optional<std::vector<int64_t>> IntConstant(const ir::Value* value) {
  const ir::TensorData* data = ConstantData(value);
  if (data == nullptr || value->type()->is_quantized()) return std::nullopt;
  std::optional<int64_t> n = ElementCount(value, *data);
  if (!n) return std::nullopt;
  ir::ScalarType s = value->type()->scalar();
  if (s != ir::ScalarType::kI64 && s != ir::ScalarType::kI32) return std::nullopt;
  std::vector<int64_t> out(*n);
  for (int64_t i = 0; i < *n; ++i) {
    out[i] = s == ir::ScalarType::kI64 ? Load<int64_t>(data->data() + 8 * i)
                                       : Load<int32_t>(data->data() + 4 * i);
  }
  return out;
}

bool IsPlainF32(const ir::TensorType* type) {
  return type != nullptr && type->scalar() == ir::ScalarType::kF32 && !type->is_quantized();
}

bool TouchesQuantized(const ir::Op& op) {
  for (const ir::Value* v : op.operands()) {
    if (v != nullptr && v->type()->is_quantized()) return true;
  }
  for (int r = 0; r < op.num_results(); ++r) {
    if (op.result(r)->type()->is_quantized()) return true;
  }
  return false;
}

ir::Op* ProducerOf(const ir::Value* value, ir::OpKind kind) {
  if (value == nullptr || value->producer() == nullptr) return nullptr;
  return value->producer()->kind() == kind ? value->producer() : nullptr;
}

bool HasOneUse(const ir::Value* value) {
  return value->uses().size() == 1 && !value->uses()[0].is_graph_output();
}

ir::Value* AddFloatConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                            const std::vector<float>& values, std::string_view name_hint) {
  const ir::TensorType* type =
      graph.context().GetType(ir::ScalarType::kF32, ir::Shape::Static(sizes));
  return graph.AddConstant(type, ir::TensorData::FromVector(values), name_hint);
}

ir::Value* AddIntConstant(ir::Graph& graph, const std::vector<int64_t>& sizes,
                          const std::vector<int64_t>& values, std::string_view name_hint) {
  const ir::TensorType* type =
      graph.context().GetType(ir::ScalarType::kI64, ir::Shape::Static(sizes));
  return graph.AddConstant(type, ir::TensorData::FromVector(values), name_hint);
}

}  // namespace kiln
