// The options of one pass in a pipeline: `quantize{scheme=per-axis,bits=8}` gives the
// quantize factory {bits: "8", scheme: "per-axis"}. Values are strings; typed getters parse
// them and name the pass and option in their errors.
//
//   if (Status s = options.CheckKnown("quantize", {"bits", "scheme"}); !s.ok()) return s;
//   Expected<int64_t> bits = options.GetInt("quantize", "bits", 8);
//   std::string scheme = options.GetString("scheme", "per-tensor");
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "ir/status.h"

namespace kiln {

class PassOptions {
 public:
  PassOptions() = default;
  explicit PassOptions(std::map<std::string, std::string, std::less<>> values)
      : values_(std::move(values)) {}

  // Returns false (and changes nothing) when `key` is already set.
  bool Set(std::string key, std::string value);
  std::optional<std::string_view> Get(std::string_view key) const;
  bool Has(std::string_view key) const { return values_.find(key) != values_.end(); }
  bool empty() const { return values_.empty(); }
  const std::map<std::string, std::string, std::less<>>& values() const { return values_; }

  // Error `pass 'p' has no option 'k'` for the first key (in sorted order) not in `known`.
  Status CheckKnown(std::string_view pass, std::initializer_list<std::string_view> known) const;

  std::string GetString(std::string_view key, std::string fallback) const;
  // Decimal integers; error `pass 'p': option 'k' expects an integer, got 'x'`.
  Expected<int64_t> GetInt(std::string_view pass, std::string_view key, int64_t fallback) const;
  // true/false, 1/0, on/off.
  Expected<bool> GetBool(std::string_view pass, std::string_view key, bool fallback) const;

  // `{a=1,b="x y"}` in key order, or "" when empty; reads back through the pipeline parser.
  std::string ToString() const;

  bool operator==(const PassOptions&) const = default;

 private:
  std::map<std::string, std::string, std::less<>> values_;
};

// Characters an option value may use without quotes in pipeline text; other values are
// written "quoted", with \" and \\ escapes.
bool IsBareOptionChar(char c);
bool IsBareOptionValue(std::string_view value);

}  // namespace kiln
