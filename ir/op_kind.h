// Op kinds and their schemas, derived from ir/ops.def.
//
//   OpKind k = ParseOpKind("conv").value();
//   const OpSchema& s = GetOpSchema(k);   // s.name == "conv", s.min_operands == 2
//   const AttrSchema* a = s.FindAttr("strides");
#pragma once

#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <string_view>

#include "ir/attribute.h"

namespace kiln::ir {

enum class OpKind : uint16_t {
#define KILN_OP(e, name, min_in, max_in, min_out, max_out, regions, traits, attrs) k##e,
#include "ir/ops.def"
};

inline constexpr OpKind kAllOpKinds[] = {
#define KILN_OP(e, name, min_in, max_in, min_out, max_out, regions, traits, attrs) OpKind::k##e,
#include "ir/ops.def"
};
inline constexpr int kNumOpKinds = static_cast<int>(std::size(kAllOpKinds));

// Properties the verifier and generic passes rely on.
enum OpTraits : uint32_t {
  kNoTraits = 0,
  kShapePreserving = 1 << 0,  // one result with the operand's shape and type
  kUnaryElementwise = (1 << 1) | kShapePreserving,
  kBroadcastBinary = 1 << 2,    // numpy broadcasting over operands of one type
  kCommutative = 1 << 3,        // operand order does not matter
  kBoolResult = 1 << 4,         // result is bool (comparisons)
  kMixedOperandTypes = 1 << 5,  // operands may differ in scalar type (pow)
};

struct AttrSchema {
  std::string_view name;
  AttrKind kind;
  bool required;
};

struct OpSchema {
  OpKind kind;
  std::string_view name;
  int min_operands;
  int max_operands;  // -1: variadic
  int min_results;
  int max_results;  // -1: variadic
  int num_regions;
  uint32_t traits;
  std::span<const AttrSchema> attrs;

  bool has(uint32_t trait) const { return (traits & trait) == trait; }
  const AttrSchema* FindAttr(std::string_view attr_name) const;
};

const OpSchema& GetOpSchema(OpKind kind);
std::string_view OpKindName(OpKind kind);
std::optional<OpKind> ParseOpKind(std::string_view name);

}  // namespace kiln::ir
