// Addition and multiplication that wrap around on integer overflow instead of being undefined
// (ONNX leaves overflow unspecified; wrapping is what onnxruntime does in practice). Floats
// use ordinary arithmetic; for bool, add is "or" and multiply is "and".
//
//   int32_t s = WrappingAdd<int32_t>(INT32_MAX, 1);   // INT32_MIN
//   float p = WrappingMul(2.0f, 3.0f);                // 6
#pragma once

#include <cstdint>
#include <type_traits>

namespace kiln::ref {

// Unsigned arithmetic of T's width that does not promote to int (so it wraps, never UB).
template <typename T>
using WrapType = std::conditional_t<sizeof(T) < 4, uint32_t, std::make_unsigned_t<T>>;

template <typename T>
T WrappingAdd(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a || b;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapType<T>>(a) + static_cast<WrapType<T>>(b));
  } else {
    return a + b;
  }
}

template <typename T>
T WrappingMul(T a, T b) {
  if constexpr (std::is_same_v<T, bool>) {
    return a && b;
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(static_cast<WrapType<T>>(a) * static_cast<WrapType<T>>(b));
  } else {
    return a * b;
  }
}

}  // namespace kiln::ref
