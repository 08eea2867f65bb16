#include "passes/pass_options.h"

#include <algorithm>
#include <charconv>

namespace kiln {

bool PassOptions::Set(std::string key, std::string value) {
  return values_.emplace(std::move(key), std::move(value)).second;
}

std::optional<std::string_view> PassOptions::Get(std::string_view key) const {
  auto it = values_.find(key);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Status PassOptions::CheckKnown(std::string_view pass,
                               std::initializer_list<std::string_view> known) const {
  for (const auto& [key, value] : values_) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return Status::Error("pass '" + std::string(pass) + "' has no option '" + key + "'");
    }
  }
  return Status::Ok();
}

std::string PassOptions::GetString(std::string_view key, std::string fallback) const {
  std::optional<std::string_view> v = Get(key);
  return v ? std::string(*v) : std::move(fallback);
}

namespace {

Status BadValue(std::string_view pass, std::string_view key, std::string_view expected,
                std::string_view got) {
  return Status::Error("pass '" + std::string(pass) + "': option '" + std::string(key) +
                       "' expects " + std::string(expected) + ", got '" + std::string(got) + "'");
}

}  // namespace

Expected<int64_t> PassOptions::GetInt(std::string_view pass, std::string_view key,
                                      int64_t fallback) const {
  std::optional<std::string_view> v = Get(key);
  if (!v) return fallback;
  int64_t result = 0;
  const char* end = v->data() + v->size();
  auto [ptr, ec] = std::from_chars(v->data(), end, result);
  if (v->empty() || ec != std::errc() || ptr != end) {
    return BadValue(pass, key, "an integer", *v);
  }
  return result;
}

Expected<bool> PassOptions::GetBool(std::string_view pass, std::string_view key,
                                    bool fallback) const {
  std::optional<std::string_view> v = Get(key);
  if (!v) return fallback;
  if (*v == "true" || *v == "1" || *v == "on") return true;
  if (*v == "false" || *v == "0" || *v == "off") return false;
  return BadValue(pass, key, "true or false", *v);
}

bool IsBareOptionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_-.+/:*@%").find(c) != std::string_view::npos;
}

bool IsBareOptionValue(std::string_view value) {
  return !value.empty() && std::all_of(value.begin(), value.end(), IsBareOptionChar);
}

std::string PassOptions::ToString() const {
  if (values_.empty()) return "";
  std::string out = "{";
  for (const auto& [key, value] : values_) {
    if (out.size() > 1) out += ",";
    out += key + "=";
    if (IsBareOptionValue(value)) {
      out += value;
      continue;
    }
    out += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace kiln
