// Turns a runtime DType into a C++ type for kernels written as templates. Kernels compute on
// the "plain" dtypes whose elements are ordinary C++ scalars (f32, f64, i8, u8, i16, u16,
// i32, u32, i64, u64, bool); f16, bf16, i4 and u4 are widened first (see WidenedDType in
// kernels/cast.h).
//
//   VisitPlainDType(t.dtype(), [&](auto tag) {
//     using T = typename decltype(tag)::type;   // e.g. float for kF32
//     Process(t.data<T>());
//   });
#pragma once

#include <cstdint>
#include <type_traits>

#include "runtime/core/dtype.h"

namespace kiln::ref {

template <typename T>
struct TypeTag {
  using type = T;
};

// True for the dtypes whose elements are C++ scalars of their own (not packed, not 16-bit
// floats).
constexpr bool IsPlainDType(rt::DType t) {
  return t != rt::DType::kF16 && t != rt::DType::kBF16 && t != rt::DType::kI4 &&
         t != rt::DType::kU4;
}

// Calls fn(TypeTag<T>{}) with the C++ type of a plain dtype and returns its result; for any
// other dtype returns `otherwise()`.
template <typename Fn, typename Otherwise>
decltype(auto) VisitPlainDType(rt::DType t, Fn&& fn, Otherwise&& otherwise) {
  switch (t) {
    case rt::DType::kF32:
      return fn(TypeTag<float>{});
    case rt::DType::kI8:
      return fn(TypeTag<int8_t>{});
    case rt::DType::kU8:
      return fn(TypeTag<uint8_t>{});
    case rt::DType::kI16:
      return fn(TypeTag<int16_t>{});
    case rt::DType::kI32:
      return fn(TypeTag<int32_t>{});
    case rt::DType::kI64:
      return fn(TypeTag<int64_t>{});
    case rt::DType::kBool:
      return fn(TypeTag<bool>{});
    case rt::DType::kF64:
      return fn(TypeTag<double>{});
    case rt::DType::kU16:
      return fn(TypeTag<uint16_t>{});
    case rt::DType::kU32:
      return fn(TypeTag<uint32_t>{});
    case rt::DType::kU64:
      return fn(TypeTag<uint64_t>{});
    default:
      return otherwise();
  }
}

}  // namespace kiln::ref
