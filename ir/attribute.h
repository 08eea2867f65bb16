// Op attributes: named compile-time values (ints, floats, strings and lists of them).
//
// An op keeps its attributes sorted by name, so printing and comparison are deterministic.
//
//   AttrMap attrs;
//   attrs.Set("strides", std::vector<int64_t>{2, 2});
//   attrs.GetInts("strides")  // -> {2, 2}
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kiln::ir {

// X(enumerator, C++ type, schema/text name)
#define KILN_ATTR_KINDS(X)                  \
  X(kInt, int64_t, "int")                   \
  X(kFloat, double, "float")                \
  X(kString, std::string, "string")         \
  X(kInts, std::vector<int64_t>, "ints")    \
  X(kFloats, std::vector<double>, "floats") \
  X(kStrings, std::vector<std::string>, "strings")

enum class AttrKind : uint8_t {
#define KILN_X(e, type, name) e,
  KILN_ATTR_KINDS(KILN_X)
#undef KILN_X
};

std::string_view AttrKindName(AttrKind kind);

// Alternatives are in AttrKind order, so AttrValue::index() is the kind.
using AttrValue = std::variant<int64_t, double, std::string, std::vector<int64_t>,
                               std::vector<double>, std::vector<std::string>>;

inline AttrKind KindOf(const AttrValue& v) { return static_cast<AttrKind>(v.index()); }
// Text form: 3, 1.0e-05, "same_upper", [1,2], [0.5,1.0], ["a","b"]. An empty list prints as
// [] and reads back as ints; the parser gives it the kind the op's schema says.
std::string FormatAttrValue(const AttrValue& v);
// Quotes and escapes a string the way the textual IR reads it back.
std::string QuoteString(std::string_view s);

class AttrMap {
 public:
  using Entry = std::pair<std::string, AttrValue>;

  void Set(std::string_view name, AttrValue value);
  bool Remove(std::string_view name);
  const AttrValue* Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) != nullptr; }

  // Typed getters return the fallback when the attribute is absent or of another kind.
  int64_t GetInt(std::string_view name, int64_t fallback = 0) const;
  double GetFloat(std::string_view name, double fallback = 0.0) const;
  std::string GetString(std::string_view name, std::string fallback = "") const;
  std::vector<int64_t> GetInts(std::string_view name, std::vector<int64_t> fallback = {}) const;
  std::vector<double> GetFloats(std::string_view name, std::vector<double> fallback = {}) const;

  const std::vector<Entry>& entries() const { return entries_; }  // sorted by name
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  bool operator==(const AttrMap&) const = default;

 private:
  std::vector<Entry> entries_;
};

}  // namespace kiln::ir
