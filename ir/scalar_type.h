// Element types of tensors.
//
// The list is declared once (KILN_SCALAR_TYPES); names, widths and parsing derive from it.
//
//   ScalarType t = ParseScalarType("i8").value();
//   assert(BitWidth(t) == 8 && IsSigned(t) && ScalarTypeName(t) == "i8");
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace kiln::ir {

// X(enumerator, text name, bit width, is float, is signed). The first eleven are the types
// Kiln computes in; f64, u16, u32 and u64 exist so ONNX models that use them import and run on
// the reference runtime (the target runtimes reject them).
#define KILN_SCALAR_TYPES(X)        \
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

enum class ScalarType : uint8_t {
#define KILN_X(e, name, bits, is_float, is_signed) e,
  KILN_SCALAR_TYPES(KILN_X)
#undef KILN_X
};

inline constexpr ScalarType kAllScalarTypes[] = {
#define KILN_X(e, name, bits, is_float, is_signed) ScalarType::e,
    KILN_SCALAR_TYPES(KILN_X)
#undef KILN_X
};
inline constexpr int kNumScalarTypes = static_cast<int>(std::size(kAllScalarTypes));
static_assert(kNumScalarTypes == 15, "docs/ir.md lists fifteen scalar types");

std::string_view ScalarTypeName(ScalarType t);
std::optional<ScalarType> ParseScalarType(std::string_view name);
int BitWidth(ScalarType t);
bool IsFloat(ScalarType t);
bool IsSigned(ScalarType t);
inline bool IsInteger(ScalarType t) { return !IsFloat(t) && t != ScalarType::kBool; }

// Bytes needed to store `count` elements densely (sub-byte types are packed, rounded up).
int64_t StorageBytes(ScalarType t, int64_t count);

}  // namespace kiln::ir
