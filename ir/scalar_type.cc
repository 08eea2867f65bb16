#include "ir/scalar_type.h"

namespace kiln::ir {
namespace {

struct ScalarTypeInfo {
  std::string_view name;
  int bits;
  bool is_float;
  bool is_signed;
};

constexpr ScalarTypeInfo kInfo[] = {
#define KILN_X(e, name, bits, is_float, is_signed) {name, bits, is_float, is_signed},
    KILN_SCALAR_TYPES(KILN_X)
#undef KILN_X
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kNumScalarTypes);

const ScalarTypeInfo& Info(ScalarType t) { return kInfo[static_cast<int>(t)]; }

}  // namespace

std::string_view ScalarTypeName(ScalarType t) { return Info(t).name; }

std::optional<ScalarType> ParseScalarType(std::string_view name) {
  for (int i = 0; i < kNumScalarTypes; ++i) {
    if (kInfo[i].name == name) return static_cast<ScalarType>(i);
  }
  return std::nullopt;
}

int BitWidth(ScalarType t) { return Info(t).bits; }
bool IsFloat(ScalarType t) { return Info(t).is_float; }
bool IsSigned(ScalarType t) { return Info(t).is_signed; }

int64_t StorageBytes(ScalarType t, int64_t count) { return (count * BitWidth(t) + 7) / 8; }

}  // namespace kiln::ir
