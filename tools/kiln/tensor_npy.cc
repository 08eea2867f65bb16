#include "tools/kiln/tensor_npy.h"

#include <bit>
#include <cstring>
#include <string>

namespace kiln::cli {
namespace {

using rt::DType;
using rt::NpyDType;

DType DTypeFromNpy(NpyDType t) {
  switch (t) {
    case NpyDType::kF32:
      return DType::kF32;
    case NpyDType::kF16:
      return DType::kF16;
    case NpyDType::kI8:
      return DType::kI8;
    case NpyDType::kU8:
      return DType::kU8;
    case NpyDType::kI16:
      return DType::kI16;
    case NpyDType::kI32:
      return DType::kI32;
    case NpyDType::kI64:
      return DType::kI64;
    case NpyDType::kBool:
      return DType::kBool;
    case NpyDType::kF64:
      return DType::kF64;
    case NpyDType::kU16:
      return DType::kU16;
    case NpyDType::kU32:
      return DType::kU32;
    case NpyDType::kU64:
      return DType::kU64;
  }
  return DType::kF32;  // unreachable: every .npy dtype has a tensor dtype
}

float Bf16ToFloat(uint16_t bits) { return std::bit_cast<float>(static_cast<uint32_t>(bits) << 16); }

// Sign-extends (or not) the nibbles of packed i4/u4 into one byte each.
std::vector<uint8_t> Unpack4(const ref::Tensor& t, bool is_signed) {
  std::vector<uint8_t> out(t.num_elements());
  const uint8_t* p = t.data<uint8_t>();
  for (size_t i = 0; i < out.size(); ++i) {
    uint8_t nibble = (p[i / 2] >> (4 * (i % 2))) & 0xF;
    out[i] = is_signed && (nibble & 0x8) ? static_cast<uint8_t>(nibble | 0xF0) : nibble;
  }
  return out;
}

}  // namespace

Expected<ref::Tensor> TensorFromNpy(const rt::NpyArray& array, std::string_view name_for_errors) {
  rt::Result<ref::Tensor> t = ref::Tensor::Empty(DTypeFromNpy(array.dtype), array.shape);
  if (!t.ok()) return Status::Error(std::string(name_for_errors) + ": " + t.status().message());
  if (!array.data.empty()) std::memcpy(t->mutable_raw(), array.data.data(), array.data.size());
  return std::move(*t);
}

rt::NpyArray NpyFromTensor(const ref::Tensor& tensor) {
  rt::NpyArray a;
  a.shape = tensor.shape();
  std::span<const uint8_t> bytes = tensor.bytes();
  switch (tensor.dtype()) {
    case DType::kBF16: {
      a.dtype = NpyDType::kF32;
      a.data.resize(tensor.num_elements() * sizeof(float));
      const uint16_t* src = tensor.data<uint16_t>();
      for (int64_t i = 0; i < tensor.num_elements(); ++i) {
        float f = Bf16ToFloat(src[i]);
        std::memcpy(a.data.data() + i * sizeof(float), &f, sizeof(float));
      }
      return a;
    }
    case DType::kI4:
    case DType::kU4:
      a.dtype = tensor.dtype() == DType::kI4 ? NpyDType::kI8 : NpyDType::kU8;
      a.data = Unpack4(tensor, tensor.dtype() == DType::kI4);
      return a;
    case DType::kF32:
      a.dtype = NpyDType::kF32;
      break;
    case DType::kF16:
      a.dtype = NpyDType::kF16;
      break;
    case DType::kI8:
      a.dtype = NpyDType::kI8;
      break;
    case DType::kU8:
      a.dtype = NpyDType::kU8;
      break;
    case DType::kI16:
      a.dtype = NpyDType::kI16;
      break;
    case DType::kI32:
      a.dtype = NpyDType::kI32;
      break;
    case DType::kI64:
      a.dtype = NpyDType::kI64;
      break;
    case DType::kBool:
      a.dtype = NpyDType::kBool;
      break;
    case DType::kF64:
      a.dtype = NpyDType::kF64;
      break;
    case DType::kU16:
      a.dtype = NpyDType::kU16;
      break;
    case DType::kU32:
      a.dtype = NpyDType::kU32;
      break;
    case DType::kU64:
      a.dtype = NpyDType::kU64;
      break;
  }
  a.data.assign(bytes.begin(), bytes.end());
  return a;
}

}  // namespace kiln::cli
