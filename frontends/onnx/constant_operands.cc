#include "frontends/onnx/constant_operands.h"

#include <cstring>
#include <limits>
#include <string>

#include "ir/constant_pool.h"
#include "ir/str_cat.h"

namespace kiln::onnx_import {
namespace {

using ir::ScalarType;

Status NotConstant() { return Status::Error("must be a constant (it is computed at run time)"); }

template <typename T>
std::vector<int64_t> Widen(const ir::TensorData& data) {
  std::vector<int64_t> out;
  for (T v : data.As<T>()) out.push_back(static_cast<int64_t>(v));
  return out;
}

float HalfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else if (exp != 0) {
    bits = sign | ((exp + 112) << 23) | (mant << 13);
  } else if (mant == 0) {
    bits = sign;
  } else {  // subnormal: renormalize
    exp = 113;
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      --exp;
    }
    bits = sign | (exp << 23) | ((mant & 0x3ff) << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace

Expected<std::vector<int64_t>> ConstantInts(const ir::Value* value) {
  if (!value->is_constant() || !value->constant() || !value->constant()->data) {
    return NotConstant();
  }
  return DataInts(value->type()->scalar(), *value->constant()->data);
}

Expected<std::vector<double>> ConstantFloats(const ir::Value* value) {
  if (!value->is_constant() || !value->constant() || !value->constant()->data) {
    return NotConstant();
  }
  return DataFloats(value->type()->scalar(), *value->constant()->data);
}

Expected<std::vector<int64_t>> DataInts(ScalarType scalar, const ir::TensorData& data) {
  switch (scalar) {
    case ScalarType::kI64:
      return Widen<int64_t>(data);
    case ScalarType::kI32:
      return Widen<int32_t>(data);
    case ScalarType::kI16:
      return Widen<int16_t>(data);
    case ScalarType::kI8:
      return Widen<int8_t>(data);
    case ScalarType::kU8:
    case ScalarType::kBool:
      return Widen<uint8_t>(data);
    default:
      return Status::Error(
          ir::StrCat("must be an integer tensor, not ", ir::ScalarTypeName(scalar)));
  }
}

Expected<std::vector<double>> DataFloats(ScalarType scalar, const ir::TensorData& data) {
  std::vector<double> out;
  switch (scalar) {
    case ScalarType::kF32:
      for (float v : data.As<float>()) out.push_back(v);
      return out;
    case ScalarType::kF16:
      for (uint16_t v : data.As<uint16_t>()) out.push_back(HalfToFloat(v));
      return out;
    case ScalarType::kBF16:
      for (uint16_t v : data.As<uint16_t>()) {
        uint32_t bits = static_cast<uint32_t>(v) << 16;
        float f;
        std::memcpy(&f, &bits, sizeof f);
        out.push_back(f);
      }
      return out;
    default:
      return Status::Error(ir::StrCat("must be a float tensor, not ", ir::ScalarTypeName(scalar)));
  }
}

}  // namespace kiln::onnx_import

namespace kiln::onnx_import {
namespace {

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  uint32_t sign = (x >> 16) & 0x8000;
  int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffff;
  if (((x >> 23) & 0xff) == 0xff) return static_cast<uint16_t>(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 0x1f) return static_cast<uint16_t>(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000;
    uint32_t shift = static_cast<uint32_t>(14 - exp);
    uint32_t half = mant >> shift;
    uint32_t rest = mant & ((1u << shift) - 1);
    uint32_t halfway = 1u << (shift - 1);
    if (rest > halfway || (rest == halfway && (half & 1))) ++half;
    return static_cast<uint16_t>(sign | half);
  }
  uint32_t half = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  uint32_t rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) ++half;  // may carry into the exponent
  return static_cast<uint16_t>(half);
}

uint16_t FloatToBf16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  if ((x & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((x >> 16) | 0x40);
  x += 0x7fff + ((x >> 16) & 1);
  return static_cast<uint16_t>(x >> 16);
}

template <typename T>
std::vector<uint8_t> IntBytes(double value) {
  double lo = static_cast<double>(std::numeric_limits<T>::min());
  double hi = static_cast<double>(std::numeric_limits<T>::max());
  T v = value != value ? T{0}
        : value <= lo  ? std::numeric_limits<T>::min()
        : value >= hi  ? std::numeric_limits<T>::max()
                       : static_cast<T>(value);
  std::vector<uint8_t> bytes(sizeof(T));
  std::memcpy(bytes.data(), &v, sizeof(T));
  return bytes;
}

template <typename T>
std::vector<uint8_t> RawBytes(T v) {
  std::vector<uint8_t> bytes(sizeof(T));
  std::memcpy(bytes.data(), &v, sizeof(T));
  return bytes;
}

}  // namespace

ir::Value* AddI64Constant(ir::Graph& graph, const std::vector<int64_t>& values,
                          std::string_view name) {
  const ir::TensorType* type = graph.context().GetType(
      ScalarType::kI64, ir::Shape::Static({static_cast<int64_t>(values.size())}));
  return graph.AddConstant(type, ir::TensorData::FromVector(values), name);
}

ir::Value* AddF32Constant(ir::Graph& graph, const std::vector<float>& values,
                          std::string_view name) {
  const ir::TensorType* type = graph.context().GetType(
      ScalarType::kF32, ir::Shape::Static({static_cast<int64_t>(values.size())}));
  return graph.AddConstant(type, ir::TensorData::FromVector(values), name);
}

ir::Value* AddScalarConstant(ir::Graph& graph, ScalarType scalar, double value,
                             std::string_view name) {
  std::vector<uint8_t> bytes;
  switch (scalar) {
    case ScalarType::kF32:
      bytes = RawBytes(static_cast<float>(value));
      break;
    case ScalarType::kF16:
      bytes = RawBytes(FloatToHalf(static_cast<float>(value)));
      break;
    case ScalarType::kBF16:
      bytes = RawBytes(FloatToBf16(static_cast<float>(value)));
      break;
    case ScalarType::kI8:
    case ScalarType::kI4:
      bytes = IntBytes<int8_t>(value);
      break;
    case ScalarType::kU8:
    case ScalarType::kU4:
      bytes = IntBytes<uint8_t>(value);
      break;
    case ScalarType::kI16:
      bytes = IntBytes<int16_t>(value);
      break;
    case ScalarType::kI32:
      bytes = IntBytes<int32_t>(value);
      break;
    case ScalarType::kI64:
      bytes = IntBytes<int64_t>(value);
      break;
    case ScalarType::kBool:
      bytes = {static_cast<uint8_t>(value != 0 ? 1 : 0)};
      break;
    case ScalarType::kF64:
      bytes = RawBytes(value);
      break;
    case ScalarType::kU16:
      bytes = IntBytes<uint16_t>(value);
      break;
    case ScalarType::kU32:
      bytes = IntBytes<uint32_t>(value);
      break;
    case ScalarType::kU64:
      bytes = IntBytes<uint64_t>(value);
      break;
  }
  const ir::TensorType* type = graph.context().GetType(scalar, ir::Shape());
  return graph.AddConstant(type, ir::TensorData::FromBytes(std::move(bytes)), name);
}

}  // namespace kiln::onnx_import
