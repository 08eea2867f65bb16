// Builds a message from pieces: numbers print with std::to_string, everything else as text.
//
//   std::string m = StrCat("operand ", 1, " has rank ", rank, ", but ", name, " has ", other);
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace kiln::ir {

namespace str_cat_internal {
template <typename T>
void Append(std::string& out, const T& v) {
  if constexpr (std::is_arithmetic_v<T>) {
    out += std::to_string(v);
  } else {
    out += std::string_view(v);
  }
}
}  // namespace str_cat_internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (str_cat_internal::Append(out, args), ...);
  return out;
}

}  // namespace kiln::ir
