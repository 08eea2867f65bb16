#include "ir/shape.h"

#include "ir/attribute.h"

namespace kiln::ir {
namespace {

bool IsIdentifier(std::string_view s) {
  auto start = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (s.empty() || !start(s[0])) return false;
  for (char c : s) {
    if (!start(c) && !(c >= '0' && c <= '9') && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string Dim::ToString() const {
  if (is_static()) return std::to_string(size_);
  // Quoted unless an identifier, so "3" or "N,3" cannot read (or intern) as other shapes.
  if (is_symbolic()) return IsIdentifier(symbol_) ? symbol_ : QuoteString(symbol_);
  return "?";
}

Shape Shape::Static(const std::vector<int64_t>& sizes) {
  std::vector<Dim> dims;
  dims.reserve(sizes.size());
  for (int64_t s : sizes) dims.emplace_back(s);
  return Shape(std::move(dims));
}

Shape Shape::Unranked() {
  Shape s;
  s.ranked_ = false;
  return s;
}

bool Shape::is_static() const {
  if (!ranked_) return false;
  for (const Dim& d : dims_) {
    if (!d.is_static()) return false;
  }
  return true;
}

std::optional<int64_t> Shape::num_elements() const {
  if (!is_static()) return std::nullopt;
  int64_t n = 1;
  for (const Dim& d : dims_) n *= d.size();
  return n;
}

std::vector<int64_t> Shape::static_sizes() const {
  std::vector<int64_t> sizes;
  sizes.reserve(dims_.size());
  for (const Dim& d : dims_) sizes.push_back(d.size());
  return sizes;
}

std::string Shape::ToString() const {
  if (!ranked_) return "[*]";
  std::string s = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) s += ",";
    s += dims_[i].ToString();
  }
  return s + "]";
}

}  // namespace kiln::ir
