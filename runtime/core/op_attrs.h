// Typed access to one op's attributes, for kernels. Attributes in an artifact are sorted by name
// (the loader checked it), so a lookup is a binary search. A missing attribute or one of another
// kind is an error naming the op: "op 'Conv_3' (conv): attribute 'group' is floats, expected int".
//
//   OpAttrs attrs(op);
//   Result<int64_t> group = attrs.Int("group", 1);
//   Result<std::vector<int64_t>> pads = attrs.Ints("pads");
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codegen/schema/kiln_artifact_generated.h"
#include "runtime/core/result.h"

namespace kiln::rt {

class OpAttrs {
 public:
  // `op` must outlive this object (it lives in the artifact's buffer).
  explicit OpAttrs(const artifact::Op& op);

  bool Has(std::string_view name) const;

  // Each getter comes in two forms: without a fallback it is an error when the attribute is
  // absent; with one, the fallback is returned then. Both are errors for another kind.
  Result<int64_t> Int(std::string_view name) const;
  Result<int64_t> Int(std::string_view name, int64_t fallback) const;
  Result<double> Float(std::string_view name) const;
  Result<double> Float(std::string_view name, double fallback) const;
  Result<std::string_view> String(std::string_view name) const;
  Result<std::string_view> String(std::string_view name, std::string_view fallback) const;
  Result<std::vector<int64_t>> Ints(std::string_view name) const;
  Result<std::vector<int64_t>> Ints(std::string_view name, std::vector<int64_t> fallback) const;
  Result<std::vector<double>> Floats(std::string_view name) const;
  Result<std::vector<double>> Floats(std::string_view name, std::vector<double> fallback) const;
  Result<std::vector<std::string_view>> Strings(std::string_view name) const;
  Result<std::vector<std::string_view>> Strings(std::string_view name,
                                                std::vector<std::string_view> fallback) const;

 private:
  // The attribute called `name`, or null.
  const artifact::Attr* Find(std::string_view name) const;
  // The attribute called `name` if it has `kind`; null when it is absent and `optional`; else an
  // error (absent, or another kind).
  Result<const artifact::Attr*> Lookup(std::string_view name, artifact::AttrKind kind,
                                       bool optional) const;

  const artifact::Op& op_;
};

}  // namespace kiln::rt
