// Element types of runtime tensors. The list mirrors ir::ScalarType one to one and in the same
// order (the reference interpreter static_asserts it), but lives here because runtime/ never
// includes ir/.
//
//   DType t = DType::kF32;
//   int64_t bytes = DTypeStorageBytes(t, 1000);   // 4000
//   std::string_view n = DTypeName(DType::kI4);   // "i4"
#pragma once

#include <cstdint>
#include <string_view>

namespace kiln::rt {

// X(enumerator, name, bits, is_float, is_signed). i4/u4 pack two values per byte, low nibble
// first; bool is one byte holding 0 or 1.
#define KILN_DTYPES(X)              \
  X(kF32, "f32", 32, true, true)    \
  X(kF16, "f16", 16, true, true)    \
  X(kBF16, "bf16", 16, true, true)  \
  X(kI8, "i8", 8, false, true)      \
  X(kU8, "u8", 8, false, false)     \
  X(kI4, "i4", 4, false, true)      \
  X(kU4, "u4", 4, false, false)     \
  X(kI16, "i16", 16, false, true)   \
  X(kI32, "i32", 32, false, true)   \
  X(kI64, "i64", 64, false, true)   \
  X(kBool, "bool", 8, false, false) \
  X(kF64, "f64", 64, true, true)    \
  X(kU16, "u16", 16, false, false)  \
  X(kU32, "u32", 32, false, false)  \
  X(kU64, "u64", 64, false, false)

enum class DType : uint8_t {
#define KILN_X(e, name, bits, is_float, is_signed) e,
  KILN_DTYPES(KILN_X)
#undef KILN_X
};

inline constexpr int kNumDTypes = 0
#define KILN_X(e, name, bits, is_float, is_signed) +1
    KILN_DTYPES(KILN_X)
#undef KILN_X
    ;
static_assert(kNumDTypes == 15);

constexpr std::string_view DTypeName(DType t) {
  switch (t) {
#define KILN_X(e, name, bits, is_float, is_signed) \
  case DType::e:                                   \
    return name;
    KILN_DTYPES(KILN_X)
#undef KILN_X
  }
  return "?";
}

constexpr int DTypeBits(DType t) {
  switch (t) {
#define KILN_X(e, name, bits, is_float, is_signed) \
  case DType::e:                                   \
    return bits;
    KILN_DTYPES(KILN_X)
#undef KILN_X
  }
  return 0;
}

constexpr bool DTypeIsFloat(DType t) {
  switch (t) {
#define KILN_X(e, name, bits, is_float, is_signed) \
  case DType::e:                                   \
    return is_float;
    KILN_DTYPES(KILN_X)
#undef KILN_X
  }
  return false;
}

// Bytes that `count` elements occupy (sub-byte types round up).
constexpr int64_t DTypeStorageBytes(DType t, int64_t count) {
  return (count * DTypeBits(t) + 7) / 8;
}

}  // namespace kiln::rt
