#include "runtime/core/op_attrs.h"

#include <algorithm>
#include <utility>

#include "runtime/core/artifact_messages.h"

namespace kiln::rt {
namespace {

using artifact::AttrKind;

std::string_view NameOf(const artifact::Attr* attr) {
  return attr->name() ? attr->name()->string_view() : std::string_view();
}

// Readers of a present attribute of the right kind. The loader checked that list kinds carry
// their list; an absent string reads as "".
std::string_view ReadString(const artifact::Attr& attr) {
  return attr.s() ? attr.s()->string_view() : std::string_view();
}

template <typename T, typename Vector>
std::vector<T> ReadList(const Vector* values) {
  if (values == nullptr) return {};
  return std::vector<T>(values->begin(), values->end());
}

std::vector<std::string_view> ReadStrings(const artifact::Attr& attr) {
  std::vector<std::string_view> out;
  if (attr.strings() == nullptr) return out;
  out.reserve(attr.strings()->size());
  for (const flatbuffers::String* s : *attr.strings()) out.push_back(s->string_view());
  return out;
}

}  // namespace

OpAttrs::OpAttrs(const artifact::Op& op) : op_(op) {}

const artifact::Attr* OpAttrs::Find(std::string_view name) const {
  const auto* attrs = op_.attrs();
  if (attrs == nullptr) return nullptr;
  auto it = std::lower_bound(
      attrs->begin(), attrs->end(), name,
      [](const artifact::Attr* attr, std::string_view key) { return NameOf(attr) < key; });
  return it != attrs->end() && NameOf(*it) == name ? *it : nullptr;
}

bool OpAttrs::Has(std::string_view name) const { return Find(name) != nullptr; }

Result<const artifact::Attr*> OpAttrs::Lookup(std::string_view name, AttrKind kind,
                                              bool optional) const {
  const artifact::Attr* attr = Find(name);
  if (attr != nullptr && attr->kind() == kind) return attr;
  if (attr == nullptr && optional) return static_cast<const artifact::Attr*>(nullptr);
  std::string what = attr == nullptr
                         ? "is missing (expected " + std::string(AttrKindName(kind)) + ")"
                         : "is " + std::string(AttrKindName(attr->kind())) + ", expected " +
                               std::string(AttrKindName(kind));
  return Status::Error("op '" + PrintableText(op_.name()) + "' (" + PrintableText(op_.kernel()) +
                       "): attribute '" + PrintableText(name) + "' " + what);
}

Result<int64_t> OpAttrs::Int(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Int, false);
  if (!attr.ok()) return attr.status();
  return (*attr)->i();
}

Result<int64_t> OpAttrs::Int(std::string_view name, int64_t fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Int, true);
  if (!attr.ok()) return attr.status();
  return *attr ? (*attr)->i() : fallback;
}

Result<double> OpAttrs::Float(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Float, false);
  if (!attr.ok()) return attr.status();
  return (*attr)->f();
}

Result<double> OpAttrs::Float(std::string_view name, double fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Float, true);
  if (!attr.ok()) return attr.status();
  return *attr ? (*attr)->f() : fallback;
}

Result<std::string_view> OpAttrs::String(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::String, false);
  if (!attr.ok()) return attr.status();
  return ReadString(**attr);
}

Result<std::string_view> OpAttrs::String(std::string_view name, std::string_view fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::String, true);
  if (!attr.ok()) return attr.status();
  return *attr ? ReadString(**attr) : fallback;
}

Result<std::vector<int64_t>> OpAttrs::Ints(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Ints, false);
  if (!attr.ok()) return attr.status();
  return ReadList<int64_t>((*attr)->ints());
}

Result<std::vector<int64_t>> OpAttrs::Ints(std::string_view name,
                                           std::vector<int64_t> fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Ints, true);
  if (!attr.ok()) return attr.status();
  if (*attr == nullptr) return fallback;
  return ReadList<int64_t>((*attr)->ints());
}

Result<std::vector<double>> OpAttrs::Floats(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Floats, false);
  if (!attr.ok()) return attr.status();
  return ReadList<double>((*attr)->floats());
}

Result<std::vector<double>> OpAttrs::Floats(std::string_view name,
                                            std::vector<double> fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Floats, true);
  if (!attr.ok()) return attr.status();
  if (*attr == nullptr) return fallback;
  return ReadList<double>((*attr)->floats());
}

Result<std::vector<std::string_view>> OpAttrs::Strings(std::string_view name) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Strings, false);
  if (!attr.ok()) return attr.status();
  return ReadStrings(**attr);
}

Result<std::vector<std::string_view>> OpAttrs::Strings(
    std::string_view name, std::vector<std::string_view> fallback) const {
  Result<const artifact::Attr*> attr = Lookup(name, AttrKind::Strings, true);
  if (!attr.ok()) return attr.status();
  if (*attr == nullptr) return fallback;
  return ReadStrings(**attr);
}

}  // namespace kiln::rt
