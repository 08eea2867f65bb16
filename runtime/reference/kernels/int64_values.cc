#include "runtime/reference/kernels/int64_values.h"

#include <string>

namespace kiln::ref {
namespace {

template <typename T>
std::vector<int64_t> WidenValues(const Tensor& t) {
  const T* p = t.data<T>();
  return std::vector<int64_t>(p, p + t.num_elements());
}

}  // namespace

rt::Result<std::vector<int64_t>> ReadInt64Values(const Tensor& t, std::string_view what) {
  switch (t.dtype()) {
    case DType::kI64:
      return WidenValues<int64_t>(t);
    case DType::kI32:
      return WidenValues<int32_t>(t);
    case DType::kI16:
      return WidenValues<int16_t>(t);
    case DType::kI8:
      return WidenValues<int8_t>(t);
    case DType::kU8:
      return WidenValues<uint8_t>(t);
    default:
      return rt::Status::Error(std::string(what) + " must be an integer tensor, got " +
                               std::string(rt::DTypeName(t.dtype())));
  }
}

}  // namespace kiln::ref
