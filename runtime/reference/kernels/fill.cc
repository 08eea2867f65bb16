#include "runtime/reference/kernels/fill.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "runtime/reference/kernels/fp16.h"

namespace kiln::ref {
namespace {

template <typename T>
T SaturateInt(double v, double lo, double hi) {
  if (std::isnan(v)) return T(0);
  return static_cast<T>(std::clamp(std::trunc(v), lo, hi));
}

template <typename T>
T ToInt(double v) {
  return SaturateInt<T>(v, static_cast<double>(std::numeric_limits<T>::lowest()),
                        static_cast<double>(std::numeric_limits<T>::max()));
}

template <typename T>
void FillWith(Tensor& t, T v) {
  std::fill_n(t.mutable_data<T>(), t.num_elements(), v);
}

}  // namespace

rt::Result<Tensor> Fill(DType dtype, const Shape& shape, double value) {
  rt::Result<Tensor> y = Tensor::Empty(dtype, shape);
  if (!y.ok()) return y;
  Tensor& t = *y;
  switch (dtype) {
    case DType::kF32:
      FillWith<float>(t, static_cast<float>(value));
      break;
    case DType::kF16:
      FillWith<uint16_t>(t, FloatToHalf(static_cast<float>(value)));
      break;
    case DType::kBF16:
      FillWith<uint16_t>(t, FloatToBFloat16(static_cast<float>(value)));
      break;
    case DType::kI8:
      FillWith<int8_t>(t, ToInt<int8_t>(value));
      break;
    case DType::kU8:
      FillWith<uint8_t>(t, ToInt<uint8_t>(value));
      break;
    case DType::kI16:
      FillWith<int16_t>(t, ToInt<int16_t>(value));
      break;
    case DType::kI32:
      FillWith<int32_t>(t, ToInt<int32_t>(value));
      break;
    case DType::kI64: {
      // 2^63 is not an int64; clamp just inside it.
      double hi = std::nextafter(9223372036854775808.0, 0.0);
      FillWith<int64_t>(t, SaturateInt<int64_t>(value, -9223372036854775808.0, hi));
      break;
    }
    case DType::kBool:
      FillWith<uint8_t>(t, value != 0 ? 1 : 0);
      break;
    case DType::kF64:
      FillWith<double>(t, value);
      break;
    case DType::kU16:
      FillWith<uint16_t>(t, ToInt<uint16_t>(value));
      break;
    case DType::kU32:
      FillWith<uint32_t>(t, ToInt<uint32_t>(value));
      break;
    case DType::kU64:
      FillWith<uint64_t>(t, SaturateInt<uint64_t>(value, 0.0, 18446744073709549568.0));
      break;
    case DType::kI4:
    case DType::kU4: {
      uint8_t nibble = dtype == DType::kI4
                           ? static_cast<uint8_t>(SaturateInt<int8_t>(value, -8, 7)) & 0x0f
                           : SaturateInt<uint8_t>(value, 0, 15);
      if (t.num_bytes() > 0) {
        std::memset(t.mutable_raw(), nibble | (nibble << 4), static_cast<size_t>(t.num_bytes()));
      }
      break;
    }
  }
  return y;
}

}  // namespace kiln::ref
