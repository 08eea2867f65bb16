#include "frontends/onnx/tensor_import.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "frontends/onnx/external_data.h"
#include "frontends/onnx/onnx_types.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::ScalarType;
using ir::StrCat;

Status TensorError(const onnx::TensorProto& t, std::string_view problem) {
  return Status::Error(StrCat("tensor '", t.name(), "': ", problem));
}

// Copies `values` into `count` elements of type Dst (narrowing where ONNX stores small types
// widened, e.g. int8 in int32_data).
template <typename Dst, typename Src>
std::vector<uint8_t> Pack(const google::protobuf::RepeatedField<Src>& values) {
  std::vector<uint8_t> bytes(static_cast<size_t>(values.size()) * sizeof(Dst));
  for (int i = 0; i < values.size(); ++i) {
    Dst v = static_cast<Dst>(values.Get(i));
    std::memcpy(bytes.data() + static_cast<size_t>(i) * sizeof(Dst), &v, sizeof(Dst));
  }
  return bytes;
}

// The typed field that holds `scalar`'s data, packed; `count` is its element count.
std::vector<uint8_t> FromTypedField(const onnx::TensorProto& t, ScalarType scalar, int64_t* count) {
  switch (scalar) {
    case ScalarType::kF32:
      *count = t.float_data_size();
      return Pack<float>(t.float_data());
    case ScalarType::kI64:
      *count = t.int64_data_size();
      return Pack<int64_t>(t.int64_data());
    case ScalarType::kI32:
      *count = t.int32_data_size();
      return Pack<int32_t>(t.int32_data());
    case ScalarType::kI16:
      *count = t.int32_data_size();
      return Pack<int16_t>(t.int32_data());
    case ScalarType::kF16:  // bit patterns in the low 16 bits of int32_data
    case ScalarType::kBF16:
      *count = t.int32_data_size();
      return Pack<uint16_t>(t.int32_data());
    case ScalarType::kI8:
      *count = t.int32_data_size();
      return Pack<int8_t>(t.int32_data());
    case ScalarType::kU8:
      *count = t.int32_data_size();
      return Pack<uint8_t>(t.int32_data());
    case ScalarType::kBool: {
      *count = t.int32_data_size();
      std::vector<uint8_t> bytes(t.int32_data_size());
      for (int i = 0; i < t.int32_data_size(); ++i) bytes[i] = t.int32_data(i) != 0 ? 1 : 0;
      return bytes;
    }
    case ScalarType::kF64:
      *count = t.double_data_size();
      return Pack<double>(t.double_data());
    case ScalarType::kU16:
      *count = t.int32_data_size();
      return Pack<uint16_t>(t.int32_data());
    case ScalarType::kU32:
      *count = t.uint64_data_size();
      return Pack<uint32_t>(t.uint64_data());
    case ScalarType::kU64:
      *count = t.uint64_data_size();
      return Pack<uint64_t>(t.uint64_data());
    default:
      *count = 0;
      return {};
  }
}

}  // namespace

Expected<ImportedTensor> ImportTensor(const onnx::TensorProto& t, ir::Context& ctx,
                                      const std::string& model_dir) {
  if (t.has_segment()) return TensorError(t, "segmented tensors are not supported");
  std::optional<ScalarType> scalar = ScalarTypeFromOnnx(t.data_type());
  if (!scalar) {
    return TensorError(t, StrCat("unsupported dtype ", OnnxDataTypeName(t.data_type())));
  }
  std::vector<int64_t> sizes(t.dims().begin(), t.dims().end());
  int64_t count = 1;
  for (int64_t d : sizes) {
    if (d < 0 || d > kMaxDim) return TensorError(t, StrCat("dim ", d, " is negative or too large"));
    // Overflow-safe: a product beyond 2^50 elements is absurd anyway.
    if (d != 0 && count > (int64_t{1} << 50) / d) return TensorError(t, "too many elements");
    count *= d;
  }
  int64_t want_bytes = ir::StorageBytes(*scalar, count);
  const ir::TensorType* type = ctx.GetType(*scalar, ir::Shape::Static(sizes));
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    Expected<std::shared_ptr<const ir::TensorData>> data =
        ReadExternalData(t, model_dir, want_bytes);
    if (!data) return TensorError(t, data.error().message());
    return ImportedTensor{type, std::move(*data), t.name()};
  }
  std::vector<uint8_t> bytes;
  if (t.has_raw_data()) {
    const std::string& raw = t.raw_data();
    if (static_cast<int64_t>(raw.size()) != want_bytes) {
      return TensorError(
          t, StrCat("raw_data has ", raw.size(), " bytes, but ", ir::ScalarTypeName(*scalar),
                    ir::Shape::Static(sizes).ToString(), " needs ", want_bytes));
    }
    bytes.assign(raw.begin(), raw.end());
    if (*scalar == ScalarType::kBool) {
      for (uint8_t& b : bytes) b = b != 0 ? 1 : 0;
    }
  } else {
    int64_t have = 0;
    bytes = FromTypedField(t, *scalar, &have);
    if (have != count) {
      return TensorError(t, StrCat("has ", have, " elements, but its dims need ", count));
    }
  }
  return ImportedTensor{type, ir::TensorData::FromBytes(std::move(bytes)), t.name()};
}

}  // namespace kiln::onnx_import
