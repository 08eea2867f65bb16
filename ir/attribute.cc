#include "ir/attribute.h"

#include <algorithm>
#include <cstdio>

#include "ir/number_format.h"

namespace kiln::ir {

std::string_view AttrKindName(AttrKind kind) {
  static constexpr std::string_view kNames[] = {
#define KILN_X(e, type, name) name,
      KILN_ATTR_KINDS(KILN_X)
#undef KILN_X
  };
  return kNames[static_cast<int>(kind)];
}

std::string QuoteString(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

namespace {

template <typename T, typename F>
std::string FormatList(const std::vector<T>& items, F format) {
  std::string s = "[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) s += ",";
    s += format(items[i]);
  }
  return s + "]";
}

}  // namespace

std::string FormatAttrValue(const AttrValue& v) {
  switch (KindOf(v)) {
    case AttrKind::kInt:
      return std::to_string(std::get<int64_t>(v));
    case AttrKind::kFloat:
      return FormatDouble(std::get<double>(v));
    case AttrKind::kString:
      return QuoteString(std::get<std::string>(v));
    case AttrKind::kInts:
      return FormatList(std::get<std::vector<int64_t>>(v),
                        [](int64_t x) { return std::to_string(x); });
    case AttrKind::kFloats:
      return FormatList(std::get<std::vector<double>>(v), FormatDouble);
    case AttrKind::kStrings:
      return FormatList(std::get<std::vector<std::string>>(v),
                        [](const std::string& x) { return QuoteString(x); });
  }
  return "";
}

void AttrMap::Set(std::string_view name, AttrValue value) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, std::string_view n) { return e.first < n; });
  if (it != entries_.end() && it->first == name) {
    it->second = std::move(value);
  } else {
    entries_.insert(it, Entry(std::string(name), std::move(value)));
  }
}

bool AttrMap::Remove(std::string_view name) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.first == name; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

const AttrValue* AttrMap::Find(std::string_view name) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), name,
                             [](const Entry& e, std::string_view n) { return e.first < n; });
  if (it != entries_.end() && it->first == name) return &it->second;
  return nullptr;
}

namespace {

template <typename T>
T GetAs(const AttrMap& m, std::string_view name, T fallback) {
  const AttrValue* v = m.Find(name);
  if (v == nullptr) return fallback;
  if (const T* t = std::get_if<T>(v)) return *t;
  return fallback;
}

}  // namespace

int64_t AttrMap::GetInt(std::string_view name, int64_t fallback) const {
  return GetAs(*this, name, fallback);
}
double AttrMap::GetFloat(std::string_view name, double fallback) const {
  return GetAs(*this, name, fallback);
}
std::string AttrMap::GetString(std::string_view name, std::string fallback) const {
  return GetAs(*this, name, std::move(fallback));
}
std::vector<int64_t> AttrMap::GetInts(std::string_view name, std::vector<int64_t> fallback) const {
  return GetAs(*this, name, std::move(fallback));
}
std::vector<double> AttrMap::GetFloats(std::string_view name, std::vector<double> fallback) const {
  return GetAs(*this, name, std::move(fallback));
}

}  // namespace kiln::ir
