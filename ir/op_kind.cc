#include "ir/op_kind.h"

#include <algorithm>
#include <array>

namespace kiln::ir {
namespace {

// One array of attribute schemas per op; each list ends with a sentinel so an op without
// attributes still has a (one-element) array.
#define KILN_ATTR(attr_name, attr_kind, attr_required) \
  AttrSchema{#attr_name, AttrKind::attr_kind, attr_required},
#define KILN_OP(e, name, min_in, max_in, min_out, max_out, regions, traits, attrs) \
  constexpr AttrSchema k##e##Attrs[] = {attrs AttrSchema{"", AttrKind::kInt, false}};
#include "ir/ops.def"

constexpr OpSchema kSchemas[] = {
#define KILN_OP(e, name, min_in, max_in, min_out, max_out, regions, traits, attrs) \
  OpSchema{OpKind::k##e,                                                           \
           name,                                                                   \
           min_in,                                                                 \
           max_in,                                                                 \
           min_out,                                                                \
           max_out,                                                                \
           regions,                                                                \
           static_cast<uint32_t>(traits),                                          \
           std::span<const AttrSchema>(k##e##Attrs, std::size(k##e##Attrs) - 1)},
#include "ir/ops.def"
};
static_assert(std::size(kSchemas) == kNumOpKinds);

constexpr bool SchemasInEnumOrder() {
  for (int i = 0; i < kNumOpKinds; ++i) {
    if (static_cast<int>(kSchemas[i].kind) != i) return false;
  }
  return true;
}
static_assert(SchemasInEnumOrder());

}  // namespace

const AttrSchema* OpSchema::FindAttr(std::string_view attr_name) const {
  for (const AttrSchema& a : attrs) {
    if (a.name == attr_name) return &a;
  }
  return nullptr;
}

const OpSchema& GetOpSchema(OpKind kind) { return kSchemas[static_cast<int>(kind)]; }

std::string_view OpKindName(OpKind kind) { return GetOpSchema(kind).name; }

std::optional<OpKind> ParseOpKind(std::string_view name) {
  static const auto kSorted = [] {
    std::array<const OpSchema*, kNumOpKinds> sorted;
    for (int i = 0; i < kNumOpKinds; ++i) sorted[i] = &kSchemas[i];
    std::sort(sorted.begin(), sorted.end(),
              [](const OpSchema* a, const OpSchema* b) { return a->name < b->name; });
    return sorted;
  }();
  auto it = std::lower_bound(kSorted.begin(), kSorted.end(), name,
                             [](const OpSchema* s, std::string_view n) { return s->name < n; });
  if (it == kSorted.end() || (*it)->name != name) return std::nullopt;
  return (*it)->kind;
}

}  // namespace kiln::ir
